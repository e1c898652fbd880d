package dev.franz.shareconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import dev.franz.common.config.FranzConfig;
import dev.franz.testing.BadRecords;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestConsumers;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestProcesses;
import picocli.CommandLine;

/**
 * Share groups on a real broker: one partition, several workers, each acknowledgement type. The tests
 * run at once (each its own topic and group; they mostly wait for locks and idle timeouts).
 */
@Execution(ExecutionMode.CONCURRENT)
class ShareGroupsIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final String topic = TestNames.unique("jobs");
    private final String group = TestNames.unique("workers");
    private final FranzConfig config = FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
            "TOPIC_JOBS", topic));

    @Test
    void threeWorkersOnOnePartitionAllWorkAndEveryJobIsAcceptedExactlyOnce() throws Exception {
        Jobs.createTopics(config, topic);
        assertThat(ShareConsumerLesson.configureGroup(config, group, topic, Duration.ofSeconds(15), 3))
                .as("settings changed for a new group").isEqualTo(5);
        // The next worker to start finds them set, and changes nothing.
        assertThat(ShareConsumerLesson.configureGroup(config, group, topic, Duration.ofSeconds(15), 3)).isZero();
        List<Worker> workers = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            workers.add(Worker.start(config, group, topic, "--work-ms", "50", "--idle-timeout", "10", "--print-every", "0"));
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            // The group exists once the first worker has joined: until then, describing it fails.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptionsMatching(e -> e.getCause() instanceof GroupIdNotFoundException)
                    .until(() -> admin.describeShareGroups(List.of(group)).all().get().get(group).members().size() == 3);
        }

        place(List.of(jobs(60)));

        for (Worker worker : workers) {
            worker.result.get(120, TimeUnit.SECONDS);
        }

        assertThat(workers).allSatisfy(worker -> assertThat(worker.lesson.counts().accepted()).isPositive());
        assertThat(workers.stream().mapToLong(worker -> worker.lesson.counts().accepted()).sum())
                .as("jobs accepted; what the workers printed:%n%s", workers.stream().map(Worker::output).toList())
                .isEqualTo(60);
        // Nothing left for the group: every job is acknowledged (the start offset may trail the last
        // acknowledged record until the broker next moves it).
        assertThat(shareGroupOffsets().lag()).as("share group lag").contains(0L);
    }

    @Test
    void aReleasedJobComesBackWithDeliveryCountTwoAndARejectedOneNeverDoesButReachesTheDeadLetterTopic()
            throws Exception {
        Jobs.createTopics(config, topic);
        place(List.of("job-1" + Jobs.FLAKY, "job-2" + Jobs.MALFORMED, "job-3"));
        ShareConsumerLesson.configureGroup(config, group, topic, Duration.ofSeconds(15), 3);

        Worker worker = Worker.start(config, group, topic, "--work-ms", "0", "--idle-timeout", "5");
        worker.result.get(60, TimeUnit.SECONDS);

        assertThat(worker.lesson.counts().released()).as("released; the worker printed:%n%s", worker.output()).isEqualTo(1);
        assertThat(worker.lesson.counts().rejected()).isEqualTo(1);
        assertThat(worker.lesson.counts().accepted()).isEqualTo(2); // job-1 at its second delivery, and job-3
        assertThat(worker.output()).containsPattern("offset 0 +job-1 flaky +delivery 2  done, accepted")
                .containsOnlyOnce("job-2 malformed");
        ConsumerRecord<String, String> deadLetter = deadLetters(1).get(0);
        assertThat(deadLetter.value()).isEqualTo("job-2" + Jobs.MALFORMED);
        assertThat(header(deadLetter, "__dlq.errors.message")).isEqualTo("Offset rejected by client.");
    }

    /**
     * The course's corpus of bad records among the jobs: a job is any text, so each is done and
     * accepted (a value of 1 MB printed by its start and length), except the tombstone, which is no
     * job: rejected, and the broker writes it to the dead-letter topic. The worker goes on to the end.
     */
    @Test
    void theCorpusOfBadRecordsIsWorkedThroughAndATombstoneIsRejected() throws Exception {
        Jobs.createTopics(config, topic);
        List<BadRecords.BadRecord> corpus = BadRecords.corpus("job-markup", number -> "job-" + number);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "job-first", "job-first".getBytes(StandardCharsets.UTF_8))).get();
            for (BadRecords.BadRecord bad : corpus) {
                producer.send(new ProducerRecord<>(topic, null, "bad", bad.value(), bad.headers())).get();
            }
            // A malformed job at the size limit: rejected, but too large for the broker's dead letter.
            producer.send(new ProducerRecord<>(topic, "job-big", ("x".repeat(BadRecords.NEAR_ONE_MB - 20) + Jobs.MALFORMED)
                    .getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(topic, "job-last", "job-last".getBytes(StandardCharsets.UTF_8))).get();
        }
        ShareConsumerLesson.configureGroup(config, group, topic, Duration.ofSeconds(15), 3);

        Worker worker = Worker.start(config, group, topic, "--work-ms", "0", "--idle-timeout", "5");
        worker.result.get(90, TimeUnit.SECONDS);

        long tombstones = corpus.stream().filter(bad -> bad.value() == null).count();
        assertThat(worker.lesson.counts().rejected()).as("the worker printed:%n%s", worker.output()).isEqualTo(tombstones + 1);
        assertThat(worker.lesson.counts().accepted()).isEqualTo(2 + corpus.size() - tombstones);
        assertThat(worker.output()).contains("job-first").contains("job-last").contains("no value, cannot be done")
                .contains("... (" + BadRecords.NEAR_ONE_MB + " characters)");
        assertThat(worker.output().lines().mapToInt(String::length).max().orElse(0)).isLessThan(500);
        // The broker writes the tombstone's dead letter; the big job's it cannot (the job and the broker's
        // headers are over the limit): it logs "Failed to write to DLQ, proceeding to ARCHIVED regardless"
        // and archives the job, which stays on the jobs topic at its offset. The worker is not held up.
        assertThat(deadLetters((int) tombstones)).extracting(ConsumerRecord::value).containsOnlyNulls();
    }

    @Test
    void aJobThatKeepsFailingGoesToTheDeadLetterTopicAtTheDeliveryLimit() throws Exception {
        Jobs.createTopics(config, topic);
        place(List.of("job-1" + Jobs.POISON));
        ShareConsumerLesson.configureGroup(config, group, topic, Duration.ofSeconds(15), 2);

        Worker worker = Worker.start(config, group, topic, "--work-ms", "0", "--idle-timeout", "5",
                "--delivery-limit", "2");
        worker.result.get(60, TimeUnit.SECONDS);

        assertThat(worker.lesson.counts().released()).isEqualTo(2);
        ConsumerRecord<String, String> deadLetter = deadLetters(1).get(0);
        assertThat(deadLetter.value()).isEqualTo("job-1" + Jobs.POISON);
        assertThat(header(deadLetter, "__dlq.errors.delivery.count")).isEqualTo("2");
    }

    @Test
    void aJobHeldByAWorkerKilledWithSigkillGoesToAnotherWorkerOnceItsLockExpires() throws Exception {
        Jobs.createTopics(config, topic);
        place(List.of(jobs(6)));
        ShareConsumerLesson.configureGroup(config, group, topic, Duration.ofSeconds(15), 3);
        // It holds its third job (job-3) past its lock, without acknowledging it.
        TestProcesses worker = TestProcesses.java(ShareConsumerLesson.class, "--bootstrap-servers",
                kafka.bootstrapServers(), "--set", "TOPIC_JOBS=" + topic, "--group", group, "--instance", "9",
                "--work-ms", "0", "--hold-every", "3");
        Process doomed = worker.process();
        try {
            // A record a member has acquired shows nowhere in the Admin API: the worker's own line that it
            // holds one is the only sign, so this test waits for that line.
            awaitHolding(worker);
            doomed.destroyForcibly(); // kill -9 while it holds job-3, unacknowledged
            doomed.waitFor(10, TimeUnit.SECONDS);

            // Jobs 1 and 2 are acknowledged, job-3 is held: the survivor has four to do, job-4 to job-6 at
            // once and job-3 when its lock expires. It stops at the fourth (the idle timeout only bounds a
            // failure: longer than the lock, so that the wait for job-3 is not taken for the end).
            Worker survivor = Worker.start(config, group, topic, "--work-ms", "0", "--idle-timeout", "25",
                    "--max-messages", "4");
            survivor.result.get(90, TimeUnit.SECONDS);

            // The held job comes back once its 15 s lock expires, as a second delivery; nothing is lost.
            assertThat(survivor.output()).containsPattern("job-3 +delivery 2  done, accepted");
            assertThat(survivor.lesson.counts().accepted()).as("the survivor printed:%n%s", survivor.output()).isEqualTo(4);
            assertThat(shareGroupOffsets().lag()).as("share group lag").contains(0L);
        } finally {
            doomed.destroyForcibly();
        }
    }

    @Test
    void ctrlCWhileAJobIsWorkedOnEndsWithin10SecondsAndSaysWhatItWaitedFor() throws Exception {
        Jobs.createTopics(config, topic);
        place(List.of(jobs(3)));
        ShareConsumerLesson.configureGroup(config, group, topic, Duration.ofSeconds(15), 3);
        TestProcesses worker = TestProcesses.java(ShareConsumerLesson.class, "--bootstrap-servers",
                kafka.bootstrapServers(), "--set", "TOPIC_JOBS=" + topic, "--group", group, "--instance", "8",
                "--work-ms", "0", "--hold-every", "1");
        Process process = worker.process();
        try {
            awaitHolding(worker);
            long stoppedAt = System.nanoTime();
            // SIGTERM, as Ctrl-C: the hook runs while the job is still being worked on. Through the handle:
            // Process.destroy() would close our end of its output too.
            process.toHandle().destroy();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("ended within 10 s").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(String.join("\n", worker.lines()))
                    .contains("A job was still being worked on, or the broker does not answer")
                    .contains("go back to the group once their lock expires (15 s)")
                    .doesNotContain("read again"));
        } finally {
            process.destroyForcibly();
        }
    }

    private static void awaitHolding(TestProcesses worker) {
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> worker.printed("holding it"));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("No job held within 60 s; the worker printed:\n" + String.join("\n", worker.lines()), e);
        }
    }

    private SharePartitionOffsetInfo shareGroupOffsets() throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin.listShareGroupOffsets(Map.of(group,
                    new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo(group).get();
            return offsets.get(new TopicPartition(topic, 0));
        }
    }

    private List<ConsumerRecord<String, String>> deadLetters(int expected) {
        return TestConsumers.readFromStart(kafka.clientProperties(), ShareConsumerLesson.deadLetterTopic(topic),
                new StringDeserializer(), new StringDeserializer(), expected);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static String[] jobs(int count) {
        String[] jobs = new String[count];
        for (int n = 0; n < count; n++) {
            jobs[n] = "job-" + (n + 1);
        }
        return jobs;
    }

    private void place(List<String> jobs) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new StringSerializer())) {
            for (String job : jobs) {
                producer.send(new ProducerRecord<>(topic, job, job));
            }
        }
    }

    /** One worker of the lesson, its loop on a thread of its own, as a separate instance would run. */
    private record Worker(ShareConsumerLesson lesson, ByteArrayOutputStream printed, CompletableFuture<Void> result) {

        /** Members of one group get distinct client ids, as --instance gives the program's copies. */
        private static final AtomicInteger STARTED = new AtomicInteger();

        static Worker start(FranzConfig config, String group, String topic, String... options) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            ShareConsumerLesson lesson = new ShareConsumerLesson(new PrintStream(printed, true, StandardCharsets.UTF_8));
            new CommandLine(lesson).parseArgs(options);
            String clientId = "test-worker-" + STARTED.incrementAndGet();
            // A thread of its own: the tests run at once, and a shared pool could keep a worker waiting.
            CompletableFuture<Void> result = CompletableFuture.runAsync(() -> {
                try (KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(
                        ShareConsumerLesson.shareConsumerProperties(config, group, clientId, 1),
                        new StringDeserializer(), new StringDeserializer())) {
                    lesson.runShareGroup(consumer, topic);
                }
            }, task -> {
                Thread thread = new Thread(task, clientId);
                thread.setDaemon(true);
                thread.start();
            });
            return new Worker(lesson, printed, result);
        }

        String output() {
            return printed.toString(StandardCharsets.UTF_8);
        }
    }
}
