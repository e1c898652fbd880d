package dev.franz.basicconsumer;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.cli.TopicName;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Level 1: reads a topic as a member of a consumer group and prints every record with its
 * partition, offset, key and timestamp. Run two in the same group to watch them share partitions.
 */
@Command(name = "basic-consumer", mixinStandardHelpOptions = true, version = "basic-consumer (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Reads JSON records from a topic in a consumer group and prints them, until Ctrl-C.")
public final class BasicConsumer implements Callable<Integer> {

    static final String DEFAULT_GROUP = "basic-consumer";

    /** auto.offset.reset: where a group without a committed offset starts. */
    enum OffsetReset { EARLIEST, LATEST }

    /** group.protocol: how the group divides partitions. */
    enum GroupProtocol { CONSUMER, CLASSIC }

    @Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class,
            description = "Topic to read (default: TOPIC_USER_EVENTS, user_events).")
    String topicOption;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Consumer group id (default: " + DEFAULT_GROUP + ").")
    String groupOption;

    // The original course's consumer took both as words (2_basic_consumer.py orders my_group): still accepted.
    @Parameters(index = "0", arity = "0..1", paramLabel = "TOPIC", converter = TopicName.class, description = "The same as --topic, as a word.")
    String topicWord;

    @Parameters(index = "1", arity = "0..1", paramLabel = "GROUP", description = "The same as --group, as a word.")
    String groupWord;

    @Option(names = "--offset-reset", paramLabel = "earliest|latest", defaultValue = "earliest",
            description = "Where to start when the group has no committed offset yet (default: ${DEFAULT-VALUE}).")
    OffsetReset offsetReset;

    @Option(names = "--manual-commit",
            description = "Commit offsets yourself, synchronously, after each batch (default: automatic commits).")
    boolean manualCommit;

    @ArgGroup(exclusive = true)
    Replay replay;

    static final class Replay {
        @Option(names = "--from-beginning", required = true,
                description = "Replay: read every partition from its first record, for this run.")
        boolean fromBeginning;

        @Option(names = "--from-offset", paramLabel = "OFFSET", required = true, converter = Numbers.NotNegative.class,
                description = "Replay: start every partition at this offset (0 or more), for this run; a partition"
                        + " that does not have it starts at its first or next record, and says so.")
        Long fromOffset;

        @Option(names = "--from-timestamp", paramLabel = "ISO-8601", required = true,
                description = "Replay: start at the first record at or after this time, e.g. 2026-11-26T18:00:00Z.")
        Instant fromTimestamp;
    }

    @Mixin
    SharedOptions.MaxMessages maxMessages;

    @Mixin
    SharedOptions.IdleTimeout idleTimeout;

    @Option(names = "--group-protocol", paramLabel = "consumer|classic", defaultValue = "consumer",
            description = "Rebalance protocol: consumer (Kafka 4, KIP-848) or classic (older brokers)"
                    + " (default: ${DEFAULT-VALUE}).")
    GroupProtocol groupProtocol;

    @Mixin
    SharedOptions.PrintEvery printEvery;

    @Mixin
    SummaryOption summaryOption;

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new BasicConsumer(), args));
    }

    /** Consumer settings that matter, each with why. Static so that the tests use exactly these. */
    static Properties consumerProperties(FranzConfig config, String group, OffsetReset offsetReset,
                                         ConsumeLoop.Settings settings, GroupProtocol groupProtocol) {
        Properties props = config.clientProperties();
        // Members of one group share the topic's partitions; each group keeps its own offsets.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        // Only used when the group has no committed offset for a partition (a new group, or offsets
        // expired): earliest = the oldest record still stored, latest = only records from now on.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset.name().toLowerCase());
        // Automatic commits happen inside poll() every auto.commit.interval.ms (5 s) and on close():
        // after a crash, up to 5 s of records are processed again. Manual commits happen when we say.
        // A replay commits nothing: it must leave the group's offsets where they are.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, !settings.manualCommit() && !settings.replaying());
        // "consumer": the broker computes assignments and moves only the partitions that change hands
        // (KIP-848, Kafka 4). "classic": the members stop and re-divide everything at each rebalance.
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, groupProtocol.name().toLowerCase());
        return props;
    }

    /** --group, or GROUP; basic-consumer when neither is given. */
    String group() {
        return Cli.givenOnce(spec, "--group", groupOption, "GROUP", groupWord, DEFAULT_GROUP);
    }

    @Override
    public Integer call() throws InterruptedException {
        FranzConfig config = configOptions.load();
        String topicName = Cli.givenOnce(spec, "--topic", topicOption, "TOPIC", topicWord,
                config.topic(ConfigKey.TOPIC_USER_EVENTS));
        String group = group();
        // Fail in seconds with a clear message if no broker answers, instead of warning for ever.
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        // A consumer does not create the topic it reads: a typo would silently make a new, empty one.
        // Subscribing to a missing topic is not an error either (the client only warns), so check.
        Topics.awaitExisting(config, List.of(topicName), out);
        ConsumeLoop.Settings settings = new ConsumeLoop.Settings(manualCommit, startPosition(), maxMessages.value(),
                idleTimeout.value(), printEvery.value());

        if (replay == null) {
            out.printf("Reading %s as group %s (%s commits, offset reset %s). Ctrl-C to stop.%n", topicName, group,
                    manualCommit ? "manual" : "automatic", offsetReset.name().toLowerCase());
        } else {
            out.printf("Replaying every partition of %s (assign(), outside group %s, whose offsets stay as they"
                    + " are: nothing is committed). Ctrl-C to stop.%n", topicName, group);
        }
        GracefulShutdown shutdown = new GracefulShutdown();
        // The shutdown hook waits until this block is done: records processed, offsets committed,
        // consumer closed, summary printed.
        try (shutdown) {
            ConsumeSummary summary;
            // try-with-resources: close() commits (in automatic mode) and leaves the group at once,
            // so its partitions move to the other members now rather than after a session timeout.
            Properties props = consumerProperties(config, group, offsetReset, settings, groupProtocol);
            try (KafkaConsumer<String, JsonNode> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new JsonDeserializer<>(JsonNode.class))) {
                // Ctrl-C runs the shutdown hook: consumer.wakeup() makes the blocked poll() throw WakeupException,
                // the loop ends and try-with-resources closes the consumer; the hook waits for that (at most 8 s).
                shutdown.onExit(consumer::wakeup);
                summary = new ConsumeLoop(consumer, settings, out, new ConnectionLines(out, config.bootstrapServers()))
                        .run(topicName);
            }
            summary(summary, topicName).report(out, summaryOption.file());
        }
        return 0;
    }

    private StartPosition startPosition() {
        if (replay == null) {
            return StartPosition.committed();
        }
        if (replay.fromBeginning) {
            return new StartPosition.Beginning();
        }
        if (replay.fromOffset != null) {
            return new StartPosition.Offset(replay.fromOffset);
        }
        return new StartPosition.Timestamp(replay.fromTimestamp);
    }

    private RunSummary summary(ConsumeSummary summary, String topicName) {
        RunSummary run = new RunSummary("basic-consumer", "read", summary.records(), "records", summary.elapsed())
                .detail("topic", topicName + " as group " + group())
                .detail("records by partition", summary.recordsByPartition().entrySet().stream()
                        .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(", ")))
                .count("unreadable records skipped", summary.poisonRecords());
        if (replay != null) {
            return run.detail("committed", "nothing (a replay leaves the group's offsets as they were)");
        }
        if (manualCommit) {
            return run.detail("committed (next offset to read)", summary.committed().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        return run.detail("committed", "automatically, every auto.commit.interval.ms (5 s by default) and on close");
    }
}
