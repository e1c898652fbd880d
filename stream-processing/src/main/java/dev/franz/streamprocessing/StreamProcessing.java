package dev.franz.streamprocessing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserProfile;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.CommittedRecords;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Level 2: stateful, enriching and windowed processing of {@code user_events}, with plain clients
 * (state in memory, as the seed did) or with Kafka Streams (state in fault-tolerant stores).
 * {@code ./mvnw -q compile exec:java -pl stream-processing -Dexec.args="windowed --engine streams"}
 */
@Command(name = "stream-processing", mixinStandardHelpOptions = true, version = "stream-processing (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Processes user_events: running counts (stateful), joins with user profiles (enrichment),"
                + " or counts per 5-second window of event time (windowed). Ctrl-C to stop.")
public final class StreamProcessing implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODE", defaultValue = "stateful",
            description = "stateful, enrichment or windowed (default: ${DEFAULT-VALUE}).")
    String modeName;

    @Option(names = "--engine", paramLabel = "plain|streams", defaultValue = "plain",
            description = "plain: KafkaConsumer + KafkaProducer, state in memory; streams: Kafka Streams"
                    + " (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--window-seconds", paramLabel = "S", defaultValue = "5",
            description = "Window size of the windowed mode (default: ${DEFAULT-VALUE}).")
    long windowSeconds;

    @Option(names = "--grace-seconds", paramLabel = "S", defaultValue = "2",
            description = "How late an event may be and still count in its window (default: ${DEFAULT-VALUE}).")
    long graceSeconds;

    @Option(names = "--report-interval", paramLabel = "S", defaultValue = "5",
            description = "Print the state this often (default: ${DEFAULT-VALUE}).")
    long reportSeconds;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Consumer group (plain) or application id (streams); default stream-processing-ENGINE-MODE."
                    + " A new id starts from the first event.")
    String applicationId;

    @Option(names = "--offset-reset", paramLabel = "earliest|latest", defaultValue = "earliest",
            description = "Where a new group/application starts: earliest replays every event, latest only new ones"
                    + " (default: ${DEFAULT-VALUE}).")
    String offsetReset;

    @Option(names = "--idle-timeout", paramLabel = "S", defaultValue = "0",
            description = "Plain engine: stop after this long without an event (default: run until Ctrl-C).")
    long idleTimeoutSeconds;

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new StreamProcessing(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Mode mode = mode();
        if (!offsetReset.equals("earliest") && !offsetReset.equals("latest")) {
            throw new ParameterException(spec.commandLine(), "--offset-reset must be earliest or latest");
        }
        if (!engine.equals("plain") && !engine.equals("streams")) {
            throw new ParameterException(spec.commandLine(), "--engine must be plain or streams, was " + engine);
        }
        if (windowSeconds < 1 || graceSeconds < 0 || reportSeconds < 1 || idleTimeoutSeconds < 0) {
            throw new ParameterException(spec.commandLine(),
                    "--window-seconds and --report-interval must be at least 1, the others not negative");
        }
        FranzConfig config = configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        StreamTopics topics = StreamTopics.from(config);
        Topics.createIfMissing(config, List.of(topics.events(), topics.typeCounts(), topics.userTotals(),
                topics.enriched(), topics.windowedCounts())).forEach(topic -> out.printf("Created topic %s%n", topic));
        if (mode == Mode.ENRICHMENT) {
            ProfileSeeder.ensureProfiles(config, topics.profiles(), out);
        }
        String name = applicationId != null ? applicationId
                : "stream-processing-" + engine + "-" + mode.name().toLowerCase(Locale.ROOT);
        out.printf("%s: %s mode on %s with the %s engine (group/application id %s). Ctrl-C to stop.%n", name,
                mode.name().toLowerCase(Locale.ROOT), topics.events(), engine, name);
        return engine.equals("plain") ? runPlain(config, mode, topics, name) : runStreams(config, mode, topics, name);
    }

    private Mode mode() {
        try {
            return Mode.valueOf(modeName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "MODE must be stateful, enrichment or windowed, was "
                    + modeName);
        }
    }

    private int runPlain(FranzConfig config, Mode mode, StreamTopics topics, String group) {
        PlainProcessor processor = switch (mode) {
            case STATEFUL -> new PlainStatefulProcessor(topics);
            case ENRICHMENT -> new PlainEnrichmentProcessor(topics, ProfileSeeder.byUser(
                    CommittedRecords.readAll(config.clientProperties(), topics.profiles(), new StringDeserializer(),
                            new JsonDeserializer<>(UserProfile.class), Duration.ofSeconds(30))
                            .stream().map(record -> record.value()).toList()));
            case WINDOWED -> new PlainWindowedProcessor(topics, Duration.ofSeconds(windowSeconds),
                    Duration.ofSeconds(graceSeconds), out);
        };
        Properties consumerProps = config.clientProperties();
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        // Offsets are committed by the engine, after the results are published.
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Each poll ends with a flush, a round trip to the broker, and a commit: fewer, bigger polls
        // (default 500 records) measured twice as fast on a backlog of 500,000 events.
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        GracefulShutdown shutdown = new GracefulShutdown();
        try (shutdown) {
            long processed;
            try (Consumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                    new ByteArrayDeserializer());
                 Producer<String, byte[]> producer = new KafkaProducer<>(config.clientProperties(),
                         new StringSerializer(), new ByteArraySerializer())) {
                shutdown.wakeUpOnExit(consumer);
                processed = new PlainEngine(consumer, producer, processor, out, Duration.ofSeconds(reportSeconds))
                        .run(topics.events(), Duration.ofSeconds(idleTimeoutSeconds));
            }
            out.printf("%nProcessed %,d events. The state was in this JVM's memory: it is gone now.%n", processed);
        }
        return 0;
    }

    private int runStreams(FranzConfig config, Mode mode, StreamTopics topics, String applicationId)
            throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        GracefulShutdown shutdown = new GracefulShutdown();
        // The shutdown hook waits for this block: the application closed and the last line printed.
        try (shutdown) {
            try (KafkaStreams streams = new KafkaStreams(StreamsTopologies.of(mode, topics,
                    Duration.ofSeconds(windowSeconds), Duration.ofSeconds(graceSeconds), out),
                    StreamsTopologies.config(config, applicationId, offsetReset))) {
                shutdown.onExit(stopped::countDown);
                streams.setUncaughtExceptionHandler(error -> {
                    stopped.countDown();
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                });
                streams.start();
                String lastReport = "";
                while (!stopped.await(reportSeconds, TimeUnit.SECONDS)) {
                    lastReport = printIfChanged(report(streams, mode), lastReport);
                }
                printIfChanged(report(streams, mode), lastReport);
                // Commits, flushes the stores and leaves the group now: a restart gets its partitions at
                // once instead of after the session timeout (45 s). The state stays for the next start.
                streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));
            }
            out.printf("%nStopped. The state is in local stores backed by changelog topics: the next start with"
                    + " application id %s continues from it.%n", applicationId);
        }
        return 0;
    }

    private String printIfChanged(String report, String lastReport) {
        if (!report.equals(lastReport)) {
            out.print(report);
        }
        return report;
    }

    private static String report(KafkaStreams streams, Mode mode) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream report = new PrintStream(text, true, StandardCharsets.UTF_8);
        try {
            switch (mode) {
                case STATEFUL -> StatsTable.print(report, all(streams, StreamsTopologies.COUNTS_STORE),
                        all(streams, StreamsTopologies.TOTALS_STORE));
                case ENRICHMENT -> report.printf("state %s%n", streams.state());
                case WINDOWED -> report.printf("state %s; %.0f late events dropped so far%n", streams.state(),
                        droppedRecords(streams));
            }
        } catch (InvalidStateStoreException e) {
            report.println("(state not queryable yet: " + streams.state() + ")");
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    /** Interactive query: reads a state store of the running application. */
    private static <V> Map<String, V> all(KafkaStreams streams, String store) {
        ReadOnlyKeyValueStore<String, V> view = streams.store(
                StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
        Map<String, V> values = new TreeMap<>();
        try (var iterator = view.all()) {
            iterator.forEachRemaining(entry -> values.put(entry.key, entry.value));
        }
        return values;
    }

    /** Late records dropped by windowed aggregations, from Kafka Streams' task metrics. */
    static double droppedRecords(KafkaStreams streams) {
        return streams.metrics().entrySet().stream()
                .filter(entry -> entry.getKey().name().equals("dropped-records-total"))
                .mapToDouble(entry -> ((Number) entry.getValue().metricValue()).doubleValue())
                .sum();
    }
}
