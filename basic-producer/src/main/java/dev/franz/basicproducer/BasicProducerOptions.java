package dev.franz.basicproducer;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.RecordMetadata;

import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.cli.TopicName;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * basic-producer's command line, its checks, and the lines it prints. The Kafka side, what the
 * options change, is in {@link BasicProducer}.
 */
final class BasicProducerOptions {

    enum Mode { SYNC, ASYNC, BOTH }

    enum Compression { NONE, GZIP, SNAPPY, LZ4, ZSTD }

    /** The values of producer setting acks: all, 1 or 0. */
    enum Acks {
        ALL("all"), ONE("1"), ZERO("0");

        final String value;

        Acks(String value) {
            this.value = value;
        }
    }

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "10", converter = Numbers.Positive.class,
            description = "How many events to send (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--mode", paramLabel = "sync|async|both", defaultValue = "both",
            description = "sync, async, or both: the first half sync, the rest async (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class,
            description = "Topic to send to (default: TOPIC_USER_EVENTS, user_events); created if missing.")
    String topic;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "0.1",
            converter = Numbers.NotNegativeSeconds.class,
            description = "Seconds between sends, fractions allowed; 0 sends as fast as possible"
                    + " (default: ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--users", paramLabel = "N", defaultValue = "8", converter = Numbers.PositiveInt.class,
            description = "How many different users (keys) the events come from (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--acks", paramLabel = "all|1|0", defaultValue = "all", converter = AcksConverter.class,
            description = "How many replicas must store a record before it counts as sent (default: ${DEFAULT-VALUE}).")
    Acks acks;

    @Option(names = "--compression", paramLabel = "none|gzip|snappy|lz4|zstd", defaultValue = "none",
            description = "How batches are compressed (default: ${DEFAULT-VALUE}).")
    Compression compression;

    @Option(names = "--linger-ms", paramLabel = "MS", defaultValue = "5", converter = Numbers.NotNegative.class,
            description = "How long the producer waits to fill a batch (default: ${DEFAULT-VALUE}, Kafka 4's default).")
    long lingerMs;

    @Option(names = "--batch-size", paramLabel = "BYTES", defaultValue = "65536", converter = Numbers.PositiveInt.class,
            description = "Largest batch per partition (default: ${DEFAULT-VALUE}; Kafka's default is 16384). A larger"
                    + " batch carries more records per request when they come fast (--interval 0); at a few records a"
                    + " second each batch holds one record anyway.")
    int batchSize;

    @Mixin
    SharedOptions.PrintEvery printEvery;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed, to send the same events again.")
    Long seed;

    @Mixin
    SummaryOption summaryOption;

    /** --topic, or TOPIC_USER_EVENTS (user_events). */
    String topic(FranzConfig config) {
        return topic != null ? topic : config.topic(ConfigKey.TOPIC_USER_EVENTS);
    }

    /** Fails in seconds with a clear message if no broker answers, instead of blocking in send(); creates the topic. */
    void checkBrokerAndCreateTopic(FranzConfig config, String topicName, PrintStream out) {
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        Topics.createIfMissing(config, List.of(topicName), out);
    }

    /** How many of the events are sent synchronously: all, none, or the first half. */
    long syncCount() {
        return switch (mode) {
            case SYNC -> count;
            case ASYNC -> 0;
            case BOTH -> (count + 1) / 2;
        };
    }

    void printStart(PrintStream out, String topicName) {
        long syncCount = syncCount();
        String how = syncCount == count ? "synchronously (send().get() waits for each acknowledgement)"
                : syncCount == 0 ? "asynchronously (send() with a callback)"
                : "the first " + syncCount + " synchronously (send().get()), the rest asynchronously (send() with a callback)";
        out.printf("Sending %d user events to topic %s: %s%n", count, topicName, how);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    /** Where an acknowledged record landed (with --print-every N, the first and every Nth); {@code number} from 1. */
    static void printAcknowledged(PrintStream out, String mode, long number, long printEvery, String key,
                                  String eventType, RecordMetadata metadata) {
        if (ConsoleLines.printThis(number, printEvery)) {
            out.printf("%s  key=%-7s %-9s -> %s partition %d offset %d at %s%n", mode, key, eventType, metadata.topic(),
                    metadata.partition(), metadata.offset(), TIME.format(Instant.ofEpochMilli(metadata.timestamp())));
        }
    }

    /** The summary at the end (and in --summary's file). */
    void printSummary(PrintStream out, SendSummary summary, Map<String, Double> metrics, String topicName) {
        RunSummary run = new RunSummary("basic-producer", "sent", summary.sent(), "events", summary.elapsed())
                .detail("topic", topicName)
                .count("acknowledged", summary.acknowledged())
                .count("failed", summary.failed())
                .count("key and value bytes", summary.bytes())
                // Everything the producer sent to brokers: the batches (after compression) plus request headers.
                .count("bytes sent over the network", Math.round(metrics.getOrDefault(ProducerMetrics.OUTGOING_BYTES, 0.0)))
                .detail("compression", compression.name().toLowerCase() + String.format(
                        " (Kafka's compression-rate-avg: a batch averaged %.0f%% of its uncompressed size;"
                                + " small batches compress little)",
                        100 * metrics.getOrDefault(ProducerMetrics.COMPRESSION_RATE, 1.0)))
                .detail("settings", String.format("acks=%s, idempotence %s, linger.ms=%d, batch.size=%d", acks.value,
                        acks == Acks.ALL ? "on" : "off", lingerMs, batchSize));
        // Each key went to one partition: the default partitioner hashes the key.
        Map<String, Long> recordsByKey = summary.recordsByKey();
        summary.partitionsByKey().forEach((key, partitions) -> {
            long events = recordsByKey.get(key);
            run.detail("key " + key, "partition " + (partitions.size() == 1 ? partitions.iterator().next() : partitions)
                    + " (" + events + (events == 1 ? " event)" : " events)"));
        });
        run.report(out, summaryOption.file());
    }

    /** Accepts all, 1 or 0 (and one, zero). */
    static final class AcksConverter implements ITypeConverter<Acks> {
        @Override
        public Acks convert(String value) {
            for (Acks acks : Acks.values()) {
                if (acks.value.equals(value) || acks.name().equalsIgnoreCase(value)) {
                    return acks;
                }
            }
            throw new TypeConversionException("'" + value + "' is not allowed, it must be all, 1 or 0");
        }
    }
}
