package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserEvent;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.json.JsonDeserializer;

/**
 * The plain-clients engine, as the original Python course does it: poll, update in-memory state,
 * send the results, then commit. At-least-once: the offsets are committed only after the results
 * are acknowledged, so a crash repeats some output rather than losing it.
 *
 * <p>Top to bottom: {@link #run} sets up the consumer and the producer and Ctrl-C; {@link #pollLoop}
 * is the loop, with its commits and its rebalance listener; {@link #process} the rule for a bad record.
 * What each mode computes is in its {@link PlainProcessor}.
 *
 * <p>Its rule for a record it cannot use (not JSON, no event type, an amount that is no amount, a
 * result too large to publish): one {@code SKIPPED} line, counted, and a copy to the dead-letter topic
 * with the reason in its headers; the records around it go on. Anything else that goes wrong in
 * processing is a bug: the run stops, naming the record, and nothing of that poll is committed.
 */
final class PlainEngine {

    private static final Logger log = LoggerFactory.getLogger(PlainEngine.class);

    /** Room kept in a record for its key, headers and framing, beside its value. */
    private static final int FRAMING_BYTES = 1024;

    /** Runs the chosen mode until Ctrl-C or --idle-timeout, then prints the summary. */
    static int run(FranzConfig config, StreamTopics topics, StreamProcessing.Settings run, PrintStream out) {
        PlainProcessor processor = switch (run.mode()) {
            case STATEFUL -> new PlainStatefulProcessor(topics);
            case ENRICHMENT -> new PlainEnrichmentProcessor(topics, UserProfiles.byUser(
                    UserProfiles.readTopic(config.clientProperties(), topics.profiles(), Duration.ofSeconds(30))));
            case WINDOWED -> new PlainWindowedProcessor(topics, run.windowSize(), run.grace(), out);
        };
        Properties consumerProps = config.clientProperties();
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, run.name());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, run.offsetReset());
        // Offsets are committed by the engine, after the results are published.
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        CountDownLatch finished = new CountDownLatch(1);
        try {
            long startedAt = System.nanoTime();
            PlainEngine plain;
            long processed;
            try (Consumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                    new ByteArrayDeserializer());
                 Producer<String, byte[]> producer = new KafkaProducer<>(config.clientProperties(),
                         new StringSerializer(), new ByteArraySerializer())) {
                // Ctrl-C runs this hook: wakeup() makes the blocked poll() throw WakeupException; the hook then waits
                // (at most 8 s) for the loop, the closes and the summary: on a latch, as System.exit waits for it.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    consumer.wakeup();
                    GracefulShutdown.awaitFinished(finished, GracefulShutdown.CONSUMER_UNFINISHED);
                }, "stream-processing-shutdown"));
                plain = new PlainEngine(consumer, producer, processor, topics.deadLetters(),
                        DeadLetters.maxRequestSize(config.clientProperties()),
                        out, run.reportInterval(), new ConnectionLines(out, config.bootstrapServers()));
                processed = plain.pollLoop(topics.events(), run.idleTimeout().value());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - startedAt);
            new RunSummary(run.name(), "processed", processed, "events", took)
                    .count("bad records skipped (dead-lettered to " + topics.deadLetters() + ")", plain.skipped())
                    .detail("state", "in this JVM's memory: it is gone now")
                    .report(out, run.summaryFile());
        } finally {
            finished.countDown();
        }
        return 0;
    }

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final PlainProcessor processor;
    private final String deadLetterTopic;
    private final int maxRecordBytes;
    private final PrintStream out;
    private final Duration reportInterval;
    private final ConnectionLines connection;
    private final JsonDeserializer<UserEvent> reader = new JsonDeserializer<>(UserEvent.class);
    /** What may be committed: per partition, the offset after the last record whose results are published. */
    private final Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    private long processed;
    private long skipped;
    private volatile Exception sendError;

    /**
     * @param maxRecordBytes the producer's {@code max.request.size}: a result larger than this cannot be
     *                       published, so the event that made it is a bad record
     */
    PlainEngine(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer, PlainProcessor processor,
                String deadLetterTopic, int maxRecordBytes, PrintStream out, Duration reportInterval,
                ConnectionLines connection) {
        this.consumer = consumer;
        this.producer = producer;
        this.processor = processor;
        this.deadLetterTopic = deadLetterTopic;
        this.maxRecordBytes = maxRecordBytes;
        this.out = out;
        this.reportInterval = reportInterval;
        this.connection = connection;
    }

    /**
     * Runs until Ctrl-C (the consumer is woken up) or nothing came for {@code idleTimeout} while
     * partitions were assigned (zero: never).
     */
    long pollLoop(String topic, Duration idleTimeout) {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // Runs inside poll(), or in close() after a failure: commit what is done in these
                // partitions, synchronously, so the next owner starts where we stopped. Not the
                // consumer's position: after a failure it is past records whose results were never sent.
                Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
                for (TopicPartition partition : partitions) {
                    OffsetAndMetadata offset = done.remove(partition);
                    if (offset != null) {
                        handled.put(partition, offset);
                    }
                }
                if (!handled.isEmpty()) {
                    consumer.commitSync(handled);
                }
                if (!partitions.isEmpty()) {
                    out.println(ConsoleLines.revoked(partitions));
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                // The group went on without this member (it polled too late, or lost the broker): other
                // members may own these partitions already, so commit nothing. (Kafka's default calls
                // onPartitionsRevoked, whose commit would fail and end the run.)
                done.keySet().removeAll(partitions);
                out.println(ConsoleLines.lost(partitions));
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
                        throw new UserFacingException("Could not publish the results of the events read since the"
                                + " last commit (" + sendError + "): they stay uncommitted and are read again at the"
                                + " next start", sendError);
                    }
                    done.putAll(records.nextOffsets());
                    // Asynchronous: the next poll's records are processed while the commit travels. A
                    // failed one is harmless, the next commit covers the same partitions further on.
                    consumer.commitAsync(Map.copyOf(done), (offsets, error) -> {
                        if (error != null) {
                            log.warn("Commit failed, the next one will cover it: {}", error.toString());
                        }
                    });
                }
                // Idle means owning partitions and getting nothing: waiting for an assignment does not count.
                if (!records.isEmpty() || consumer.assignment().isEmpty()) {
                    lastRecordAt = System.nanoTime();
                } else if (!idleTimeout.isZero() && System.nanoTime() - lastRecordAt > idleTimeout.toNanos()) {
                    out.println(ConsoleLines.idleStop("events", idleTimeout));
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
            consumer.commitSync(done);
        } catch (WakeupException e) {
            consumer.commitSync(done); // Ctrl-C arrived during this very commit: the wake-up is spent, commit.
        }
        processor.report(out);
        return processed;
    }

    /** Records that were not events Level 2 can use, each reported in one line, dead-lettered and skipped. */
    long skipped() {
        return skipped;
    }

    private void process(ConsumerRecord<String, byte[]> record) {
        UserEvent event;
        try {
            event = BadEvent.check(record.key(), reader.deserialize(record.topic(), record.value()));
        } catch (SerializationException e) {
            skip(record, "malformed", e);
            return;
        } catch (BadEvent e) {
            skip(record, "invalid", e);
            return;
        }
        List<ProducerRecord<String, byte[]>> outputs;
        try {
            outputs = processor.process(record.key(), event, record.timestamp());
        } catch (RuntimeException e) {
            // Not a bad record (those are checked above) but a bug: stop here rather than skip or guess.
            throw new UserFacingException("Stopped at " + record.topic() + "-" + record.partition() + " offset "
                    + record.offset() + ": " + e + ". Nothing read since the last commit is committed: the next"
                    + " start reads it again.", e);
        }
        for (ProducerRecord<String, byte[]> output : outputs) {
            int size = (output.value() == null ? 0 : output.value().length)
                    + (output.key() == null ? 0 : output.key().getBytes(StandardCharsets.UTF_8).length);
            if (size > maxRecordBytes - FRAMING_BYTES) {
                // (Its state change, if any, is already made: as in Kafka Streams, whose production handler skips a
                // result after the store took it. Only enrichment's results grow with the event.)
                skip(record, "invalid", new RecordTooLargeException("its result for " + output.topic() + " would be "
                        + size + " bytes: over max.request.size (" + maxRecordBytes + ") with its key and framing"));
                return;
            }
        }
        processed++;
        outputs.forEach(this::send);
    }

    private void skip(ConsumerRecord<String, byte[]> record, String reason, Exception error) {
        skipped++;
        out.println(ConsoleLines.skipped(record.topic(), record.partition(), record.offset(), error.getMessage()));
        // Published and flushed with the batch's results, before its offsets are committed.
        send(DeadLetters.of(record, deadLetterTopic, reason, error, 1, maxRecordBytes));
    }

    private void send(ProducerRecord<String, byte[]> output) {
        producer.send(output, (metadata, error) -> {
            if (error != null && sendError == null) {
                sendError = error;
            }
        });
    }
}
