package dev.franz.basicproducer;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.cli.TopicName;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserEventGenerator;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

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

    /** The values of producer setting acks: all, 1 or 0. */
    enum Acks {
        ALL("all"), ONE("1"), ZERO("0");

        final String value;

        Acks(String value) {
            this.value = value;
        }
    }

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "10", converter = Numbers.NotNegative.class,
            description = "How many events to send (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--mode", paramLabel = "sync|async|both", defaultValue = "both",
            description = "sync, async, or both: the first half sync, the rest async (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class,
            description = "Topic to send to (default: TOPIC_USER_EVENTS, user_events); created if missing.")
    String topic;

    @Option(names = "--pause-ms", paramLabel = "MS", defaultValue = "100", converter = Numbers.NotNegative.class,
            description = "Pause between sends; 0 sends as fast as possible (default: ${DEFAULT-VALUE}).")
    long pauseMs;

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
                    + " batch carries more records per request when they come fast (--pause-ms 0); at a few records a"
                    + " second each batch holds one record anyway.")
    int batchSize;

    @Mixin
    SharedOptions.PrintEvery printEvery;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed, to send the same events again.")
    Long seed;

    @Mixin
    SummaryOption summaryOption;

    @Mixin
    ConfigOptions configOptions;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new BasicProducer(), args));
    }

    /** Producer settings that matter, each with why. Static so that the tests use exactly these. */
    static Properties producerProperties(FranzConfig config, Acks acks, Compression compression, long lingerMs,
                                         int batchSize) {
        Properties props = config.clientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "basic-producer");
        // acks=all: the leader answers once every in-sync replica has the record, so an acknowledged
        // record survives the loss of a broker. acks=1: the leader alone; acks=0: no answer at all.
        props.put(ProducerConfig.ACKS_CONFIG, acks.value);
        // Idempotence: the broker drops duplicates that retries would create, and keeps order per
        // partition. On by default since Kafka 3.0; it needs acks=all, so weaker acks turn it off.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks == Acks.ALL);
        // Wait up to linger.ms for more records to the same partition, then send them as one batch
        // of up to batch.size bytes: fewer, larger requests for a few ms of latency.
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) lingerMs);
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
        Topics.createIfMissing(config, List.of(topicName), out);

        long syncCount = switch (mode) {
            case SYNC -> count;
            case ASYNC -> 0;
            case BOTH -> (count + 1) / 2;
        };
        out.printf("Sending %d user events to topic %s: %s%n", count, topicName, describeMode(syncCount));

        Random random = seed == null ? new Random() : new Random(seed);
        UserEventGenerator events = new UserEventGenerator(random, Clock.systemUTC(), users);
        GracefulShutdown shutdown = new GracefulShutdown(GracefulShutdown.PRODUCER_UNFINISHED);
        // Ctrl-C stops the loop; the shutdown hook waits until this block is done, so the records
        // already sent are acknowledged, not lost, and the summary is printed.
        try (shutdown) {
            // A producer has no poll() to wake up: the loop checks shutdown.requested() between sends.
            shutdown.onExit(() -> { });
            SendSummary summary;
            Map<String, Double> metrics;
            // try-with-resources: close() sends what is still buffered, waits for the answers, and
            // stops the producer's I/O thread.
            try (Producer<String, UserEvent> producer = new KafkaProducer<>(
                    producerProperties(config, acks, compression, lingerMs, batchSize),
                    new StringSerializer(), new JsonSerializer<>());
                 // One line when the broker goes and one when it is back: a send waits for it meanwhile.
                 ConnectionLines.Watch lines = ConnectionLines.forProducer(out, config.bootstrapServers())
                         .watch(producer::metrics)) {
                UserEventProducer sender = new UserEventProducer(producer, topicName, out, printEvery.value());
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
            summary(summary, metrics, topicName).report(out, summaryOption.file());
            return summary.failed() == 0 ? 0 : 1;
        }
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

    private RunSummary summary(SendSummary summary, Map<String, Double> metrics, String topicName) {
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
        summary.partitionsByKey().forEach((key, partitions) -> {
            long events = summary.recordsByKey().get(key);
            run.detail("key " + key, "partition " + (partitions.size() == 1 ? partitions.iterator().next() : partitions)
                    + " (" + events + (events == 1 ? " event)" : " events)"));
        });
        return run;
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
