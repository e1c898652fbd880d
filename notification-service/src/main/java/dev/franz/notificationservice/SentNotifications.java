package dev.franz.notificationservice;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.franz.common.events.Notification;
import dev.franz.common.events.NotificationKind;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.ReadToEnd;

/**
 * Which (order, kind) pairs were already notified, so that an order or payment seen twice (replayed,
 * or produced twice upstream) does not notify the customer twice. Built at start from the committed
 * records of the {@code notifications} topic itself, so it survives restarts and crashes; read on
 * again from where it stopped whenever partitions are assigned ({@link #catchUp}), because another
 * instance may have notified orders of a partition that now moves here. It grows with every order:
 * a production service would keep it in a store with a retention period.
 */
final class SentNotifications {

    private final Set<String> sent = new HashSet<>();
    /** Per partition of the topic, the next offset to read: where the last read stopped. */
    private final Map<TopicPartition, Long> readUpTo = new HashMap<>();
    private final Properties clientProperties; // null: kept in memory only (unit tests)
    private final String topic;
    private final Duration timeout;

    /** Memory only, for tests: {@link #catchUp} reads nothing. */
    SentNotifications() {
        this(null, null, null);
    }

    private SentNotifications(Properties clientProperties, String topic, Duration timeout) {
        this.clientProperties = clientProperties;
        this.topic = topic;
        this.timeout = timeout;
    }

    /** Reads every committed notification up to the current end of {@code topic}. */
    static SentNotifications load(Properties clientProperties, String topic, Duration timeout) {
        SentNotifications notifications = new SentNotifications(clientProperties, topic, timeout);
        notifications.catchUp();
        return notifications;
    }

    /**
     * Reads the notifications committed since the last read (by any instance), up to the topic's end.
     *
     * @return how many (order, kind) pairs it did not know yet: those another instance notified
     */
    int catchUp() {
        if (clientProperties == null) {
            return 0;
        }
        int learned = 0;
        JsonDeserializer<Notification> reader = new JsonDeserializer<>(Notification.class);
        for (ConsumerRecord<String, byte[]> record : readToEnd()) {
            try {
                Notification notification = reader.deserialize(topic, record.value());
                if (notification != null && markSent(notification.orderId(), notification.kind())) {
                    learned++;
                }
            } catch (SerializationException e) {
                // Not a notification (someone wrote to the topic by hand): nothing was notified.
            }
        }
        return learned;
    }

    /**
     * The topic from where the last read stopped (its start, the first time) to its end as it is now,
     * as a downstream exactly-once reader sees it: only notifications whose transaction committed were
     * really sent.
     */
    private List<ConsumerRecord<String, byte[]>> readToEnd() {
        return ReadToEnd.from(clientProperties, topic, readUpTo, new StringDeserializer(), new ByteArrayDeserializer(),
                timeout);
    }

    boolean wasSent(String orderId, NotificationKind kind) {
        return sent.contains(key(orderId, kind));
    }

    /** @return false when it was known already */
    boolean markSent(String orderId, NotificationKind kind) {
        return sent.add(key(orderId, kind));
    }

    int size() {
        return sent.size();
    }

    private static String key(String orderId, NotificationKind kind) {
        return orderId + '|' + kind;
    }
}
