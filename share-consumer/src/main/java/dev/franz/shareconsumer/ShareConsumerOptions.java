package dev.franz.shareconsumer;

import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.cli.SummaryOption;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * share-consumer's command line. What the options change on the Kafka side is in
 * {@link ShareConsumerLesson}; what the worker prints is in {@link WorkerLines}.
 */
final class ShareConsumerOptions {

    static final String DEFAULT_GROUP = "job-workers";

    /** How the worker takes part. */
    enum Membership { SHARE_GROUP, CONSUMER_GROUP }

    @Option(names = "--as", paramLabel = "share-group|consumer-group", defaultValue = "share-group",
            converter = MembershipConverter.class,
            description = "share-group: take any job of the partition; consumer-group: own whole partitions,"
                    + " the classic way, for comparison (default: ${DEFAULT-VALUE}).")
    Membership membership;

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = DEFAULT_GROUP,
            description = "The group the workers share (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--instance", paramLabel = "N", defaultValue = "1", converter = Numbers.Positive.class,
            description = "Which copy of this program this is (1, 2, ...), so copies run side by side: it ends the"
                    + " client id, job-worker-N, that names this worker in its lines, the live view and"
                    + " kafka-share-groups (default: ${DEFAULT-VALUE}).")
    long instance;

    @Option(names = "--work-ms", paramLabel = "MS", defaultValue = "200", converter = Numbers.NotNegative.class,
            description = "How long one job takes (default: ${DEFAULT-VALUE}).")
    long workMillis;

    @Option(names = "--hold-every", paramLabel = "N", defaultValue = "0", converter = Numbers.NotNegative.class,
            description = "Hold every Nth job past its lock before acknowledging it, to see the lock expire and"
                    + " the job go to another worker; 0 never (default: ${DEFAULT-VALUE}).")
    long holdEvery;

    @Option(names = "--lock-seconds", paramLabel = "S", defaultValue = "15", converter = Numbers.Positive.class,
            description = "The group's acquisition lock: a job not acknowledged in time goes to another worker;"
                    + " the broker allows 15 to 60 (default: ${DEFAULT-VALUE}).")
    long lockSeconds;

    @Option(names = "--delivery-limit", paramLabel = "N", defaultValue = "3", converter = Numbers.Positive.class,
            description = "The group's delivery count limit: a job delivered this often without being accepted goes"
                    + " to the dead-letter topic; the broker allows 2 to 10 (default: ${DEFAULT-VALUE}).")
    long deliveryLimit;

    @Option(names = "--max-poll-records", paramLabel = "N", defaultValue = "1", converter = Numbers.PositiveInt.class,
            description = "How many jobs one poll() acquires; more is faster, one shares most evenly"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxPollRecords;

    @Mixin
    SharedOptions.PrintEvery printEvery;

    @Mixin
    SharedOptions.IdleTimeout idleTimeout;

    @Mixin
    SharedOptions.MaxMessages maxMessages;

    @Mixin
    SummaryOption summaryOption;

    boolean shareGroup() {
        return membership == Membership.SHARE_GROUP;
    }

    /** Accepts share-group and consumer-group (any case). */
    static final class MembershipConverter implements ITypeConverter<Membership> {
        @Override
        public Membership convert(String value) {
            return switch (value.toLowerCase()) {
                case "share-group" -> Membership.SHARE_GROUP;
                case "consumer-group" -> Membership.CONSUMER_GROUP;
                default -> throw new TypeConversionException("'" + value
                        + "' is not allowed, it must be one of: share-group, consumer-group");
            };
        }
    }
}
