package dev.franz.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How long a learner waits, from Enter to the first result, for four lesson commands, each started
 * as a learner starts it: with the README's Maven command, and with {@code bin/run}. The first three
 * end by themselves once they have their result (the first acknowledged record, the first record
 * read, one order placed): timed to their exit. payment-service runs until stopped: timed until its
 * group has it as a member with partitions (read with the Admin API), then stopped.
 */
final class LessonStartup {

    private static final Duration GIVE_UP = Duration.ofMinutes(2);

    /** How the command is started: the README's Maven command, or bin/run (cached class path, CDS). */
    enum Launcher { MAVEN, FAST }

    private final String bootstrapServers;
    private final Path root;
    private final int rounds;
    private int runNumber;

    LessonStartup(String bootstrapServers, Path root, int rounds) {
        this.bootstrapServers = bootstrapServers;
        this.root = root;
        this.rounds = rounds;
    }

    List<Measurement> measure() throws Exception {
        List<Measurement> results = new ArrayList<>();
        for (Launcher launcher : Launcher.values()) {
            String how = launcher == Launcher.MAVEN ? "./mvnw -q compile exec:java" : "bin/run";
            String goal = launcher == Launcher.MAVEN ? "<= 2.0 s" : "<= 0.8 s";
            Measurement producer = Measurement.of("basic-producer -n 1: Enter to acknowledged and exited (" + how + ")",
                    "", "s", false, Double.NaN).withAbsoluteGoal(goal);
            Measurement consumer = Measurement.of("basic-consumer: Enter to first record read and exited (" + how + ")",
                    "", "s", false, Double.NaN).withAbsoluteGoal(goal);
            Measurement orders = Measurement.of("order-producer 1: Enter to one order placed and exited (" + how + ")",
                    "", "s", false, Double.NaN).withAbsoluteGoal(goal);
            Measurement payment = Measurement.of("payment-service: Enter to ready to read (" + how + ")",
                    "", "s", false, Double.NaN).withAbsoluteGoal(goal);
            // One uncounted run of each first: it compiles, fills the page cache and, for bin/run,
            // writes the class path and the class-data archive, as a learner's first run does.
            for (int round = -1; round < rounds; round++) {
                record(producer, round, toExit(launcher, "basic-producer", List.of("-n", "1", "--interval", "0",
                        "--print-every", "0", "--topic", topicWithOneRecord(false))));
                record(consumer, round, toExit(launcher, "basic-consumer", List.of(topicWithOneRecord(true),
                        "startup-readers-" + (++runNumber), "--max-messages", "1")));
                record(orders, round, toExit(launcher, "order-producer", List.of("--count", "1", "--interval", "0", "--set",
                        "TOPIC_ORDERS=" + newTopic("startup-orders"))));
                record(payment, round, toReady(launcher));
            }
            results.addAll(List.of(producer, consumer, orders, payment));
        }
        return results.stream().map(m -> m.withNote(m.scenario().contains("payment-service")
                ? "ready: its group has it as a member with partitions (Admin API, polled every 20 ms); classic"
                        + " group protocol with static membership"
                : "to the process's exit, which comes right after its result")).toList();
    }

    private static void record(Measurement m, int round, double seconds) {
        if (round >= 0) {
            m.ours().add(seconds);
        }
    }

    private double toExit(Launcher launcher, String module, List<String> args) throws Exception {
        Process process = start(launcher, module, args);
        long startedAt = System.nanoTime();
        if (!process.waitFor(GIVE_UP.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(module + " did not finish: " + command(launcher, module, args));
        }
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        if (process.exitValue() != 0) {
            throw new IllegalStateException(module + " exited with " + process.exitValue() + ": "
                    + command(launcher, module, args));
        }
        return seconds;
    }

    private double toReady(Launcher launcher) throws Exception {
        int run = ++runNumber;
        String group = "startup-pay-" + run;
        List<String> args = List.of("--group", group, "--instance", String.valueOf(run), "--print-every", "0",
                "--set", "TOPIC_ORDERS=" + newTopic("startup-pay-orders"),
                "--set", "TOPIC_PAYMENTS=startup-payments-" + run, "--set", "TOPIC_ORDERS_DLT=startup-dlt-" + run);
        Process process = start(launcher, "payment-service", args);
        long startedAt = System.nanoTime();
        try (Admin admin = Admin.create(properties())) {
            while (System.nanoTime() - startedAt < GIVE_UP.toNanos() && process.isAlive()) {
                if (hasPartitions(admin, group)) {
                    return (System.nanoTime() - startedAt) / 1e9;
                }
                TimeUnit.MILLISECONDS.sleep(20); // polling the group's state, not waiting for Kafka's work
            }
            throw new IllegalStateException("payment-service did not join its group: " + command(launcher,
                    "payment-service", args));
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static boolean hasPartitions(Admin admin, String group) throws Exception {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return description.groupState() == GroupState.STABLE && description.members().stream()
                    .anyMatch(member -> !member.assignment().topicPartitions().isEmpty());
        } catch (ExecutionException notYet) {
            return false;
        }
    }

    /** Starts the command in the repository, as typed at a prompt; its output is discarded. */
    private Process start(Launcher launcher, String module, List<String> args) throws Exception {
        Path log = Files.createTempFile("franz-startup", ".log");
        log.toFile().deleteOnExit();
        return new ProcessBuilder(command(launcher, module, args)).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    private List<String> command(Launcher launcher, String module, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--bootstrap-servers", bootstrapServers));
        if (launcher == Launcher.FAST) {
            List<String> command = new ArrayList<>(List.of(root.resolve("bin/run").toString(), module));
            command.addAll(all);
            return command;
        }
        return List.of(root.resolve("mvnw").toString(), "-q", "compile", "exec:java", "-pl", module,
                "-Dexec.args=" + String.join(" ", all));
    }

    private String topicWithOneRecord(boolean withRecord) throws Exception {
        String topic = newTopic("startup-events");
        if (withRecord) {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties(), new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, "user-1", "{\"user_id\":\"user-1\",\"event_type\":\"click\","
                        + "\"timestamp\":\"2026-12-01T00:00:00Z\",\"attributes\":{}}")).get();
            }
        }
        return topic;
    }

    private String newTopic(String prefix) throws Exception {
        String topic = prefix + "-" + (++runNumber);
        try (Admin admin = Admin.create(properties())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        return topic;
    }

    private Properties properties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }
}
