package dev.franz.basicconsumer;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.cli.Cli;
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
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * basic-consumer's command line, its checks, and the lines it prints. The Kafka side, what the
 * options change, is in {@link BasicConsumer}.
 */
final class BasicConsumerOptions {

    static final String DEFAULT_GROUP = "basic-consumer";

    /** auto.offset.reset: where a group without a committed offset starts. */
    enum OffsetReset { EARLIEST, LATEST }

    /** group.protocol: how the group divides partitions. */
    enum GroupProtocol { CONSUMER, CLASSIC }

    /**
     * How the poll loop runs; {@code maxMessages} 0 and a zero {@code idleTimeout} mean no limit.
     * The idle timeout counts only while this consumer owns partitions.
     */
    record Settings(boolean manualCommit, StartPosition startPosition, long maxMessages, Duration idleTimeout,
                    long printEvery) {

        /** True when the run replays (--from-...): it reads every partition itself and commits nothing. */
        boolean replaying() {
            return !(startPosition instanceof StartPosition.Committed);
        }
    }

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
            description = "Rebalance protocol: consumer (KIP-848, Kafka 4) or classic (what the Kafka 4.4 client"
                    + " uses when group.protocol is not set) (default: ${DEFAULT-VALUE}).")
    GroupProtocol groupProtocol;

    @Mixin
    SharedOptions.PrintEvery printEvery;

    @Mixin
    SummaryOption summaryOption;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** --group, or GROUP; basic-consumer when neither is given. */
    String group() {
        return Cli.givenOnce(spec, "--group", groupOption, "GROUP", groupWord, DEFAULT_GROUP);
    }

    /** --topic, or TOPIC; TOPIC_USER_EVENTS (user_events) when neither is given. */
    String topic(FranzConfig config) {
        return Cli.givenOnce(spec, "--topic", topicOption, "TOPIC", topicWord, config.topic(ConfigKey.TOPIC_USER_EVENTS));
    }

    /**
     * Fails in seconds with a clear message if no broker answers, instead of warning for ever; waits
     * for the topic, which a consumer does not create: a typo would silently make a new, empty one, and
     * subscribing to a missing topic is not an error either (the client only warns).
     */
    void checkBrokerAndTopic(FranzConfig config, String topic, PrintStream out) throws InterruptedException {
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        Topics.awaitExisting(config, List.of(topic), out);
    }

    Settings settings() {
        return new Settings(manualCommit, startPosition(), maxMessages.value(), idleTimeout.value(), printEvery.value());
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

    /** The first line: what this run reads, and how it commits. */
    void printStart(PrintStream out, String topic) {
        if (replay == null) {
            out.printf("Reading %s as group %s (%s commits, offset reset %s). Ctrl-C to stop.%n", topic, group(),
                    manualCommit ? "manual" : "automatic", offsetReset.name().toLowerCase());
        } else {
            out.printf("Replaying every partition of %s (assign(), outside group %s, whose offsets stay as they"
                    + " are: nothing is committed). Ctrl-C to stop.%n", topic, group());
        }
    }

    /** The summary at the end (and in --summary's file). */
    void printSummary(PrintStream out, ConsumeSummary summary, String topic) {
        RunSummary run = new RunSummary("basic-consumer", "read", summary.records(), "records", summary.elapsed())
                .detail("topic", topic + " as group " + group())
                .detail("records by partition", summary.recordsByPartition().entrySet().stream()
                        .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(", ")))
                .count("unreadable records skipped", summary.poisonRecords());
        if (replay != null) {
            run.detail("committed", "nothing (a replay leaves the group's offsets as they were)");
        } else if (manualCommit) {
            run.detail("committed (next offset to read)", summary.committed().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        } else {
            run.detail("committed", "automatically, every auto.commit.interval.ms (5 s by default) and on close");
        }
        run.report(out, summaryOption.file());
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    /** Values larger than this are printed as their size: a megabyte of JSON in the terminal shows nothing. */
    private static final int MAX_PRINTED_BYTES = 500;

    /** One line per record (with --print-every N, the first and every Nth); {@code number} counts from 1. */
    static void print(PrintStream out, ConsumerRecord<String, JsonNode> record, long number, long printEvery) {
        if (ConsoleLines.printThis(number, printEvery)) {
            Object value = record.serializedValueSize() > MAX_PRINTED_BYTES
                    ? "(a value of " + record.serializedValueSize() + " bytes)" : record.value();
            out.printf("partition %d  offset %-5d key %-8s %s  %s%n", record.partition(), record.offset(), record.key(),
                    TIME.format(Instant.ofEpochMilli(record.timestamp())), value);
        }
    }

    /** The line for offsets a commit could not save: what the group will read again. */
    static String notCommitted(Collection<TopicPartition> partitions) {
        return "Not committed (no answer from the broker): "
                + partitions.stream().sorted(ConsumeSummary.BY_TOPIC_AND_PARTITION).toList()
                + "; the group goes on from their last commit, so their last records will be read again.";
    }
}
