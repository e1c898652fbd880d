package dev.franz.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reading in tests: a bounded poll loop, never a sleep. */
public final class TestConsumers {

    private TestConsumers() {
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
