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
 * pre-filled topic, next to a minimal Kafka Streams topology doing the same counts and to
 * ConsumerPerformance reading that topic (the ceiling). All Streams programs and engines are timed
 * the same way, from outside: from the moment their group is stable (partitions assigned) until
 * their committed offsets reach the end of the topic.
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

    /**
     * Returns two measurements: the plain engine against ConsumerPerformance (the bytes-only ceiling, no
     * goal), then Kafka Streams against {@link StreamsReference}, a minimal topology doing the same two
     * counts with the same guarantee (goal 0.8x), with ConsumerPerformance as its ceiling.
     */
    List<Measurement> statefulEngines() throws Exception {
        Measurement plain = Measurement.of("stream-processing stateful, plain engine", "ConsumerPerformance",
                "records/s", true, Double.NaN).withAbsoluteGoal("none");
        Measurement streams = Measurement.of("stream-processing stateful, Kafka Streams (exactly-once)",
                "Kafka Streams reference (same counts, exactly-once)", "records/s", true, 0.8)
                .withCeiling("ConsumerPerformance");
        String topic = "bench-user-events-" + (++runNumber);
        try (Admin admin = Admin.create(properties())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        Scenarios.check(jvm.run(PRODUCER, List.of("--bootstrap-servers", bootstrapServers, "--topic", topic,
                "-n", String.valueOf(records), "--interval", "0", "--mode", "async",
                "--print-every", String.valueOf(records)), RUN_TIMEOUT));
        for (int round = 0; round < rounds; round++) {
            ChildJvm.Result reference = Scenarios.check(jvm.run("org.apache.kafka.tools.ConsumerPerformance", List.of(
                    "--bootstrap-server", bootstrapServers, "--topic", topic, "--num-records", String.valueOf(records),
                    "--group", "bench-cp-" + (++runNumber)), RUN_TIMEOUT));
            double referenceRate = Scenarios.consumerPerformanceRate(reference);
            plain.references().add(referenceRate);
            streams.ceilings().add(referenceRate);
            // Alternate which Streams program goes first.
            if (round % 2 == 0) {
                streams.references().add(streamsReferenceRate(topic));
                streams.ours().add(engineRate("streams", topic, List.of()));
            } else {
                streams.ours().add(engineRate("streams", topic, List.of()));
                streams.references().add(streamsReferenceRate(topic));
            }
            plain.ours().add(engineRate("plain", topic, List.of()));
        }
        double plainToStreams = plain.oursMedian() / streams.oursMedian();
        String comparison = String.format("no goal against the ceiling; plain engine / Kafka Streams = %.2f (goal: the"
                + " plain engine not slower than Kafka Streams by more than 2x, i.e. >= 0.5): %s; timed from group join"
                + " to the last commit", plainToStreams, plainToStreams >= 0.5 ? "met" : "NOT met");
        if (!streams.meetsGoal()) {
            streams = streams.withNote("under its goal; " + profile("streams", topic));
        }
        return List.of(plain.withNote(comparison), streams);
    }

    /** The Kafka Streams reference on the same topic in a new application, timed like the engines. */
    private double streamsReferenceRate(String topic) throws Exception {
        String id = "bench-streams-ref-" + (++runNumber);
        Path stateDir = Files.createTempDirectory("franz-bench-streams-ref");
        try {
            return timed(id, topic, jvm.start(StreamsReference.class.getName(),
                    List.of(bootstrapServers, topic, id, stateDir.toString())), "Kafka Streams reference");
        } finally {
            try (var paths = Files.walk(stateDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
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
        Process process = jvm.start(jvmArgs, STREAM_PROCESSING, List.of("stateful", "--engine", engine,
                engine.equals("plain") ? "--group" : "--application-id", id,
                "--report-interval", "3600", "--bootstrap-servers", bootstrapServers,
                "--set", "TOPIC_USER_EVENTS=" + topic, "--set", "TOPIC_EVENT_TYPE_COUNTS=" + id + "-counts",
                "--set", "TOPIC_USER_TOTALS=" + id + "-totals"));
        return timed(id, topic, process, engine + " engine");
    }

    /**
     * Times a running program from outside: from the moment its group {@code id} is stable (partitions
     * assigned: JVM start and group join excluded) until its committed offsets reach the end of the
     * topic; then stops it.
     */
    private double timed(String id, String topic, Process process, String what) throws Exception {
        try (Admin admin = Admin.create(properties())) {
            long end = endOffsets(admin, topic);
            long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
            long startedAt = 0;
            long committedAtStart = 0;
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (startedAt == 0 && joined(admin, id)) {
                    startedAt = System.nanoTime();
                    committedAtStart = committed(admin, id);
                }
                if (startedAt != 0 && committed(admin, id) >= end) {
                    double seconds = Math.max(System.nanoTime() - startedAt, TimeUnit.MILLISECONDS.toNanos(50)) / 1e9;
                    return (end - committedAtStart) / seconds;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            throw new IllegalStateException(what + " did not finish " + topic + " (alive: " + process.isAlive() + ")");
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
