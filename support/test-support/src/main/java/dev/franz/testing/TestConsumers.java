package dev.franz.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;

/** Reading in tests: a bounded poll loop, never a sleep. */
public final class TestConsumers {

    private TestConsumers() {
    }

    /**
     * Reads {@code topic} from its first record in a new consumer group (so from the start, whatever
     * other groups did) until {@code expected} records arrived or 30 s passed.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readFromStart(Properties clientProperties, String topic,
                                                                  Deserializer<K> keys, Deserializer<V> values,
                                                                  int expected) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, TestNames.unique("test-reader"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            consumer.subscribe(List.of(topic));
            return pollAtLeast(consumer, expected, Duration.ofSeconds(30));
        }
    }

    /**
     * Polls until {@code expected} records arrived or {@code timeout} passed, and returns what came:
     * the test asserts on it, so a timeout shows as a short list, not a hang.
     */
    public static <K, V> List<ConsumerRecord<K, V>> pollAtLeast(Consumer<K, V> consumer, int expected, Duration timeout) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
