package dev.franz.basicproducer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.events.UserEvent;

/**
 * Sends user events to one topic, keyed by user id, synchronously or asynchronously, and prints
 * where each one landed. Works with any {@link Producer}: a {@code KafkaProducer}, or a
 * {@code MockProducer} in unit tests.
 */
final class UserEventProducer {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    static final String EVENT_TYPE_HEADER = "event-type";

    private final Producer<String, UserEvent> producer;
    private final String topic;
    private final PrintStream out;
    private final long printEvery;

    private final long startedAt = System.nanoTime();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    // Callbacks run on the producer's I/O thread, so the per-key tallies are concurrent maps.
    private final Map<String, Set<Integer>> partitionsByKey = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> recordsByKey = new ConcurrentHashMap<>();

    /** @param printEvery as {@code --print-every}: the first record, then every Nth; 0 prints none */
    UserEventProducer(Producer<String, UserEvent> producer, String topic, PrintStream out, long printEvery) {
        this.producer = producer;
        this.topic = topic;
        this.out = out;
        this.printEvery = printEvery;
    }

    /**
     * Sends and waits for the broker's acknowledgement: simple and ordered, but one round trip per
     * record, so slow. Returns the metadata, or null if the send failed (the failure is printed).
     */
    RecordMetadata sendSync(UserEvent event) throws InterruptedException {
        long number = sent.incrementAndGet();
        try {
            RecordMetadata metadata = producer.send(record(event)).get();
            recordSuccess(event, metadata, number, "sync ");
            return metadata;
        } catch (ExecutionException e) {
            recordFailure(event, e.getCause(), "sync ");
            return null;
        }
    }

    /**
     * Hands the record to the producer and returns at once; the producer batches records per
     * partition and the callback runs (on the producer's I/O thread) when the broker answers.
     */
    void sendAsync(UserEvent event) {
        long number = sent.incrementAndGet();
        Callback onAcknowledged = (metadata, exception) -> {
            if (exception == null) {
                recordSuccess(event, metadata, number, "async");
            } else {
                // The producer already retried what can be retried (until delivery.timeout.ms).
                recordFailure(event, exception, "async");
            }
        };
        producer.send(record(event), onAcknowledged);
    }

    /** Blocks until every record sent so far is acknowledged or failed: their callbacks have run. */
    void flush() {
        producer.flush();
    }

    SendSummary summary() {
        Map<String, Long> counts = new TreeMap<>();
        recordsByKey.forEach((key, count) -> counts.put(key, count.get()));
        Map<String, Set<Integer>> partitions = new TreeMap<>();
        partitionsByKey.forEach((key, set) -> partitions.put(key, Set.copyOf(set)));
        return new SendSummary(sent.get(), acknowledged.get(), failed.get(), bytes.get(),
                Duration.ofNanos(System.nanoTime() - startedAt), partitions, counts);
    }

    private ProducerRecord<String, UserEvent> record(UserEvent event) {
        // The key decides the partition: the same user's events always go to the same partition,
        // so a consumer reads them in the order they were sent.
        ProducerRecord<String, UserEvent> record = new ProducerRecord<>(topic, event.userId(), event);
        // Headers are metadata beside the value: a consumer can route on them without parsing JSON.
        record.headers().add(EVENT_TYPE_HEADER, event.eventType().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private void recordSuccess(UserEvent event, RecordMetadata metadata, long number, String mode) {
        acknowledged.incrementAndGet();
        bytes.addAndGet(Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize()));
        partitionsByKey.computeIfAbsent(event.userId(), key -> new ConcurrentSkipListSet<>()).add(metadata.partition());
        recordsByKey.computeIfAbsent(event.userId(), key -> new AtomicLong()).incrementAndGet();
        if (ConsoleLines.printThis(number, printEvery)) {
            out.printf("%s  key=%-7s %-9s -> %s partition %d offset %d at %s%n", mode, event.userId(),
                    event.eventType(), metadata.topic(), metadata.partition(), metadata.offset(),
                    TIME.format(Instant.ofEpochMilli(metadata.timestamp())));
        }
    }

    private void recordFailure(UserEvent event, Throwable error, String mode) {
        failed.incrementAndGet();
        out.printf("%s  key=%-7s FAILED: %s%n", mode, event.userId(), error);
    }
}
