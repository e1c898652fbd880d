package dev.franz.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

import dev.franz.common.UserFacingException;

/**
 * Reads a topic to its end as it is now, the way a program loads a table or checks what a topic holds:
 * {@code assign()} without a group, so the reader joins nothing and commits nothing; {@code read_committed},
 * so it sees only records whose transaction committed (the end is then the last stable offset, before
 * any open transaction). Kafka Streams loads a GlobalKTable the same way, and then keeps following the topic.
 */
public final class ReadToEnd {

    private ReadToEnd() {
    }

    /** Every committed record of {@code topic}, from the start of each partition to its end of now. */
    public static <K, V> List<ConsumerRecord<K, V>> fromStart(Properties clientProperties, String topic,
                                                               Deserializer<K> keys, Deserializer<V> values,
                                                               Duration timeout) {
        return from(clientProperties, topic, new HashMap<>(), keys, values, timeout);
    }

    /**
     * The committed records of {@code topic} from {@code next} (per partition, the next offset to read; a
     * partition not in it from its start) to the topic's end of now, and then {@code next} set to where
     * the read stopped, so that the next call reads on from there.
     *
     * @throws UserFacingException when the end is not reached within {@code timeout}
     */
    public static <K, V> List<ConsumerRecord<K, V>> from(Properties clientProperties, String topic,
                                                          Map<TopicPartition, Long> next, Deserializer<K> keys,
                                                          Deserializer<V> values, Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            for (TopicPartition partition : partitions) {
                Long offset = next.get(partition);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, offset);
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new UserFacingException("Could not read " + topic + " to its end within "
                            + timeout.toSeconds() + " s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            partitions.forEach(partition -> next.put(partition, consumer.position(partition)));
        }
        return records;
    }
}
