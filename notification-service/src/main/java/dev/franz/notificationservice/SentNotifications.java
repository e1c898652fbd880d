package dev.franz.notificationservice;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.franz.common.events.Notification;
import dev.franz.common.events.NotificationKind;
import dev.franz.common.json.JsonDeserializer;

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
        Properties props = new Properties();
        props.putAll(clientProperties);
        // Only notifications whose transaction committed were really sent.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        JsonDeserializer<Notification> reader = new JsonDeserializer<>(Notification.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            // No group: assign() reads partitions directly, and commits nothing.
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        Notification notification = reader.deserialize(topic, record.value());
                        if (notification != null) {
                            notifications.markSent(notification.orderId(), notification.kind());
                        }
                    } catch (SerializationException e) {
                        // Not a notification (someone wrote to the topic by hand): nothing was notified.
                    }
                }
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
