package dev.franz.basicproducer;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserEvent;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Level 1: sends made-up user events as JSON to the {@code user_events} topic, keyed by user id,
 * first synchronously and then asynchronously with a callback, and shows where each one landed.
 */
@Command(name = "basic-producer", mixinStandardHelpOptions = true, version = "basic-producer (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Sends user events (page views, clicks, purchases) as JSON to a topic, keyed by user id.")
public final class BasicProducer implements Callable<Integer> {

    enum Mode { SYNC, ASYNC, BOTH }

    enum Compression { NONE, GZIP, SNAPPY, LZ4, ZSTD }

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "10",
            description = "How many events to send (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "BOTH", converter = ModeConverter.class,
            description = "sync, async, or both: the first half sync, the rest async (default: both).")
    Mode mode;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "Topic to send to (default: TOPIC_USER_EVENTS, user_events); created if missing.")
    String topic;

    @Option(names = "--pause-ms", paramLabel = "MS", defaultValue = "100",
            description = "Pause between sends; 0 sends as fast as possible (default: ${DEFAULT-VALUE}).")
    long pauseMs;

    @Option(names = "--users", paramLabel = "N", defaultValue = "8",
            description = "How many different users (keys) the events come from (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--acks", paramLabel = "ACKS", defaultValue = "all",
            description = "all, 1 or 0: how many replicas must store a record before it counts as sent"
                    + " (default: ${DEFAULT-VALUE}).")
    String acks;

    @Option(names = "--compression", paramLabel = "TYPE", defaultValue = "NONE", converter = CompressionConverter.class,
            description = "none, gzip, snappy, lz4 or zstd (default: none).")
    Compression compression;

    @Option(names = "--linger-ms", paramLabel = "MS", defaultValue = "5",
            description = "How long the producer waits to fill a batch (default: ${DEFAULT-VALUE}).")
    int lingerMs;

    @Option(names = "--batch-size", paramLabel = "BYTES", defaultValue = "65536",
            description = "Largest batch per partition (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--print-every", paramLabel = "N", defaultValue = "0",
            description = "Print every Nth record; 0 prints up to about 20 lines whatever the count (default).")
    long printEvery;

    @Option(names = "--record-size", paramLabel = "BYTES", defaultValue = "0",
            description = "Pad each event's JSON to about this many bytes, e.g. 200 as in Kafka's perf"
                    + " tests (default: no padding).")
    int recordSize;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed, to send the same events again.")
    Long seed;

    @Mixin
    ConfigOptions configOptions;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new BasicProducer(), args));
    }

    /** Producer settings that matter, each with why. Static so that the tests use exactly these. */
    static Properties producerProperties(FranzConfig config, String acks, Compression compression, int lingerMs,
                                         int batchSize) {
        Properties props = config.clientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "basic-producer");
        // acks=all: the leader answers once every in-sync replica has the record, so an acknowledged
        // record survives the loss of a broker. acks=1: the leader alone; acks=0: no answer at all.
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        // Idempotence: the broker drops duplicates that retries would create, and keeps order per
        // partition. On by default since Kafka 3.0; it needs acks=all, so weaker acks turn it off.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "all".equals(acks));
        // Wait up to linger.ms for more records to the same partition, then send them as one batch
        // of up to batch.size bytes: fewer, larger requests for a few ms of latency.
        props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize);
        // Whole batches are compressed by the producer, stored compressed by the broker and
        // decompressed by consumers: less network and disk for some CPU. Larger batches compress better.
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression.name().toLowerCase());
        return props;
    }

    @Override
    public Integer call() throws Exception {
        FranzConfig config = configOptions.load();
        // Fail in seconds with a clear message if no broker answers, instead of blocking in send().
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        String topicName = topic != null ? topic : config.topic(ConfigKey.TOPIC_USER_EVENTS);
        if (Topics.createIfMissing(config, topicName)) {
            out.printf("Created topic %s with %d partitions (replication factor %d)%n", topicName,
                    config.topicPartitions(), config.topicReplicationFactor());
        }

        long syncCount = switch (mode) {
            case SYNC -> count;
            case ASYNC -> 0;
            case BOTH -> (count + 1) / 2;
        };
        out.printf("Sending %d user events to topic %s: %s%n", count, topicName, describeMode(syncCount));

        Random random = seed == null ? new Random() : new Random(seed);
        UserEventGenerator events = new UserEventGenerator(random, Clock.systemUTC(), users, paddingFor(recordSize));
        GracefulShutdown shutdown = new GracefulShutdown();
        // Ctrl-C stops the loop; the shutdown hook waits until this block is done, so the records
        // already sent are acknowledged, not lost, and the summary is printed.
        try (shutdown) {
            shutdown.stopOnExit();
            SendSummary summary;
            Map<String, Double> metrics;
            // try-with-resources: close() sends what is still buffered, waits for the answers, and
            // stops the producer's I/O thread.
            try (Producer<String, UserEvent> producer = new KafkaProducer<>(
                    producerProperties(config, acks, compression, lingerMs, batchSize),
                    new StringSerializer(), new JsonSerializer<>())) {
                UserEventProducer sender = new UserEventProducer(producer, topicName, out, effectivePrintEvery());
                for (long i = 0; i < count && !shutdown.requested(); i++) {
                    if (i < syncCount) {
                        sender.sendSync(events.next());
                    } else {
                        sender.sendAsync(events.next());
                    }
                    if (pauseMs > 0) {
                        Thread.sleep(pauseMs);
                    }
                }
                // Async sends may still be in flight: flush() waits until each has its answer.
                sender.flush();
                summary = sender.summary();
                metrics = ProducerMetrics.read(producer);
            }
            printSummary(summary, metrics, topicName);
            return summary.failed() == 0 ? 0 : 1;
        }
    }

    /** Padding that brings a typical event (a page view, about 120 bytes of JSON) to {@code bytes}. */
    private static int paddingFor(int bytes) {
        if (bytes <= 0) {
            return 0;
        }
        UserEvent typical = new UserEvent("user-1", UserEvent.PAGE_VIEW, Instant.now(), Map.of("page", "/products/42",
                "padding", ""));
        return bytes - new JsonSerializer<UserEvent>().serialize("", typical).length;
    }

    private String describeMode(long syncCount) {
        if (syncCount == count) {
            return "synchronously (send().get() waits for each acknowledgement)";
        }
        if (syncCount == 0) {
            return "asynchronously (send() with a callback)";
        }
        return "the first " + syncCount + " synchronously (send().get()), the rest asynchronously (send() with a callback)";
    }

    private long effectivePrintEvery() {
        return printEvery > 0 ? printEvery : Math.max(1, count / 20);
    }

    private void printSummary(SendSummary summary, Map<String, Double> metrics, String topicName) {
        double seconds = summary.elapsed().toNanos() / 1e9;
        out.printf("%nSent %d events to %s in %.2f s (%.0f records/s): %d acknowledged, %d failed%n", summary.sent(),
                topicName, seconds, summary.sent() / Math.max(seconds, 1e-9), summary.acknowledged(), summary.failed());
        out.printf("  %,d bytes of keys and values; %,.0f bytes sent over the network;"
                        + " batches compressed to %.0f%% of their size (compression %s)%n",
                summary.bytes(), metrics.getOrDefault(ProducerMetrics.OUTGOING_BYTES, 0.0),
                100 * metrics.getOrDefault(ProducerMetrics.COMPRESSION_RATE, 1.0), compression.name().toLowerCase());
        out.printf("  settings: acks=%s, idempotence %s, linger.ms=%d, batch.size=%d%n", acks,
                "all".equals(acks) ? "on" : "off", lingerMs, batchSize);
        if (summary.partitionsByKey().isEmpty()) {
            return;
        }
        out.println("Each key went to one partition (the default partitioner hashes the key):");
        for (Map.Entry<String, Set<Integer>> entry : summary.partitionsByKey().entrySet()) {
            long events = summary.recordsByKey().get(entry.getKey());
            out.printf("  %-8s -> partition %s (%d %s)%n", entry.getKey(),
                    entry.getValue().size() == 1 ? entry.getValue().iterator().next() : entry.getValue(),
                    events, events == 1 ? "event" : "events");
        }
    }

    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return Mode.valueOf(value.toUpperCase());
        }
    }

    static final class CompressionConverter implements picocli.CommandLine.ITypeConverter<Compression> {
        @Override
        public Compression convert(String value) {
            return Compression.valueOf(value.toUpperCase());
        }
    }
}
