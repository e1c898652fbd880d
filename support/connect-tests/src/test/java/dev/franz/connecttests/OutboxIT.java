package dev.franz.connecttests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.common.cli.Cli;
import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.localpostgres.LocalPostgres;
import dev.franz.outbox.OrderService;
import dev.franz.paymentservice.PaymentService;
import dev.franz.testing.CommittedRecords;
import dev.franz.testing.BadRecords;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestProcesses;

/**
 * Level 5 on real parts: the test broker, a PostgreSQL started by local-postgres, and a Connect worker
 * started by local-connect in a JVM of its own (its class path has Kafka 4.3.1). One of each for the
 * class; each test has its own database, topics and connectors. The tests run one after the other:
 * one kills the worker, another stops the database.
 */
class OutboxIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    @TempDir
    static Path tmp;

    static int postgresPort;
    static TestProcesses postgres;
    /** The password local-postgres made for this class's server. */
    static String postgresPassword;
    static int workerPort;
    static String workerGroup;
    static TestProcesses worker;

    @BeforeAll
    static void startPostgresAndWorker() throws Exception {
        // As root (CI), the server runs as the postgres user, which must reach the folder: JUnit's is closed.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        postgresPort = EmbeddedKafkaBroker.freePort();
        workerPort = EmbeddedKafkaBroker.freePort();
        workerGroup = TestNames.unique("connect");
        // Both start at once: the worker needs only Kafka until a test registers a connector.
        TestProcesses startingPostgres = launchPostgres();
        TestProcesses startingWorker = launchWorker();
        postgres = running(startingPostgres, "PostgreSQL", Duration.ofSeconds(60), "local-postgres");
        Properties passwordFile = new Properties();
        try (var in = Files.newBufferedReader(tmp.resolve("postgres-password"))) {
            passwordFile.load(in);
        }
        postgresPassword = passwordFile.getProperty("POSTGRES_PASSWORD");
        worker = running(startingWorker, "the Connect worker", Duration.ofSeconds(90), "local-connect");
    }

    @AfterAll
    static void stopThem() {
        Stream.of(worker, postgres).filter(p -> p != null).forEach(p -> p.process().toHandle().destroy());
        Stream.of(worker, postgres).filter(p -> p != null).forEach(p -> {
            try {
                if (!p.process().waitFor(15, TimeUnit.SECONDS)) {
                    p.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void theWorkerAnswersOnlyRequestsMeantForThisMachineAndNoConnectorOverridesItsClients() throws Exception {
        String local = "localhost:" + workerPort;
        assertThat(answer("GET", "/connectors", local, null, null)).startsWith("HTTP/1.1 200 OK");
        assertThat(answer("GET", "/connectors", "127.0.0.1:" + workerPort, null, null)).startsWith("HTTP/1.1 200 OK");
        // DNS rebinding: a page of attacker.example reading the worker under its own name.
        assertThat(answer("GET", "/connectors", "attacker.example:" + workerPort, null, null))
                .startsWith("HTTP/1.1 403 Forbidden").contains("\"error_code\":403", "is not this machine");
        // curl -X POST -H 'Origin: http://evil.example' localhost:8083/connectors/NAME/restart?includeTasks=true
        assertThat(answer("POST", "/connectors/payments-to-postgres/restart?includeTasks=true", local,
                "http://evil.example", null)).startsWith("HTTP/1.1 403 Forbidden")
                .contains("a request sent by a page from another site (Origin http://evil.example)");
        // connector.client.config.override.policy=None: a connector's settings cannot change its clients.
        String withOverride = "{\"connector.class\":\"dev.franz.paymentssink.PaymentsSinkConnector\",\"topics\":\""
                + TestNames.unique("override") + "\",\"consumer.override.isolation.level\":\"read_uncommitted\"}";
        assertThat(answer("PUT", "/connectors/" + TestNames.unique("override") + "/config", local, null, withOverride))
                .startsWith("HTTP/1.1 400 Bad Request").contains("'None' policy does not allow");
    }

    /** The worker's whole answer to a request with these headers: raw HTTP, as HttpClient fixes the Host. */
    private static String answer(String method, String path, String host, String origin, String json) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", workerPort)) {
            socket.setSoTimeout(30_000);
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n")
                    + (json == null ? "" : "Content-Type: application/json\r\n")
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theDualWriteLosesTheOrderItCrashedOnAndCheckNamesIt() throws Exception {
        Settings s = new Settings("dual");
        TestProcesses place = TestProcesses.java(OrderService.class, s.args("place", "--via", "dual-write", "-n", "5",
                "--interval", "0", "--crash-after", "3"));
        assertThat(place.process().waitFor(60, TimeUnit.SECONDS)).as("place ended: %s", place.lines()).isTrue();
        assertThat(place.process().exitValue()).as("halted as by kill -9: %s", place.lines()).isEqualTo(137);
        String crashed = place.lines().stream().filter(l -> l.startsWith("CRASH right after order 3 (")).findFirst()
                .orElseThrow(() -> new AssertionError("no crash line: " + place.lines()))
                .replaceAll(".*\\((ord-[0-9a-f]+)\\).*", "$1");

        assertThat(s.query("SELECT order_id FROM orders")).hasSize(3).contains(crashed);
        List<String> onTopic = s.orderIdsOnTopic();
        assertThat(onTopic).hasSize(2).doesNotContain(crashed);
        Run check = run(s.args("check"));
        assertThat(check.exitCode()).isEqualTo(1);
        assertThat(check.output()).contains("never on " + s.orders + ": 1 [" + crashed + "]");
    }

    @Test
    void theOutboxDeliversEveryCommittedOrderExactlyOnceAcrossAKilledWorkerAndACrashedService() throws Exception {
        Settings s = new Settings("outbox");
        Run register = run(s.args("connectors", "register", "--only", "outbox"));
        assertThat(register.exitCode()).as(register.output()).isZero();
        assertThat(register.output()).contains(s.orders + "-outbox: created", "task 0  RUNNING").doesNotContain("FAILED");

        // The order service crashes after its 120th commit; the worker is killed while it publishes.
        TestProcesses place = TestProcesses.java(OrderService.class, s.args("place", "--via", "outbox", "-n", "150",
                "--interval", "0.02", "--crash-after", "120", "--print-every", "0"));
        await("some orders published").atMost(Duration.ofSeconds(60)).until(() -> s.orderIdsOnTopic().size() >= 20);
        worker.process().destroyForcibly().waitFor(); // kill -9: no task stops, no offset is flushed
        assertThat(place.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(place.process().exitValue()).as("crashed: %s", place.lines()).isEqualTo(137);
        worker = startWorker(); // the same Connect cluster: it finds its connectors and their offsets in Kafka

        await("every committed order on the topic").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> s.orderIdsOnTopic().size() >= 120);
        List<String> onTopic = s.orderIdsOnTopic();
        assertThat(onTopic).as("each committed order exactly once").hasSize(120).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(s.query("SELECT order_id FROM orders"));
        Run check = run(s.args("check"));
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("120 orders in the database, 120 distinct order ids on " + s.orders);

        // A malformed outbox row (an order without items or amount) is published like any other: payment-service
        // sends it to its dead-letter topic with the reason, and pays the rest.
        s.execute("INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) VALUES (gen_random_uuid(),"
                + " 'order', 'ord-malformed', 'OrderPlaced', '{\"order_id\": \"ord-malformed\", \"items\": \"none\"}')");
        await("the malformed row published").atMost(Duration.ofSeconds(30))
                .until(() -> s.orderIdsOnTopic().contains("ord-malformed"));

        // Level 3's payment-service, unchanged, pays orders that came from a database; the sink writes the results.
        // (Registered now, not before the kill: a sink on a killed worker holds its partitions in its consumer
        // group until the group's session timeout, 45 s, has passed.)
        Run sink = run(s.args("connectors", "register", "--only", "payments-sink"));
        assertThat(sink.exitCode()).as(sink.output()).isZero();
        assertThat(sink.output()).contains(s.payments + "-to-postgres: created", "task 0  RUNNING");
        TestProcesses payments = TestProcesses.java(PaymentService.class, s.args("--group", TestNames.unique("pay"),
                "--idle-timeout", "4", "--failure-rate", "0", "--latency-ms", "0"));
        assertThat(payments.process().waitFor(90, TimeUnit.SECONDS)).as("payment-service: %s", payments.lines()).isTrue();
        assertThat(payments.process().exitValue()).as("payment-service: %s", payments.lines()).isZero();
        List<ConsumerRecord<String, String>> results = CommittedRecords.readAll(kafka.clientProperties(), s.payments,
                new StringDeserializer(), new StringDeserializer(), Duration.ofSeconds(30));
        assertThat(results).hasSize(120).extracting(ConsumerRecord::key).doesNotContain("ord-malformed");
        List<ConsumerRecord<String, String>> deadLetters = CommittedRecords.readAll(kafka.clientProperties(),
                s.orders + ".DLT", new StringDeserializer(), new StringDeserializer(), Duration.ofSeconds(30));
        assertThat(deadLetters).extracting(ConsumerRecord::key).containsExactly("ord-malformed");
        assertThat(header(deadLetters.get(0), "dlt.reason")).isNotBlank();
        await("one row per payment").atMost(Duration.ofSeconds(60))
                .until(() -> s.query("SELECT order_id FROM payments").size() == 120);
        assertThat(s.query("SELECT order_id FROM payments"))
                .containsExactlyInAnyOrderElementsOf(results.stream().map(ConsumerRecord::key).toList());

        for (String name : List.of(s.orders + "-outbox", s.payments + "-to-postgres")) {
            assertThat(run(s.args("connectors", "delete", name)).exitCode()).isZero();
        }
    }

    @Test
    void theSinkWritesOneRowPerPaymentSendsBadRecordsToTheDeadLetterTopicAndWaitsOutTheDatabase() throws Exception {
        Settings s = new Settings("sink");
        Run register = run(s.args("connectors", "register", "--only", "payments-sink"));
        assertThat(register.exitCode()).as(register.output()).isZero();
        String sink = s.payments + "-to-postgres";

        List<String> bad = List.of("not json at all", "{\"order_id\":\"ord-bad1\",\"status\":\"lost\",\"amount\":1,"
                + "\"currency\":\"EUR\"}", "{\"status\":\"approved\",\"amount\":2,\"currency\":\"EUR\"}");
        // And the course's corpus: a value of 1 MB among them, whose dead letter (it and Connect's error headers)
        // is over the 1 MiB limit; its good record with markup in its headers is a payment like the others.
        List<BadRecords.BadRecord> corpus = BadRecords.corpus(payment("ord-markup"), number -> payment("ord-number")
                .replace("\"amount\":12.50", "\"amount\":" + number));
        long corpusBad = corpus.stream().filter(record -> !record.expectProcessed()).count();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new StringSerializer());
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(s.payments, "ord-" + i, payment("ord-" + i))).get();
                if (i < bad.size()) {
                    producer.send(new ProducerRecord<>(s.payments, "bad-" + i, bad.get(i))).get();
                }
                if (i == 5) {
                    for (BadRecords.BadRecord record : corpus) {
                        raw.send(new ProducerRecord<>(s.payments, null, "corpus", record.value(), record.headers())).get();
                    }
                }
            }
        }
        await("eleven rows").atMost(Duration.ofSeconds(60)).until(() -> s.query("SELECT order_id FROM payments").size() == 11);
        int deadLetters = (int) (bad.size() + corpusBad);
        await("a dead letter per bad record").atMost(Duration.ofSeconds(30)).until(() -> s.deadLetters().size() == deadLetters);
        assertThat(s.deadLetters()).extracting(r -> header(r, "__connect.errors.exception.message")).contains(
                "Converting byte[] to Kafka Connect data failed due to serialization error: ",
                "status: 'lost' is neither approved nor declined", "order_id: missing", "not a JSON object: no value");
        List<String> rows = s.query("SELECT order_id || ' ' || status || ' ' || amount || ' ' || kafka_offset"
                + " FROM payments ORDER BY order_id");

        // A replay: the sink reads the whole topic again. Every upsert finds its row as it is: nothing changes.
        int linesBefore = worker.lines().size();
        Run reset = run(s.args("connectors", "reset-offsets", sink));
        assertThat(reset.exitCode()).as(reset.output()).isZero();
        await("the replay reached the bad records again").atMost(Duration.ofSeconds(60))
                .until(() -> s.deadLetters().size() == 2 * deadLetters);
        assertThat(s.query("SELECT order_id || ' ' || status || ' ' || amount || ' ' || kafka_offset"
                + " FROM payments ORDER BY order_id")).isEqualTo(rows);
        // The task's own count, summed over the batches of the replay: ten unchanged, none written.
        await("the task counted the replay").atMost(Duration.ofSeconds(30)).until(() -> replayed(linesBefore, "unchanged") == 11);
        assertThat(replayed(linesBefore, "row(s) written")).isZero();

        // The database goes away: the task keeps running and retries; the database comes back: it catches up.
        postgres.process().toHandle().destroy();
        assertThat(postgres.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 10; i < 15; i++) {
                producer.send(new ProducerRecord<>(s.payments, "ord-" + i, payment("ord-" + i))).get();
            }
        }
        await("the sink noticed").atMost(Duration.ofSeconds(30))
                .until(() -> worker.lines().stream().anyMatch(l -> l.contains("payments-sink: cannot write to")));
        List<String> status = run(s.args("connectors", "status")).output().lines().toList();
        int line = status.indexOf(status.stream().filter(l -> l.startsWith(sink)).findFirst().orElseThrow());
        assertThat(status.get(line)).contains("connector RUNNING");
        assertThat(status.get(line + 1)).as("the task waits for the database").contains("task 0  RUNNING");
        postgres = running(launchPostgres(), "PostgreSQL", Duration.ofSeconds(60), "local-postgres");
        await("caught up").atMost(Duration.ofSeconds(60)).until(() -> s.query("SELECT order_id FROM payments").size() == 16);
        assertThat(run(s.args("connectors", "delete", sink)).exitCode()).isZero();
    }

    /** The sum of the sink's "N WHAT" counts in the worker's lines since {@code from}. */
    private static int replayed(int from, String what) {
        java.util.regex.Pattern count = java.util.regex.Pattern.compile("(\\d+) " + java.util.regex.Pattern.quote(what));
        List<String> lines = worker.lines();
        return lines.subList(from, lines.size()).stream().filter(l -> l.contains("payments-sink: "))
                .map(count::matcher).filter(java.util.regex.Matcher::find).mapToInt(m -> Integer.parseInt(m.group(1))).sum();
    }

    private static String payment(String orderId) {
        return "{\"order_id\":\"" + orderId + "\",\"customer_id\":\"cust-1\",\"status\":\"approved\",\"reason\":null,"
                + "\"amount\":12.50,\"currency\":\"EUR\",\"processed_at\":\"2026-12-03T08:00:00Z\"}";
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** A test's own database, topics and connector names, and the arguments that point the lesson at them. */
    static final class Settings {
        final String database;
        final String orders;
        final String payments;
        private final List<String> settings = new ArrayList<>();

        Settings(String name) throws SQLException {
            database = TestNames.unique(name).replace('-', '_').toLowerCase();
            orders = TestNames.unique("orders");
            payments = TestNames.unique("payments");
            try (Connection db = DriverManager.getConnection(url("franz"), "franz", postgresPassword);
                 Statement create = db.createStatement()) {
                create.execute("CREATE DATABASE " + database);
            }
            settings.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--set", "POSTGRES_URL=" + url(database),
                    "--set", "POSTGRES_PASSWORD=" + postgresPassword,
                    "--set", "CONNECT_URL=http://localhost:" + workerPort, "--set", "TOPIC_ORDERS=" + orders,
                    "--set", "TOPIC_PAYMENTS=" + payments, "--set", "TOPIC_ORDERS_DLT=" + orders + ".DLT"));
        }

        String[] args(String... command) {
            List<String> all = new ArrayList<>(List.of(command));
            all.addAll(settings);
            return all.toArray(String[]::new);
        }

        void execute(String sql) throws SQLException {
            try (Connection db = DriverManager.getConnection(url(database), "franz", postgresPassword);
                 Statement statement = db.createStatement()) {
                statement.execute(sql);
            }
        }

        List<String> query(String sql) throws SQLException {
            List<String> values = new ArrayList<>();
            try (Connection db = DriverManager.getConnection(url(database), "franz", postgresPassword);
                 Statement query = db.createStatement(); ResultSet rows = query.executeQuery(sql)) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            } catch (SQLException e) {
                if ("42P01".equals(e.getSQLState())) {
                    return values; // the sink has not created its table yet
                }
                throw e;
            }
            return values;
        }

        List<String> orderIdsOnTopic() {
            return CommittedRecords.readAll(kafka.clientProperties(), orders, new StringDeserializer(),
                    new StringDeserializer(), Duration.ofSeconds(30)).stream().map(ConsumerRecord::key).toList();
        }

        List<ConsumerRecord<String, String>> deadLetters() {
            return CommittedRecords.readAll(kafka.clientProperties(), payments + ".DLT", new StringDeserializer(),
                    new StringDeserializer(), Duration.ofSeconds(30));
        }
    }

    record Run(int exitCode, String output) {
    }

    /** The outbox lesson in this JVM, its output caught (the tests run one at a time). */
    private static Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream caught = new ByteArrayOutputStream();
        System.setOut(new PrintStream(caught, true, StandardCharsets.UTF_8));
        try {
            int exitCode = Cli.run(new OrderService(), args);
            return new Run(exitCode, caught.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
            System.out.print(caught.toString(StandardCharsets.UTF_8));
        }
    }

    private static String url(String database) {
        return "jdbc:postgresql://localhost:" + postgresPort + "/" + database;
    }

    private static TestProcesses launchPostgres() throws IOException {
        return TestProcesses.java(LocalPostgres.class, "--port", String.valueOf(postgresPort),
                "--data-dir", tmp.resolve("postgres").toString(), "--password-file",
                tmp.resolve("postgres-password").toString());
    }

    private static TestProcesses startWorker() throws IOException {
        return running(launchWorker(), "the Connect worker", Duration.ofSeconds(90), "local-connect");
    }

    private static TestProcesses launchWorker() throws IOException {
        Path target = Path.of("../..", "local-connect", "target").toAbsolutePath().normalize();
        String classPath = target.resolve("classes") + java.io.File.pathSeparator
                + Files.readString(target.resolve("worker-classpath.txt")).strip();
        return TestProcesses.java(classPath, List.of(), "dev.franz.localconnect.LocalConnect",
                "--bootstrap-servers", kafka.bootstrapServers(), "--port", String.valueOf(workerPort),
                "--group", workerGroup, "--stop-with-starter");
    }

    /** {@code started} once it says it is running; it must not have ended before. */
    private static TestProcesses running(TestProcesses started, String what, Duration within, String program) {
        await(what).atMost(within).until(() -> started.printed("is running") || !started.process().isAlive());
        assertThat(started.process().isAlive()).as("%s: %s", program, started.lines()).isTrue();
        return started;
    }

}
