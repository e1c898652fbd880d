package dev.franz.notificationservice;

import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.franz.common.events.Notification;
import dev.franz.common.events.NotificationKind;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.CommittedRecords;

/**
 * Which (order, kind) pairs were already notified, so that an order or payment seen twice (replayed,
 * or produced twice upstream) does not notify the customer twice. Rebuilt at start from the
 * committed records of the {@code notifications} topic itself, so it survives restarts and crashes.
 * It grows with every order: a production service would keep it in a store with a retention period.
 */
final class SentNotifications {

    private final Set<String> sent = new HashSet<>();

    /** Reads every committed notification up to the current end of {@code topic}. */
    static SentNotifications load(Properties clientProperties, String topic, Duration timeout) {
        SentNotifications notifications = new SentNotifications();
        JsonDeserializer<Notification> reader = new JsonDeserializer<>(Notification.class);
        // Only notifications whose transaction committed were really sent.
        for (ConsumerRecord<String, byte[]> record : CommittedRecords.readAll(clientProperties, topic,
                new StringDeserializer(), new ByteArrayDeserializer(), timeout)) {
            try {
                Notification notification = reader.deserialize(topic, record.value());
                if (notification != null) {
                    notifications.markSent(notification.orderId(), notification.kind());
                }
            } catch (SerializationException e) {
                // Not a notification (someone wrote to the topic by hand): nothing was notified.
            }
        }
        return notifications;
    }

    boolean wasSent(String orderId, NotificationKind kind) {
        return sent.contains(key(orderId, kind));
    }

    void markSent(String orderId, NotificationKind kind) {
        sent.add(key(orderId, kind));
    }

    int size() {
        return sent.size();
    }

    private static String key(String orderId, NotificationKind kind) {
        return orderId + '|' + kind;
    }
}
