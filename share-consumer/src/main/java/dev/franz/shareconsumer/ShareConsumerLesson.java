package dev.franz.shareconsumer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Queues for Kafka (share groups, KIP-932): several workers share the jobs of <em>one</em> partition.
 * Each job is handed to one worker under a time-limited lock and acknowledged on its own: accepted
 * (done), released (give it to someone, later), or rejected (never again: to the dead-letter topic).
 * {@code --as consumer-group} runs the same worker as a classic consumer group member, for comparison.
 * The Kafka side, top to bottom: the settings, the consumer and Ctrl-C, the poll loop and its
 * acknowledgements, the rule for each job, the group's settings on the broker. The options are in
 * {@link ShareConsumerOptions}, the lines it prints in {@link WorkerLines}; {@link Jobs} places the jobs.
 */
@Command(name = "share-consumer", mixinStandardHelpOptions = true, version = "share-consumer (Franz)",
        sortOptions = false, usageHelpAutoWidth = true, subcommands = Jobs.class,
        description = "A worker of a share group: takes jobs from a one-partition topic that other workers share,"
                + " and acknowledges each one. 'jobs --count N' places jobs first.")
public final class ShareConsumerLesson implements Callable<Integer> {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    @Mixin
    ShareConsumerOptions options;

    @Mixin
    ConfigOptions configOptions;

    private final PrintStream out;
    private final WorkerLines lines;

    public static void main(String[] args) {
        System.exit(Cli.run(new ShareConsumerLesson(), args));
    }

    ShareConsumerLesson() {
        this(System.out);
    }

    ShareConsumerLesson(PrintStream out) {
        this.out = out;
        this.lines = new WorkerLines(out);
    }

    /** The share consumer's settings, each with why. */
    static Properties shareConsumerProperties(FranzConfig config, String group, String clientId, int maxPollRecords) {
        Properties props = config.clientProperties();
        // All workers with this group id share the topic's records: any worker may get any record.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        // Each worker's own name, so that the live view and kafka-share-groups tell the members apart.
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // explicit: every record is acknowledged by the code, one by one (ACCEPT, RELEASE or REJECT).
        // implicit (the default): everything a poll() returned is accepted at the next poll().
        props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        // --max-poll-records is 1 unless given (Kafka's default is 500): a slow job then holds only itself,
        // and the workers share evenly; more per poll means fewer round trips. record_limit makes
        // max.poll.records a hard limit on the records a poll() acquires (batch_optimized, the default,
        // may hand out a whole batch).
        props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return props;
    }

    @Override
    public Integer call() throws InterruptedException {
        FranzConfig config = configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        String topic = config.topic(ConfigKey.TOPIC_JOBS);
        Topics.awaitExisting(config, List.of(topic), out); // a worker does not create it; 'jobs' does
        String clientId = "job-worker-" + options.instance;
        long startedAt = System.nanoTime();
        CountDownLatch finished = new CountDownLatch(1);
        try {
            if (options.shareGroup()) {
                configureGroup(config, options.group, topic, Duration.ofSeconds(options.lockSeconds), options.deliveryLimit);
                lines.takingJobs(clientId, topic, options.group, options.lockSeconds, options.deliveryLimit,
                        deadLetterTopic(topic));
                // try-with-resources: close() sends the acknowledgements not yet sent, releases the jobs it holds
                // unacknowledged (the other workers get them) and leaves the group.
                try (ShareConsumer<String, String> consumer = new KafkaShareConsumer<>(shareConsumerProperties(config,
                        options.group, clientId, options.maxPollRecords), new StringDeserializer(), new StringDeserializer())) {
                    // Ctrl-C runs this hook on its own thread: wakeup() makes the blocked poll() throw
                    // WakeupException, then the hook waits (at most 8 s) until the consumer is closed and the
                    // summary printed. It wakes up poll(), not a job being worked on: a long job (--hold-every)
                    // keeps the worker past that wait, and what it held goes back once its lock expires.
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        consumer.wakeup();
                        GracefulShutdown.awaitFinished(finished, "A job was still being worked on, or the broker does"
                                + " not answer. Jobs this worker had not acknowledged go back to the group once their"
                                + " lock expires (" + options.lockSeconds + " s).");
                    }, "share-consumer-shutdown"));
                    runShareGroup(consumer, topic);
                }
            } else {
                consumerGroupWorker().run(config, topic, options.group + "-classic", clientId, finished);
            }
            lines.summary(clientId, options.shareGroup(), Duration.ofNanos(System.nanoTime() - startedAt),
                    options.summaryOption.file());
        } finally {
            finished.countDown();
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
            while (!options.maxMessages.reachedBy(lines.handled())) {
                ConsumerRecords<String, String> jobs = consumer.poll(POLL_TIMEOUT);
                for (ConsumerRecord<String, String> job : jobs) {
                    AcknowledgeType outcome = work(job);
                    // Explicit acknowledgement: ACCEPT (done), RELEASE (let any worker have it again,
                    // its delivery count goes up) or REJECT (never again; to the dead-letter topic).
                    consumer.acknowledge(job, outcome);
                    lines.count(outcome);
                }
                if (!jobs.isEmpty()) {
                    // Sends the acknowledgements now and waits for the broker's answer, per partition (empty
                    // if it took them all). A job whose lock expired while we worked on it may be another
                    // worker's already: Kafka 4.4 keeps that worker's outcome and reports no error for ours.
                    consumer.commitSync().forEach((partition, error) -> error.ifPresent(e -> lines.refused(partition, e)));
                    hadJobs = true;
                    lastJobAt = System.nanoTime();
                } else if (hadJobs && options.idleTimeout.exceededBy(System.nanoTime() - lastJobAt)) {
                    lines.println(options.idleTimeout.stoppingLine("jobs"));
                    break;
                }
            }
        } catch (WakeupException ctrlC) {
            // consumer.wakeup() from the shutdown hook: leave the loop; closing the consumer hands back its jobs.
        }
    }

    /**
     * The rule for each job, and what a worker does with one it cannot process. Jobs.java makes some
     * fail on purpose. A job that can never be done (malformed, or no value at all) is rejected: the
     * broker writes it to the dead-letter topic. One that failed is released: another delivery, up to
     * the delivery limit, then the dead-letter topic too. Nothing stops the worker.
     */
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
            note = "failed, released (delivery " + delivery + " of at most " + options.deliveryLimit + ")";
        } else {
            outcome = AcknowledgeType.ACCEPT; // any other text is a job, even a megabyte of it
            note = "done, accepted";
        }
        long number = lines.handled() + 1;
        boolean hold = options.holdEvery > 0 && number % options.holdEvery == 0 && delivery == 1;
        if (hold) {
            lines.holding(job, delivery, options.lockSeconds + 3, options.lockSeconds);
        }
        sleep(hold ? Duration.ofSeconds(options.lockSeconds + 3) : Duration.ofMillis(options.workMillis));
        if (options.printEvery.printThis(number)) {
            lines.done(job, delivery, note);
        }
        return outcome;
    }

    /**
     * A share group's settings live on the broker, per group (Admin API, like kafka-configs
     * --entity-type groups), not in the client: where a new group starts, how long a lock lasts, how
     * many deliveries a job gets, and where the jobs that run out of them go.
     *
     * @return how many settings had to change (0 when a worker before this one set them already)
     */
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
            // Share groups need the cluster feature share.version >= 1 (on by default from Kafka 4.2).
            FinalizedVersionRange share = admin.describeFeatures().featureMetadata().get()
                    .finalizedFeatures().get("share.version");
            if (share == null || share.maxVersionLevel() < 1) {
                throw new UserFacingException("The cluster at " + config.bootstrapServers() + " has share groups off"
                        + " (feature share.version is " + (share == null ? "not set" : share.maxVersionLevel())
                        + "). Share groups need Kafka 4.2 or newer; turn them on with: bin/kafka-run-class"
                        + " org.apache.kafka.tools.FeatureCommand --bootstrap-server " + config.bootstrapServers()
                        + " upgrade --feature share.version=1");
            }
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

    /** {@code --as consumer-group}: the same worker, with the same rule for each job, in a classic consumer group. */
    ConsumerGroupWorker consumerGroupWorker() {
        return new ConsumerGroupWorker(options, lines, this::work);
    }

    /** What this worker did so far, as its summary counts it. */
    WorkerLines counts() {
        return lines;
    }
}
