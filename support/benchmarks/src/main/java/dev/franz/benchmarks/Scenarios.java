package dev.franz.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Level 1: each scenario runs our program, a minimal program doing the same work (the reference),
 * and Kafka's own perf tool (the ceiling: opaque bytes, no JSON) on identical settings against the
 * same broker, rotating which goes first, {@code rounds} times.
 */
final class Scenarios {

    /**
     * ProducerPerformance sends records of this many bytes: about the size of basic-producer's JSON
     * events (key and value, 8 users, measured: 113 bytes on average), so both move the same bytes.
     */
    static final int RECORD_SIZE = 113;
    private static final int PARTITIONS = 3;
    private static final int KEYS = 8;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    private static final String PRODUCER = "dev.franz.basicproducer.BasicProducer";
    private static final String CONSUMER = "dev.franz.basicconsumer.BasicConsumer";
    private static final Pattern PERF_PRODUCER = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");

    private final String bootstrapServers;
    private final long records;
    private final int rounds;
    private final ChildJvm jvm;
    private final boolean warmUp;
    private int topicNumber;
    private String consumerTopic;

    /** @param warmUp run one uncounted pair before the measured rounds of each scenario */
    Scenarios(String bootstrapServers, long records, int rounds, ChildJvm jvm, boolean warmUp) {
        this.bootstrapServers = bootstrapServers;
        this.records = records;
        this.rounds = rounds;
        this.jvm = jvm;
        this.warmUp = warmUp;
    }

    /** Who runs in a round: our program, the reference doing the same work, or Kafka's own tool. */
    private enum Runner { OURS, REFERENCE, CEILING }

    /** Each round runs all three, starting with a different one, so that warm-up favours none. */
    private static List<Runner> order(int round) {
        List<Runner> runners = new ArrayList<>(List.of(Runner.values()));
        Collections.rotate(runners, round);
        return runners;
    }

    /**
     * basic-producer against a minimal producer of the same JSON events with the same settings (goal
     * 0.9x: the lesson's printing, callbacks and summary cost at most 10%), and against
     * ProducerPerformance, which sends opaque bytes of the same size: the ceiling.
     */
    Measurement producer(String acks, String compression) throws Exception {
        Measurement m = Measurement.of("basic-producer, acks=" + acks + ", compression " + compression,
                "JSON reference producer", "records/s", true, 0.9).withCeiling("ProducerPerformance");
        for (int round = 0; round < rounds; round++) {
            if (round == 0 && warmUp) {
                // A first set warms the broker (JIT, page cache, log segments) for all: not counted.
                Measurement warmUpRuns = Measurement.of("warm-up", "", "", true, 0);
                for (Runner runner : Runner.values()) {
                    producerRun(acks, compression, runner, warmUpRuns);
                }
            }
            for (Runner runner : order(round)) {
                producerRun(acks, compression, runner, m);
            }
        }
        return m;
    }

    private void producerRun(String acks, String compression, Runner runner, Measurement m) throws Exception {
        String topic = newTopic("bench-produce");
        switch (runner) {
            case OURS -> {
                Summary summary = Summary.run(jvm, PRODUCER, producerArgs(topic, acks, compression), RUN_TIMEOUT);
                m.ours().add(summary.perSecond());
                m.oursRssMb().add(summary.result().peakRssMb());
            }
            case REFERENCE -> {
                Summary summary = Summary.runWithFile(jvm, JsonReferenceProducer.class.getName(), List.of(bootstrapServers,
                        topic, String.valueOf(records), acks, compression, String.valueOf(KEYS)), RUN_TIMEOUT);
                m.references().add(summary.perSecond());
                m.referenceRssMb().add(summary.result().peakRssMb());
            }
            case CEILING -> {
                ChildJvm.Result result = jvm.run("org.apache.kafka.tools.ProducerPerformance", List.of(
                        "--bootstrap-server", bootstrapServers, "--topic", topic,
                        "--num-records", String.valueOf(records), "--record-size", String.valueOf(RECORD_SIZE),
                        "--record-key-range", String.valueOf(KEYS), "--key-distribution", "random", "--throughput", "-1",
                        "--command-property", "acks=" + acks, "linger.ms=5", "batch.size=65536",
                        "compression.type=" + compression), RUN_TIMEOUT);
                m.ceilings().add(Double.parseDouble(find(result, PERF_PRODUCER).group(2)));
            }
        }
        deleteTopic(topic);
    }

    /**
     * basic-consumer against a minimal consumer of the same JSON events (goal 0.9x) and
     * ConsumerPerformance (the ceiling), each reading the same topic in a new group.
     */
    Measurement consumer() throws Exception {
        Measurement m = Measurement.of("basic-consumer", "JSON reference consumer", "records/s", true, 0.9)
                .withCeiling("ConsumerPerformance");
        String topic = newTopic("bench-consume");
        consumerTopic = topic;
        ChildJvm.Result fill = jvm.run(PRODUCER, List.of("--bootstrap-servers",
                bootstrapServers, "--topic", topic, "-n", String.valueOf(records), "--interval", "0", "--mode", "async",
                "--print-every", "0"), RUN_TIMEOUT);
        check(fill);
        for (int round = 0; round < rounds; round++) {
            if (round == 0 && warmUp) {
                Measurement warmUpRuns = Measurement.of("warm-up", "", "", true, 0);
                for (Runner runner : Runner.values()) {
                    consumerRun(topic, runner, warmUpRuns);
                }
            }
            for (Runner runner : order(round)) {
                consumerRun(topic, runner, m);
            }
        }
        return m;
    }

    private void consumerRun(String topic, Runner runner, Measurement m) throws Exception {
        String group = "bench-group-" + (++topicNumber);
        switch (runner) {
            case OURS -> {
                Summary summary = Summary.run(jvm, CONSUMER, consumerArgs(topic, group), RUN_TIMEOUT);
                m.ours().add(summary.perSecond());
                m.oursRssMb().add(summary.result().peakRssMb());
            }
            case REFERENCE -> {
                Summary summary = Summary.runWithFile(jvm, JsonReferenceConsumer.class.getName(), List.of(bootstrapServers,
                        topic, group, String.valueOf(records)), RUN_TIMEOUT);
                m.references().add(summary.perSecond());
                m.referenceRssMb().add(summary.result().peakRssMb());
            }
            case CEILING -> {
                ChildJvm.Result result = jvm.run("org.apache.kafka.tools.ConsumerPerformance", List.of(
                        "--bootstrap-server", bootstrapServers, "--topic", topic,
                        "--num-records", String.valueOf(records), "--group", group,
                        "--command-property", "group.protocol=consumer"), RUN_TIMEOUT);
                m.ceilings().add(consumerPerformanceRate(result));
            }
        }
    }

    private List<String> producerArgs(String topic, String acks, String compression) {
        return List.of("--bootstrap-servers", bootstrapServers, "--topic", topic, "-n", String.valueOf(records),
                "--interval", "0", "--mode", "async",
                "--users", String.valueOf(KEYS), "--acks", acks, "--compression", compression,
                "--linger-ms", "5", "--batch-size", "65536", "--print-every", "0");
    }

    private List<String> consumerArgs(String topic, String group) {
        return List.of(topic, group, "--bootstrap-servers", bootstrapServers, "--max-messages", String.valueOf(records),
                "--print-every", "0");
    }

    /** Where our producer's time goes, for a scenario under its goal. */
    String profileProducer(String acks, String compression) throws Exception {
        String topic = newTopic("bench-profile");
        try {
            return Profile.of(jvm, PRODUCER, producerArgs(topic, acks, compression));
        } finally {
            deleteTopic(topic);
        }
    }

    /** Where our consumer's time goes, reading the consumer scenario's topic again in a new group. */
    String profileConsumer() throws Exception {
        return Profile.of(jvm, CONSUMER, consumerArgs(consumerTopic, "bench-profile-" + (++topicNumber)));
    }


    /** ConsumerPerformance prints a CSV header and one row; nMsg.sec is the sixth column. */
    static double consumerPerformanceRate(ChildJvm.Result result) {
        check(result);
        List<String> lines = result.output().lines().toList();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).startsWith("start.time")) {
                return Double.parseDouble(lines.get(i + 1).split(",\\s*")[5]);
            }
        }
        throw new IllegalStateException("No result in ConsumerPerformance's output:\n" + result.output());
    }

    private static Matcher find(ChildJvm.Result result, Pattern pattern) {
        check(result);
        Matcher matcher = pattern.matcher(result.output());
        if (!matcher.find()) {
            throw new IllegalStateException("No result matching " + pattern + " in:\n" + result.output());
        }
        return matcher;
    }

    /** Fails the benchmark with the program's output if it did not exit 0. */
    static ChildJvm.Result check(ChildJvm.Result result) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException("A benchmark run failed (exit " + result.exitCode() + "):\n" + result.output());
        }
        return result;
    }

    private String newTopic(String prefix) throws Exception {
        String topic = prefix + "-" + (++topicNumber);
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        return topic;
    }

    /** Each 1M-record run writes about 200 MB: delete as we go. */
    void deleteTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            admin.deleteTopics(List.of(topic)).all().get();
        }
    }

    private Properties adminProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }
}
