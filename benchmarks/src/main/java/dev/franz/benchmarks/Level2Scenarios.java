package dev.franz.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Level 2: events per second of stream-processing's stateful mode with each engine, on the same
 * pre-filled topic, next to ConsumerPerformance reading that topic. Both engines are timed the same
 * way, from outside: from the moment their group is stable (partitions assigned) until their
 * committed offsets reach the end of the topic.
 */
final class Level2Scenarios {

    private static final String PRODUCER = "dev.franz.basicproducer.BasicProducer";
    private static final String STREAM_PROCESSING = "dev.franz.streamprocessing.StreamProcessing";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    private final String bootstrapServers;
    private final long records;
    private final int rounds;
    private final ChildJvm jvm;
    private int runNumber;

    Level2Scenarios(String bootstrapServers, long records, int rounds, ChildJvm jvm) {
        this.bootstrapServers = bootstrapServers;
        this.records = records;
        this.rounds = rounds;
        this.jvm = jvm;
    }

    /** Returns two measurements against ConsumerPerformance: the plain engine, then Kafka Streams. */
    List<Measurement> statefulEngines() throws Exception {
        Measurement plain = Measurement.of("stream-processing stateful, plain engine", "ConsumerPerformance",
                "records/s", true, 0.3);
        Measurement streams = Measurement.of("stream-processing stateful, Kafka Streams (exactly-once)",
                "ConsumerPerformance", "records/s", true, 0.3);
        String topic = "bench-user-events-" + (++runNumber);
        try (Admin admin = Admin.create(properties())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        Scenarios.check(jvm.run(PRODUCER, List.of("--bootstrap-servers", bootstrapServers, "--topic", topic,
                "-n", String.valueOf(records), "--pause-ms", "0", "--mode", "async",
                "--print-every", String.valueOf(records)), RUN_TIMEOUT));
        for (int round = 0; round < rounds; round++) {
            ChildJvm.Result reference = Scenarios.check(jvm.run("org.apache.kafka.tools.ConsumerPerformance", List.of(
                    "--bootstrap-server", bootstrapServers, "--topic", topic, "--num-records", String.valueOf(records),
                    "--group", "bench-cp-" + (++runNumber)), RUN_TIMEOUT));
            double referenceRate = Scenarios.consumerPerformanceRate(reference);
            plain.references().add(referenceRate);
            streams.references().add(referenceRate);
            plain.ours().add(engineRate("plain", topic, List.of()));
            streams.ours().add(engineRate("streams", topic, List.of()));
        }
        double plainToStreams = plain.oursMedian() / streams.oursMedian();
        String comparison = String.format("plain engine / Kafka Streams = %.2f (goal: the plain engine not slower"
                + " than Kafka Streams by more than 2x, i.e. >= 0.5): %s; timed from group join to the last commit",
                plainToStreams, plainToStreams >= 0.5 ? "met" : "NOT met");
        if (!plain.meetsGoal()) {
            comparison += "; under its goal; " + profile("plain", topic);
        }
        if (!streams.meetsGoal()) {
            streams = streams.withNote("under its goal; " + profile("streams", topic));
        }
        return List.of(plain.withNote(comparison), streams);
    }

    /** Where an engine's time goes: one more run under JFR, stopped once it has committed the whole topic. */
    private String profile(String engine, String topic) throws Exception {
        Path recording = Files.createTempFile("franz-bench-" + engine, ".jfr");
        try {
            engineRate(engine, topic, Profile.jvmArgs(recording));
            return Profile.summarise(recording);
        } finally {
            Files.deleteIfExists(recording);
        }
    }

    /** Runs one engine on the topic in a new group, and returns its events per second. */
    private double engineRate(String engine, String topic, List<String> jvmArgs) throws Exception {
        String id = "bench-" + engine + "-" + (++runNumber);
        Process process = jvm.start(jvmArgs, STREAM_PROCESSING, List.of("stateful", "--engine", engine, "--application-id", id,
                "--report-interval", "3600", "--bootstrap-servers", bootstrapServers,
                "--set", "TOPIC_USER_EVENTS=" + topic, "--set", "TOPIC_EVENT_TYPE_COUNTS=" + id + "-counts",
                "--set", "TOPIC_USER_TOTALS=" + id + "-totals"));
        try (Admin admin = Admin.create(properties())) {
            long end = endOffsets(admin, topic);
            long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
            long startedAt = 0;
            long committedAtStart = 0;
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (startedAt == 0 && joined(admin, id)) {
                    // The clock starts once the engine has its partitions: JVM start and group join excluded.
                    startedAt = System.nanoTime();
                    committedAtStart = committed(admin, id);
                }
                if (startedAt != 0 && committed(admin, id) >= end) {
                    double seconds = Math.max(System.nanoTime() - startedAt, TimeUnit.MILLISECONDS.toNanos(50)) / 1e9;
                    return (end - committedAtStart) / seconds;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            throw new IllegalStateException(engine + " engine did not finish " + topic + " (alive: " + process.isAlive()
                    + ")");
        } finally {
            // SIGTERM: the program closes its clients, and a flight recording is written on the way out.
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int partition = 0; partition < 3; partition++) {
            request.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get().values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    private static boolean joined(Admin admin, String group) throws Exception {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return description.groupState() == GroupState.STABLE && !description.members().isEmpty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false; // not created yet
            }
            throw e;
        }
    }

    private static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        // Kafka Streams also commits offsets of its repartition topic: count the input topic only.
        return offsets.entrySet().stream().filter(entry -> entry.getKey().topic().startsWith("bench-user-events-"))
                .filter(entry -> entry.getValue() != null).mapToLong(entry -> entry.getValue().offset()).sum();
    }

    private Properties properties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }
}
