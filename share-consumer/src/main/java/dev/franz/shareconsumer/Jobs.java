package dev.franz.shareconsumer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.Numbers;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code share-consumer jobs --count N}: creates the one-partition topic of jobs and its dead-letter topic,
 * then places N jobs. Some fail on purpose, so that the workers show each acknowledgement: a flaky job
 * fails once and is released, a poison job fails every time until the delivery limit, and a malformed
 * job is rejected at once.
 */
@Command(name = "jobs", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Creates the jobs topic (one partition) and its dead-letter topic, and places N jobs.")
final class Jobs implements Callable<Integer> {

    static final String FLAKY = " flaky";
    static final String POISON = " poison";
    static final String MALFORMED = " malformed";

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "30", converter = Numbers.Positive.class,
            description = "How many jobs (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--flaky-every", paramLabel = "N", defaultValue = "7", converter = Numbers.NotNegative.class,
            description = "Every Nth job fails once, then works; 0 none (default: ${DEFAULT-VALUE}).")
    long flakyEvery;

    @Option(names = "--poison-every", paramLabel = "N", defaultValue = "10", converter = Numbers.NotNegative.class,
            description = "Every Nth job always fails; 0 none (default: ${DEFAULT-VALUE}).")
    long poisonEvery;

    @Option(names = "--malformed-every", paramLabel = "N", defaultValue = "13", converter = Numbers.NotNegative.class,
            description = "Every Nth job cannot be done at all and is rejected; 0 none (default: ${DEFAULT-VALUE}).")
    long malformedEvery;

    @ParentCommand
    ShareConsumerLesson lesson; // its --bootstrap-servers, --client-config and --set apply here too

    private final PrintStream out = System.out;
    /** Set by the shutdown hook (Ctrl-C): no more jobs are placed. */
    private volatile boolean stopRequested;

    @Override
    public Integer call() throws Exception {
        FranzConfig config = lesson.configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        String topic = config.topic(ConfigKey.TOPIC_JOBS);
        createTopics(config, topic);
        Properties props = config.clientProperties();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        CountDownLatch finished = new CountDownLatch(1);
        try {
            // try-with-resources: close() sends what is still buffered and waits for the answers.
            try (Producer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new StringSerializer())) {
                // Ctrl-C runs this hook on its own thread. A producer has no poll() to wake up: the hook asks
                // the loop to stop, then waits (at most 8 s) until the jobs sent so far have their answers and
                // the producer is closed. It waits on a latch, not by join()ing the main thread: main ends in
                // System.exit, which waits for this hook.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stopRequested = true;
                    GracefulShutdown.awaitFinished(finished, GracefulShutdown.PRODUCER_UNFINISHED);
                }, "share-consumer-jobs-shutdown"));
                for (long n = 1; n <= count && !stopRequested; n++) {
                    String job = "job-" + n + kind(n);
                    sends.add(producer.send(new ProducerRecord<>(topic, "job-" + n, job)));
                }
                // Each job written before "Placed" is printed: get() throws the error of a send that failed.
                for (Future<RecordMetadata> send : sends) {
                    try {
                        send.get();
                    } catch (ExecutionException e) {
                        throw new UserFacingException("Could not place the jobs on " + topic + ": "
                                + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            out.printf("Placed %s jobs on %s (partition 0): every %dth flaky, every %dth poison, every %dth malformed.%n",
                    sends.size() == count ? String.valueOf(count) : sends.size() + " of " + count, topic, flakyEvery,
                    poisonEvery, malformedEvery);
        } finally {
            finished.countDown();
        }
        return 0;
    }

    private String kind(long n) {
        if (malformedEvery > 0 && n % malformedEvery == 0) {
            return MALFORMED;
        }
        if (poisonEvery > 0 && n % poisonEvery == 0) {
            return POISON;
        }
        if (flakyEvery > 0 && n % flakyEvery == 0) {
            return FLAKY;
        }
        return "";
    }

    /**
     * One partition on purpose: a consumer group could give it to one worker only, a share group gives
     * its records to every worker. The dead-letter topic must be named dlq.* and must allow share
     * groups to write to it (errors.deadletterqueue.group.enable), or the broker archives instead.
     */
    static void createTopics(FranzConfig config, String topic) {
        Optional<Short> replication = config.topicReplicationFactor(); // unset: the cluster's default
        try (Admin admin = Admin.create(config.clientProperties())) {
            Topics.createMissing(admin, List.of(
                    new NewTopic(topic, Optional.of(1), replication),
                    new NewTopic(ShareConsumerLesson.deadLetterTopic(topic), Optional.of(1), replication)
                            .configs(Map.of("errors.deadletterqueue.group.enable", "true"))), Duration.ofSeconds(30))
                    .forEach(created -> System.out.println(created.line()));
        }
    }
}
