package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
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
 * (state in memory, as in the original Python course) or with Kafka Streams (state in fault-tolerant
 * stores). {@code ./mvnw -q compile exec:java -pl stream-processing -Dexec.args="windowed --engine streams"}
 *
 * <p>This class reads the command line, checks that the options go together, creates the topics and
 * hands over to the chosen engine. Each engine's Kafka story is one file, read top to bottom:
 * {@link PlainEngine} (KafkaConsumer and KafkaProducer: settings, poll loop, commits, rebalance
 * listener, Ctrl-C, the rule for bad records) and {@link StreamsEngine} (Kafka Streams: settings,
 * start, watch, close), whose topologies are in {@link StreamsTopologies}.
 */
@Command(name = "stream-processing", mixinStandardHelpOptions = true, version = "stream-processing (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Processes user_events: running counts (stateful), joins with user profiles (enrichment),"
                + " or counts per window of event time (windowed). Ctrl-C to stop.")
public final class StreamProcessing implements Callable<Integer> {

    /** Which clients do the work. */
    enum Engine { PLAIN, STREAMS }

    /** auto.offset.reset of a new group or application. */
    enum OffsetReset { EARLIEST, LATEST }

    @Parameters(index = "0", arity = "0..1", paramLabel = "stateful|enrichment|windowed", defaultValue = "stateful",
            description = "What to compute (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--engine", paramLabel = "plain|streams", defaultValue = "plain",
            description = "plain: KafkaConsumer + KafkaProducer, state in memory; streams: Kafka Streams"
                    + " (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--window-seconds", paramLabel = "SECONDS", defaultValue = "5", converter = Numbers.Positive.class,
            description = "Window size of the windowed mode (default: ${DEFAULT-VALUE}).")
    long windowSeconds;

    @Option(names = "--grace-seconds", paramLabel = "SECONDS", defaultValue = "2", converter = Numbers.NotNegative.class,
            description = "How late an event may be and still count in its window (default: ${DEFAULT-VALUE}).")
    long graceSeconds;

    @Option(names = "--report-interval", paramLabel = "SECONDS", defaultValue = "5", converter = Numbers.Positive.class,
            description = "Print a line with the state this often (default: ${DEFAULT-VALUE}).")
    long reportSeconds;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Consumer group of the plain engine (default: stream-processing-plain-MODE). A new group"
                    + " starts from the first event.")
    String group;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Application id of Kafka Streams (default: stream-processing-streams-MODE): its group id,"
                    + " and the start of its internal topics' names and its state's. A new id starts from the first"
                    + " event.")
    String applicationId;

    @Option(names = "--offset-reset", paramLabel = "earliest|latest", defaultValue = "earliest",
            description = "Where to start when the group (plain) or application (streams) has no committed offset"
                    + " yet: earliest replays every event, latest only new ones (default: ${DEFAULT-VALUE}).")
    OffsetReset offsetReset;

    @Option(names = "--serve", paramLabel = "PORT", converter = Numbers.Port.class,
            description = "Also answer queries on the state over HTTP at localhost:PORT (streams engine): /users/USER,"
                    + " /users and /event-types in the stateful mode, /windows/TYPE and /windows in the windowed mode."
                    + " Each instance of the application gets its own port (and state directory,"
                    + " .kafka-streams/serve-PORT); each answers for every key, asking the instance that holds it.")
    Integer servePort;

    /** group.protocol of a Streams application: how its group divides the tasks. */
    enum GroupProtocol { CLASSIC, STREAMS }

    @Option(names = "--group-protocol", paramLabel = "classic|streams", defaultValue = "classic",
            description = "classic: the instances divide the tasks among themselves (Kafka Streams' default); streams:"
                    + " the broker assigns them (KIP-1071) (default: ${DEFAULT-VALUE}).")
    GroupProtocol groupProtocol;

    @Option(names = "--standbys", paramLabel = "N", defaultValue = "0", converter = Numbers.NotNegative.class,
            description = "Standby replicas: N other instances keep a copy of each store, up to date from its changelog,"
                    + " ready to take over, and --serve reads one when the active copy does not answer"
                    + " (default: ${DEFAULT-VALUE}, Kafka's).")
    long standbys;

    @Mixin
    SharedOptions.IdleTimeout idleTimeout;

    @Mixin
    SummaryOption summaryOption;

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(Cli.run(new StreamProcessing(), args));
    }

    /**
     * The command line, as the engines need it. {@code name}: the consumer group (plain) or the
     * application id (streams).
     */
    record Settings(String name, Mode mode, Duration windowSize, Duration grace, Duration reportInterval,
                    String offsetReset, SharedOptions.IdleTimeout idleTimeout, Path summaryFile, Integer servePort,
                    GroupProtocol groupProtocol, long standbys) {
    }

    @Override
    public Integer call() throws InterruptedException {
        if (servePort != null && (engine != Engine.STREAMS || mode == Mode.ENRICHMENT)) {
            throw new ParameterException(spec.commandLine(), "--serve answers queries on Kafka Streams' state stores:"
                    + " it needs --engine streams and the stateful or windowed mode");
        }
        if (engine == Engine.PLAIN && applicationId != null) {
            throw new ParameterException(spec.commandLine(), "--application-id names a Kafka Streams application:"
                    + " the plain engine takes --group");
        }
        if (engine == Engine.STREAMS && group != null) {
            throw new ParameterException(spec.commandLine(), "--group is the plain engine's consumer group: Kafka"
                    + " Streams takes --application-id (its group id)");
        }
        if (engine != Engine.STREAMS && (groupProtocol != GroupProtocol.CLASSIC || standbys > 0)) {
            throw new ParameterException(spec.commandLine(), "--group-protocol and --standbys are Kafka Streams"
                    + " settings: they need --engine streams");
        }
        PrintStream out = System.out;
        FranzConfig config = configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        StreamTopics topics = StreamTopics.from(config);
        // It creates the topics it writes, and waits for the one it reads (never creating it: a typo
        // would make a new, empty topic).
        Topics.createIfMissing(config, List.of(topics.typeCounts(), topics.userTotals(), topics.enriched(),
                topics.windowedCounts(), topics.deadLetters()), out);
        Topics.awaitExisting(config, List.of(topics.events()), out);
        if (mode == Mode.ENRICHMENT) {
            UserProfiles.ensureTopic(config, topics.profiles(), out);
        }
        String engineName = engine.name().toLowerCase(Locale.ROOT);
        String given = engine == Engine.PLAIN ? group : applicationId;
        String name = given != null ? given
                : "stream-processing-" + engineName + "-" + mode.name().toLowerCase(Locale.ROOT);
        out.printf("%s: %s mode on %s with the %s engine (%s %s). Ctrl-C to stop.%n", name,
                mode.name().toLowerCase(Locale.ROOT), topics.events(), engineName,
                engine == Engine.PLAIN ? "group" : "application id", name);
        Settings settings = new Settings(name, mode, Duration.ofSeconds(windowSeconds),
                Duration.ofSeconds(graceSeconds), Duration.ofSeconds(reportSeconds), offsetReset.name().toLowerCase(Locale.ROOT), idleTimeout,
                summaryOption.file(), servePort, groupProtocol, standbys);
        return engine == Engine.PLAIN ? PlainEngine.run(config, topics, settings, out)
                : StreamsEngine.run(config, topics, settings, out);
    }
}
