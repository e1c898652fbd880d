package dev.franz.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.embedded.TemporaryDirectory;

/**
 * Level 5 as it is: orders placed through the outbox ({@code outbox place --via outbox}, Debezium on a
 * local-connect worker, exactly-once) next to {@code order-producer} writing the same orders to Kafka
 * directly, both measured from outside: from the writer's launch until a {@code read_committed}
 * consumer has every order (orders/s), and per order from its {@code created_at} (set just before its
 * commit or send) until that consumer has it (ms). And how long a fresh worker takes from its launch to
 * the first outbox row on the topic, registering the connector as a learner does.
 */
final class ConnectScenarios {

    private static final String ORDER_SERVICE = "dev.franz.outbox.OrderService";
    private static final String ORDER_PRODUCER = "dev.franz.orderproducer.OrderProducer";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrap;
    private final int orders;
    private final int latencyOrders;
    private final int rounds;
    private ChildJvm jvm;
    /** The password local-postgres made for this run (in its --password-file). */
    private String postgresPassword = "";
    private int runNumber;

    ConnectScenarios(String bootstrap, int orders, int latencyOrders, int rounds, ChildJvm jvm) {
        this.bootstrap = bootstrap;
        this.orders = orders;
        this.latencyOrders = latencyOrders;
        this.rounds = rounds;
        this.jvm = jvm;
    }

    List<Measurement> outboxAgainstOrderProducer() throws Exception {
        Measurement throughput = Measurement.of("outbox: commit -> on orders (Debezium, exactly-once), " + orders
                + " orders", "order-producer -> orders", "orders/s", true, Double.NaN)
                .withAbsoluteGoal("none: what the outbox costs, reported");
        Measurement latency = Measurement.of("outbox: commit -> visible on orders, p99 at ~100 orders/s",
                "order-producer: send -> visible, same rate", "ms", false, Double.NaN)
                .withAbsoluteGoal("none: reported");
        Measurement start = Measurement.of("Connect worker: launch to first outbox record (register included)", "-",
                "s", false, Double.NaN).withAbsoluteGoal("none: reported");
        List<String> notes = new ArrayList<>();
        try (TemporaryDirectory dir = TemporaryDirectory.create("franz-bench-connect")) {
            // As root the server runs as the postgres user, which must reach the folder.
            Files.setPosixFilePermissions(dir.path(), PosixFilePermissions.fromString("rwxr-xr-x"));
            int postgresPort = EmbeddedKafkaBroker.freePort();
            Path passwordFile = dir.path().resolve("pg-password");
            Process postgres = jvm.start("dev.franz.localpostgres.LocalPostgres", List.of("--port",
                    String.valueOf(postgresPort), "--data-dir", dir.path().resolve("pg").toString(),
                    "--password-file", passwordFile.toString()));
            try {
                awaitPostgres(postgresPort, passwordFile);
                // The programs get it as local-postgres's users do, never on their command line.
                jvm = jvm.withEnvironment(Map.of("POSTGRES_PASSWORD", postgresPassword));
                for (int round = 0; round < rounds; round++) {
                    // The reference first in even rounds, the outbox first in odd ones: warm-up favours neither.
                    boolean outboxFirst = round % 2 == 1;
                    if (!outboxFirst) {
                        reference(throughput, latency);
                    }
                    notes.add(outbox(postgresPort, throughput, latency, start));
                    if (outboxFirst) {
                        reference(throughput, latency);
                    }
                }
            } finally {
                postgres.toHandle().destroy();
                postgres.waitFor(15, TimeUnit.SECONDS);
            }
        }
        String note = String.join("; ", notes);
        return List.of(throughput.withNote("from the writer's launch until a read_committed consumer has every order"
                + " (a JVM start in both); " + note), latency.withNote(note), start);
    }

    private void reference(Measurement throughput, Measurement latency) throws Exception {
        String topic = "bench-connect-direct-" + (++runNumber);
        try (Watcher seen = new Watcher(properties(), topic, false)) {
            long startedAt = System.nanoTime();
            Process producer = jvm.start(ORDER_PRODUCER, List.of("--bootstrap-servers", bootstrap, "--set",
                    "TOPIC_ORDERS=" + topic, "--count", String.valueOf(orders), "--interval", "0", "--print-every", "0"));
            seen.await(orders, RUN_TIMEOUT);
            waitFor(producer);
            throughput.references().add(orders / ((seen.lastAtNanos() - startedAt) / 1e9));
        }

        String paced = "bench-connect-direct-paced-" + (++runNumber);
        try (Watcher seen = new Watcher(properties(), paced, false)) {
            Process pacedProducer = jvm.start(ORDER_PRODUCER, List.of("--bootstrap-servers", bootstrap, "--set",
                    "TOPIC_ORDERS=" + paced, "--count", String.valueOf(latencyOrders), "--interval", "0.01",
                    "--print-every", "0"));
            latency.references().add(Level3Scenarios.percentile(seen.await(latencyOrders, RUN_TIMEOUT).latenciesMs(),
                    0.99));
            waitFor(pacedProducer);
        }
    }

    /** One worker's life: launch, first record, a burst, a paced run. Returns what the note says of it. */
    private String outbox(int postgresPort, Measurement throughput, Measurement latency, Measurement start)
            throws Exception {
        int run = ++runNumber;
        String database = "bench_" + run;
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://localhost:" + postgresPort + "/franz",
                "franz", postgresPassword); Statement create = db.createStatement()) {
            create.execute("CREATE DATABASE " + database);
        }
        int workerPort = EmbeddedKafkaBroker.freePort();
        String topic = "bench-connect-outbox-" + run;
        List<String> settings = List.of("--bootstrap-servers", bootstrap, "--set", "POSTGRES_URL=jdbc:postgresql://"
                + "localhost:" + postgresPort + "/" + database, "--set", "CONNECT_URL=http://localhost:" + workerPort,
                "--set", "TOPIC_ORDERS=" + topic);
        run(ORDER_SERVICE, concat(List.of("place", "--via", "outbox", "-n", "1", "--interval", "0"), settings));

        long launchedAt = System.nanoTime();
        Process worker = startWorker(workerPort, "bench-connect-" + run);
        try {
            double readyS = awaitWorker(workerPort, worker);
            try (Watcher first = new Watcher(properties(), topic, false)) {
                run(ORDER_SERVICE, concat(List.of("connectors", "register", "--only", "outbox"), settings));
                first.await(1, RUN_TIMEOUT);
                start.ours().add((first.lastAtNanos() - launchedAt) / 1e9);
            }
            try (Watcher all = new Watcher(properties(), topic, true)) {
                long placedAt = System.nanoTime();
                Process burst = jvm.start(ORDER_SERVICE, concat(List.of("place", "--via", "outbox", "-n",
                        String.valueOf(orders), "--interval", "0", "--print-every", "0"), settings));
                all.await(orders, RUN_TIMEOUT);
                waitFor(burst);
                throughput.ours().add(orders / ((all.lastAtNanos() - placedAt) / 1e9));
            }
            List<Double> pacedLatencies;
            try (Watcher paced = new Watcher(properties(), topic, true)) {
                Process writer = jvm.start(ORDER_SERVICE, concat(List.of("place", "--via", "outbox", "-n",
                        String.valueOf(latencyOrders), "--interval", "0.01", "--print-every", "0"), settings));
                pacedLatencies = paced.await(latencyOrders, RUN_TIMEOUT).latenciesMs();
                waitFor(writer);
            }
            latency.ours().add(Level3Scenarios.percentile(pacedLatencies, 0.99));
            return String.format(Locale.ROOT, "outbox run %d: worker ready in %.1f s, p50 %.0f ms", run, readyS,
                    Level3Scenarios.percentile(pacedLatencies, 0.5));
        } finally {
            worker.toHandle().destroy();
            if (!worker.waitFor(20, TimeUnit.SECONDS)) {
                worker.destroyForcibly();
            }
        }
    }

    private Process startWorker(int port, String group) throws IOException {
        // The worker runs Kafka 4.3.1: its own class path, written by local-connect's build.
        Path root = Path.of(System.getProperty("franz.root", "")).toAbsolutePath();
        // bin/benchmark sets franz.root; the harness's test runs in the module's folder, below the root.
        Path target = java.util.stream.Stream.iterate(root, folder -> folder != null, Path::getParent)
                .filter(folder -> Files.isDirectory(folder.resolve("local-connect"))).findFirst().orElse(root)
                .resolve("local-connect/target");
        String classPath = target.resolve("classes") + java.io.File.pathSeparator
                + Files.readString(target.resolve("worker-classpath.txt")).strip();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classPath, "dev.franz.localconnect.LocalConnect", "--bootstrap-servers", bootstrap,
                "--port", String.valueOf(port), "--group", group, "--stop-with-starter"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** Seconds from now until the REST API lists connectors. */
    private static double awaitWorker(int port, Process worker) throws Exception {
        long startedAt = System.nanoTime();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = startedAt + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && worker.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/connectors")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - startedAt) / 1e9;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The Connect worker did not start (alive: " + worker.isAlive() + ")");
    }

    /** Waits for local-postgres to answer with the password it wrote to {@code passwordFile}. */
    private void awaitPostgres(int port, Path passwordFile) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (postgresPassword.isEmpty() && Files.exists(passwordFile)) {
                    Properties file = new Properties();
                    try (var in = Files.newBufferedReader(passwordFile)) {
                        file.load(in);
                    }
                    postgresPassword = file.getProperty("POSTGRES_PASSWORD", "");
                }
                try (Connection ignored = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/franz",
                        "franz", postgresPassword)) {
                    return;
                }
            } catch (java.sql.SQLException | java.io.IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("local-postgres did not start: " + notYet.getMessage());
                }
                Thread.sleep(200);
            }
        }
    }

    private void run(String mainClass, List<String> args) throws Exception {
        ChildJvm.Result result = jvm.run(mainClass, args, RUN_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(mainClass + " " + args + " failed: " + result.output());
        }
    }

    private static void waitFor(Process process) throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("A writer did not end cleanly");
        }
    }

    private Properties properties() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }


    /**
     * A read_committed consumer of one topic (which may not exist yet), from its beginning or from its
     * end as of now: when its last record arrived, and each one's latency from its order's
     * {@code created_at}, in arrival order. Opened before the writer starts, so that "from the end" is
     * before the writer's first record.
     */
    static final class Watcher implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final String topic;
        private final boolean fromEnd;
        private final List<Double> latencies = new ArrayList<>();
        private boolean assigned;
        private long lastAt;

        Watcher(Properties props, String topic, boolean fromEnd) {
            this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
            this.topic = topic;
            this.fromEnd = fromEnd;
            if (fromEnd) {
                assign(); // the topic exists: fix the end now (seekToEnd is lazy, position() is not)
            }
        }

        private boolean assign() {
            List<TopicPartition> partitions = consumer.listTopics(Duration.ofSeconds(5)).getOrDefault(topic, List.of())
                    .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                return false;
            }
            consumer.assign(partitions);
            if (fromEnd) {
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
            } else {
                consumer.seekToBeginning(partitions);
            }
            assigned = true;
            return true;
        }

        /** Polls until {@code count} records have arrived since this watcher opened. */
        Watcher await(int count, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (latencies.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(latencies.size() + " of " + count + " records on " + topic);
                }
                if (!assigned && !assign()) {
                    Thread.sleep(50);
                    continue;
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    lastAt = System.nanoTime();
                    Instant created = Instant.parse(JSON.readTree(record.value()).path("created_at").asText());
                    latencies.add((double) (now - created.toEpochMilli()));
                }
            }
            return this;
        }

        long lastAtNanos() {
            return lastAt;
        }

        List<Double> latenciesMs() {
            return latencies;
        }

        @Override
        public void close() {
            consumer.close(java.time.Duration.ofSeconds(5));
        }
    }
}
