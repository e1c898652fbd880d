package dev.franz.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/** For tests: a whole topic as it is now, the way a downstream exactly-once (read_committed) reader sees it. */
public final class CommittedRecords {

    private CommittedRecords() {
    }

    /**
     * Every committed record of {@code topic}, from the start of each partition to its current end.
     * {@code read_committed} skips records of aborted transactions (and stops before open ones);
     * {@code assign()} reads the partitions directly, without a consumer group, committing nothing.
     *
     * @throws IllegalStateException if the end is not reached within {@code timeout}
     */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(Properties clientProperties, String topic,
                                                            Deserializer<K> keys, Deserializer<V> values,
                                                            Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // For a read_committed consumer the end is the last stable offset: before any open transaction.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " to its end within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
