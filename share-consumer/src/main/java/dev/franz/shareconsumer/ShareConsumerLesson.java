package dev.franz.shareconsumer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Queues for Kafka (share groups, KIP-932): several workers share the jobs of <em>one</em>
 * partition. Each job is handed to one worker under a time-limited lock and acknowledged on its own:
 * accepted (done), released (give it to someone, later), or rejected (never again: to the
 * dead-letter topic). {@code --as consumer-group} runs the same worker as a classic consumer group
 * member, for comparison: on one partition, only one member of a consumer group works.
 * <pre>
 * ./mvnw -q compile exec:java -pl share-consumer -Dexec.args="jobs --count 30"
 * ./mvnw -q compile exec:java -pl share-consumer -Dexec.args="work --instance 1"   (and 2, 3 in other terminals)
 * </pre>
 * Everything Kafka does for the worker is in this file: the group's settings ({@link #configureGroup}),
 * the client's properties ({@link #shareConsumerProperties}), the poll, acknowledge and commit loop
 * ({@link #runShareGroup}) and Ctrl-C. {@link Jobs} places the jobs.
 */
@Command(name = "share-consumer", mixinStandardHelpOptions = true, version = "share-consumer (Franz)",
        sortOptions = false, usageHelpAutoWidth = true, subcommands = Jobs.class,
        description = "A worker of a share group: takes jobs from a one-partition topic that other workers share,"
                + " and acknowledges each one. 'jobs --count N' places jobs first.")
public final class ShareConsumerLesson implements Callable<Integer> {

    /** How the worker takes part. */
    enum Membership { SHARE_GROUP, CONSUMER_GROUP }

    static final String DEFAULT_GROUP = "job-workers";
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    @Option(names = "--as", paramLabel = "share-group|consumer-group", defaultValue = "share-group",
            converter = MembershipConverter.class,
            description = "share-group: take any job of the partition; consumer-group: own whole partitions,"
                    + " the classic way, for comparison (default: ${DEFAULT-VALUE}).")
    Membership membership;

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = DEFAULT_GROUP,
            description = "The group the workers share (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--instance", paramLabel = "N", defaultValue = "1", converter = Numbers.Positive.class,
            description = "Which worker this is, for its client id and its lines (default: ${DEFAULT-VALUE}).")
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

    @Mixin
    ConfigOptions configOptions;

    private final PrintStream out;
    private long handled;
    private long accepted;
    private long released;
    private long rejected;
    private long failedAcknowledgements;
    private long notCommitted;

    public static void main(String[] args) {
        System.exit(Cli.run(new ShareConsumerLesson(), args));
    }

    ShareConsumerLesson() {
        this(System.out);
    }

    ShareConsumerLesson(PrintStream out) {
        this.out = out;
    }

    /** The share consumer's settings, each with why. */
    static Properties shareConsumerProperties(FranzConfig config, String group, String clientId, int maxPollRecords) {
        Properties props = config.clientProperties();
        // All workers with this group id share the topic's records: any worker may get any record.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // explicit: every record is acknowledged by the code, one by one (ACCEPT, RELEASE or REJECT).
        // implicit (the default): everything a poll() returned is accepted at the next poll().
        props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        // By default one job at a time: a slow job then holds only itself, and the workers share evenly;
        // more per poll means fewer round trips. record_limit makes max.poll.records a hard limit on
        // the records a poll() acquires (batch_optimized, the default, may hand out a whole batch).
        props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return props;
    }

    @Override
    public Integer call() throws InterruptedException {
        FranzConfig config = configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        String topic = config.topic(ConfigKey.TOPIC_JOBS);
        // A worker does not create the topic it reads; 'jobs --count N' does.
        Topics.awaitExisting(config, List.of(topic), out);
        String clientId = "job-worker-" + instance;
        long startedAt = System.nanoTime();
        // Ctrl-C wakes up poll(), not a job being worked on: a long job (--hold-every) keeps the worker
        // past the hook's wait. What it held is not acknowledged, so the broker gives it out again.
        GracefulShutdown shutdown = new GracefulShutdown(membership == Membership.SHARE_GROUP
                ? "A job was still being worked on, or the broker does not answer. Jobs this worker had not"
                + " acknowledged go back to the group once their lock expires (" + lockSeconds + " s)."
                : GracefulShutdown.CONSUMER_UNFINISHED);
        try (shutdown) {
            if (membership == Membership.SHARE_GROUP) {
                requireShareGroups(config);
                configureGroup(config, group, topic, Duration.ofSeconds(lockSeconds), deliveryLimit);
                out.printf("%s: taking jobs from %s in share group %s (lock %d s, delivery limit %d, dead letters"
                                + " to %s). Ctrl-C to stop.%n", clientId, topic, group, lockSeconds, deliveryLimit,
                        deadLetterTopic(topic));
                try (ShareConsumer<String, String> consumer = new KafkaShareConsumer<>(
                        shareConsumerProperties(config, group, clientId, maxPollRecords), new StringDeserializer(),
                        new StringDeserializer())) {
                        shutdown.onExit(consumer::wakeup);
                    runShareGroup(consumer, topic);
                }
            } else {
                out.printf("%s: reading %s in consumer group %s-classic. Ctrl-C to stop.%n", clientId, topic, group);
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                        consumerGroupProperties(config, group + "-classic", clientId, maxPollRecords),
                        new StringDeserializer(),
                        new StringDeserializer())) {
                    // Ctrl-C runs the shutdown hook: consumer.wakeup() makes the blocked poll() throw WakeupException,
                    // the loop ends and try-with-resources closes the consumer; the hook waits for that (at most 8 s).
                    shutdown.onExit(consumer::wakeup);
                    runConsumerGroup(consumer, topic);
                }
            }
            RunSummary summary = new RunSummary(clientId, "handled", handled, "jobs",
                    Duration.ofNanos(System.nanoTime() - startedAt));
            if (membership == Membership.SHARE_GROUP) {
                summary.count("accepted", accepted)
                        .count("released", released)
                        .count("rejected", rejected)
                        .count("acknowledgements refused", failedAcknowledgements);
            } else {
                summary.count("commits refused", notCommitted); // a consumer group acknowledges nothing
            }
            summary.report(out, summaryOption.file());
        }
        return 0;
    }

    /**
     * The share consumer's loop: poll acquires jobs under a lock, each is acknowledged on its own,
     * and commitSync() sends the acknowledgements and says, per partition, if the broker refused them.
     */
    void runShareGroup(ShareConsumer<String, String> consumer, String topic) {
        consumer.subscribe(List.of(topic));
        boolean hadJobs = false; // the idle timeout counts from the first job: joining the group takes seconds
        long lastJobAt = System.nanoTime();
        try {
            while (!maxMessages.reachedBy(handled)) {
                ConsumerRecords<String, String> jobs = consumer.poll(POLL_TIMEOUT);
                for (ConsumerRecord<String, String> job : jobs) {
                    AcknowledgeType outcome = work(job);
                    // Explicit acknowledgement: ACCEPT (done), RELEASE (let any worker have it again,
                    // its delivery count goes up) or REJECT (never again; to the dead-letter topic).
                    consumer.acknowledge(job, outcome);
                    count(outcome);
                }
                if (!jobs.isEmpty()) {
                    // Sends the acknowledgements now and waits for the broker's answer, per partition. (A job
                    // whose lock expired while we worked on it may be another worker's already: Kafka 4.4
                    // keeps that worker's outcome, and does not report ours as an error.)
                    report(consumer.commitSync());
                    hadJobs = true;
                    lastJobAt = System.nanoTime();
                } else if (hadJobs && idleTimeout.exceededBy(System.nanoTime() - lastJobAt)) {
                    out.println(idleTimeout.stoppingLine("jobs"));
                    break;
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C. Closing the consumer releases the jobs it holds unacknowledged: others get them.
        }
    }

    /**
     * The same worker as a classic consumer group member, for comparison. On a one-partition topic,
     * one member owns the partition and the others wait with nothing assigned.
     */
    void runConsumerGroup(KafkaConsumer<String, String> consumer, String topic) {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                out.println(ConsoleLines.assigned(partitions)); // an empty list too: this member sits idle
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // An orderly handover: this member still owns the partitions, so it commits what it
                // handled (a commit refused during the rebalance, below, gets its second chance here).
                if (!partitions.isEmpty()) {
                    consumer.commitSync();
                    out.println(ConsoleLines.revoked(partitions));
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                // The group moved on without this member (it did not poll within max.poll.interval.ms, or
                // missed its heartbeats): another member may own these already, so commit nothing here.
                // Without this method Kafka calls onPartitionsRevoked, and a commit there would fail.
                out.println(ConsoleLines.lost(partitions));
            }
        });
        long lastJobAt = System.nanoTime();
        try {
            while (!maxMessages.reachedBy(handled)) {
                ConsumerRecords<String, String> jobs = consumer.poll(POLL_TIMEOUT);
                for (ConsumerRecord<String, String> job : jobs) {
                    count(work(job)); // no per-record acknowledgement: a consumer group commits offsets
                }
                if (!jobs.isEmpty()) {
                    commitHandled(consumer);
                    lastJobAt = System.nanoTime();
                } else if (!consumer.assignment().isEmpty()
                        && idleTimeout.exceededBy(System.nanoTime() - lastJobAt)) {
                    out.println(idleTimeout.stoppingLine("jobs"));
                    break;
                } else if (consumer.assignment().isEmpty()) {
                    lastJobAt = System.nanoTime();
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C (poll() threw): every job handled was committed after its poll; close() below
            // leaves the group. It commits nothing itself: auto-commit is off.
        }
    }

    /**
     * Commits the jobs of the last poll. If this member was removed from the group while it worked on
     * them (slower than max.poll.interval.ms), the commit is refused: that is no reason to stop. The
     * next poll() rejoins the group, and whichever member owns the partition then does these jobs again
     * (a consumer group delivers at least once). During a rebalance the commit waits for
     * onPartitionsRevoked, in the next poll().
     */
    private void commitHandled(KafkaConsumer<String, String> consumer) {
        try {
            consumer.commitSync();
        } catch (RebalanceInProgressException e) {
            out.println("Not committed yet: the group is rebalancing; committed when this member hands its"
                    + " partitions over, in the next poll.");
        } catch (CommitFailedException e) {
            notCommitted++;
            out.println("Not committed: this member left the group while working (slower than max.poll.interval.ms);"
                    + " the jobs since its last commit will be done again by the partition's next owner.");
        }
    }

    /** A job as printed: a long one by its start and length, not a megabyte of text in the terminal. */
    private static String shown(String job) {
        return job == null || job.length() <= 40 ? String.valueOf(job)
                : job.substring(0, 40) + "... (" + job.length() + " characters)";
    }

    /** Does one job and decides its acknowledgement. Jobs.java makes some of them fail on purpose. */
    private AcknowledgeType work(ConsumerRecord<String, String> job) {
        int delivery = job.deliveryCount().map(Short::intValue).orElse(1);
        AcknowledgeType outcome;
        String note;
        if (job.value() == null) {
            // A record with no value (a tombstone) is no job: rejected, like a malformed one.
            outcome = AcknowledgeType.REJECT;
            note = "no value, cannot be done, rejected";
        } else if (job.value().endsWith(Jobs.MALFORMED)) {
            outcome = AcknowledgeType.REJECT;
            note = "cannot be done, rejected";
        } else if (job.value().endsWith(Jobs.FLAKY) && delivery < 2) {
            outcome = AcknowledgeType.RELEASE;
            note = "failed, released for a retry";
        } else if (job.value().endsWith(Jobs.POISON)) {
            outcome = AcknowledgeType.RELEASE;
            note = "failed, released (delivery " + delivery + " of at most " + deliveryLimit + ")";
        } else {
            outcome = AcknowledgeType.ACCEPT;
            note = "done, accepted";
        }
        boolean hold = holdEvery > 0 && (handled + 1) % holdEvery == 0 && delivery == 1;
        if (hold) {
            out.printf("%s-%d offset %-4d %-18s delivery %d  holding it %d s, past its %d s lock...%n", job.topic(),
                    job.partition(), job.offset(), shown(job.value()), delivery, lockSeconds + 3, lockSeconds);
        }
        sleep(hold ? Duration.ofSeconds(lockSeconds + 3) : Duration.ofMillis(workMillis));
        if (printEvery.printThis(handled + 1)) {
            out.printf("%s-%d offset %-4d %-18s delivery %d  %s%n", job.topic(), job.partition(), job.offset(),
                    shown(job.value()), delivery, note);
        }
        return outcome;
    }

    private void count(AcknowledgeType outcome) {
        handled++;
        switch (outcome) {
            case ACCEPT -> accepted++;
            case RELEASE -> released++;
            case REJECT -> rejected++;
            default -> { }
        }
    }

    /** What commitSync() says per partition: empty if the broker took every acknowledgement. */
    private void report(Map<TopicIdPartition, Optional<KafkaException>> results) {
        results.forEach((partition, error) -> error.ifPresent(e -> {
            failedAcknowledgements++;
            out.printf("Acknowledgements refused for %s-%d: %s (%s)%n", partition.topic(), partition.partition(),
                    e.getClass().getSimpleName(), e.getMessage());
        }));
    }

    long accepted() {
        return accepted;
    }

    long released() {
        return released;
    }

    long rejected() {
        return rejected;
    }

    long notCommitted() {
        return notCommitted;
    }

    /** The classic consumer's settings for the comparison. */
    static Properties consumerGroupProperties(FranzConfig config, String group, String clientId, int maxPollRecords) {
        Properties props = config.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return props;
    }

    /**
     * A share group's settings live on the broker, per group (Admin API, like kafka-configs
     * --entity-type groups), not in the client: where a new group starts, how long a lock lasts, how
     * many deliveries a job gets, and where the jobs that run out of them go.
     */
    /** @return how many settings had to change (0 when a worker before this one set them already) */
    static int configureGroup(FranzConfig config, String group, String topic, Duration lock, long deliveryLimit)
            throws InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        List<AlterConfigOp> settings = List.of(
                // A new share group starts at the end (latest) by default and sees none of the jobs
                // already waiting. earliest: from the first record still stored.
                set("share.auto.offset.reset", "earliest"),
                set("share.record.lock.duration.ms", Long.toString(lock.toMillis())),
                set("share.delivery.count.limit", Long.toString(deliveryLimit)),
                // Rejected jobs and jobs out of deliveries go to this topic (KIP-1191), with headers
                // saying why, instead of being archived silently.
                set("errors.deadletterqueue.topic.name", deadLetterTopic(topic)),
                set("errors.deadletterqueue.copy.record.enable", "true"));
        try (Admin admin = Admin.create(config.clientProperties())) {
            // Every worker of the group starts here: only what differs on the broker is changed.
            Config current = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            List<AlterConfigOp> changes = settings.stream().filter(op -> {
                ConfigEntry now = current == null ? null : current.get(op.configEntry().name());
                return now == null || !op.configEntry().value().equals(now.value());
            }).toList();
            if (!changes.isEmpty()) {
                admin.incrementalAlterConfigs(Map.of(resource, changes)).all().get();
            }
            return changes.size();
        } catch (ExecutionException e) {
            throw new UserFacingException("Could not configure share group " + group + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /** A share group's dead-letter topic must be named dlq.* (the broker's default rule). */
    static String deadLetterTopic(String topic) {
        return "dlq." + topic;
    }

    /** Share groups need the cluster feature share.version >= 1 (on by default from Kafka 4.2). */
    static void requireShareGroups(FranzConfig config) throws InterruptedException {
        try (Admin admin = Admin.create(config.clientProperties())) {
            FinalizedVersionRange share = admin.describeFeatures().featureMetadata().get()
                    .finalizedFeatures().get("share.version");
            if (share == null || share.maxVersionLevel() < 1) {
                throw new UserFacingException("The cluster at " + config.bootstrapServers() + " has share groups off"
                        + " (feature share.version is " + (share == null ? "not set" : share.maxVersionLevel())
                        + "). Share groups need Kafka 4.2 or newer; turn them on with: bin/kafka-run-class"
                        + " org.apache.kafka.tools.FeatureCommand --bootstrap-server " + config.bootstrapServers()
                        + " upgrade --feature share.version=1");
            }
        } catch (ExecutionException e) {
            throw new UserFacingException("Could not read the cluster's features: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis()); // stands for the work a real job does
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Accepts share-group and consumer-group (any case). */
    static final class MembershipConverter implements picocli.CommandLine.ITypeConverter<Membership> {
        @Override
        public Membership convert(String value) {
            return switch (value.toLowerCase()) {
                case "share-group" -> Membership.SHARE_GROUP;
                case "consumer-group" -> Membership.CONSUMER_GROUP;
                default -> throw new picocli.CommandLine.TypeConversionException("'" + value
                        + "' is not allowed, it must be one of: share-group, consumer-group");
            };
        }
    }
}
