package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.events.UserEvent;
import dev.franz.common.json.JsonDeserializer;

/**
 * The plain-clients engine, as the original Python course does it: poll, update in-memory state,
 * send the results, then commit. At-least-once: the offsets are committed only after the results
 * are acknowledged, so a crash repeats some output rather than losing it.
 */
final class PlainEngine {

    private static final Logger log = LoggerFactory.getLogger(PlainEngine.class);

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final PlainProcessor processor;
    private final PrintStream out;
    private final Duration reportInterval;
    private final JsonDeserializer<UserEvent> reader = new JsonDeserializer<>(UserEvent.class);
    private long processed;
    private long skipped;
    private volatile Exception sendError;

    private final ConnectionLines connection;

    PlainEngine(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer, PlainProcessor processor,
                PrintStream out, Duration reportInterval, ConnectionLines connection) {
        this.connection = connection;
        this.consumer = consumer;
        this.producer = producer;
        this.processor = processor;
        this.out = out;
        this.reportInterval = reportInterval;
    }

    /**
     * Runs until Ctrl-C (the consumer is woken up) or nothing came for {@code idleTimeout} while
     * partitions were assigned (zero: never).
     */
    long run(String topic, Duration idleTimeout) {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    // Every batch is published and its commit sent before the next poll, and this runs
                    // inside poll(): commit synchronously so the next owner starts where we stopped.
                    consumer.commitSync();
                    out.println(ConsoleLines.revoked(partitions));
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    out.println(ConsoleLines.assigned(partitions));
                }
            }
        });
        long lastRecordAt = System.nanoTime();
        long lastReportAt = System.nanoTime();
        long reportedAt = 0;
        try {
            while (true) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                connection.check(consumer.metrics()); // one line when the broker goes, one when it is back
                if (!records.isEmpty()) {
                    for (ConsumerRecord<String, byte[]> record : records) {
                        process(record);
                    }
                    processor.endOfBatch().forEach(this::send);
                    // Results first, offsets second: what is committed has been published.
                    producer.flush();
                    if (sendError != null) {
                        throw new IllegalStateException("Could not publish results, so their events stay"
                                + " uncommitted and are read again on restart", sendError);
                    }
                    // Asynchronous: the next poll's records are processed while the commit travels. A
                    // failed one is harmless, the next commit covers the same partitions further on.
                    consumer.commitAsync((offsets, error) -> {
                        if (error != null) {
                            log.warn("Commit failed, the next one will cover it: {}", error.toString());
                        }
                    });
                }
                // Idle means owning partitions and getting nothing: waiting for an assignment does not count.
                if (!records.isEmpty() || consumer.assignment().isEmpty()) {
                    lastRecordAt = System.nanoTime();
                } else if (!idleTimeout.isZero() && System.nanoTime() - lastRecordAt > idleTimeout.toNanos()) {
                    out.printf("No new events for %d s: stopping.%n", idleTimeout.toSeconds());
                    break;
                }
                if (System.nanoTime() - lastReportAt >= reportInterval.toNanos() && processed != reportedAt) {
                    processor.report(out);
                    reportedAt = processed;
                    lastReportAt = System.nanoTime();
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C: the last batch was published before this poll; its commit may still be in flight.
        }
        // Synchronous on the way out, so the last batch's offsets are surely recorded before close.
        try {
            consumer.commitSync();
        } catch (WakeupException e) {
            consumer.commitSync(); // Ctrl-C arrived during this very commit: the wake-up is spent, commit.
        }
        processor.report(out);
        return processed;
    }

    /** Records that were not readable events, each reported in one line and skipped. */
    long skipped() {
        return skipped;
    }

    private void process(ConsumerRecord<String, byte[]> record) {
        UserEvent event;
        try {
            event = reader.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            skip(record, e.getMessage());
            return;
        }
        if (event == null) {
            skip(record, "no value");
            return;
        }
        processed++;
        processor.process(record.key(), event, record.timestamp()).forEach(this::send);
    }

    private void skip(ConsumerRecord<String, byte[]> record, String reason) {
        skipped++;
        out.println(ConsoleLines.skipped(record.topic(), record.partition(), record.offset(), reason));
    }

    private void send(ProducerRecord<String, byte[]> output) {
        producer.send(output, (metadata, error) -> {
            if (error != null && sendError == null) {
                sendError = error;
            }
        });
    }
}
