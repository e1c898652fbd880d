package dev.franz.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.adminclient.AdminLesson;
import dev.franz.basicconsumer.BasicConsumer;
import dev.franz.common.cli.Cli;
import dev.franz.common.config.FranzConfig;
import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.embedded.LocalSecurity;
import dev.franz.notificationservice.NotificationService;
import dev.franz.orderproducer.OrderProducer;
import dev.franz.paymentservice.PaymentService;
import dev.franz.testing.CommittedRecords;
import dev.franz.testing.TestProcesses;

/**
 * Level 3 on a secured broker (local-kafka --secure's: TLS, SCRAM, ACLs with deny by default): each
 * service as its own user with only the ACLs {@code admin-client acls level-3} gives it, exactly once;
 * and each refusal a learner meets, as the one line the program prints. The services run in JVMs of
 * their own, as a learner starts them; the admin commands in this one.
 */
class SecureFlowIT {

    private static final int ORDERS = 30;
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path dataDir;

    static EmbeddedKafkaBroker broker;
    static LocalSecurity security;

    @BeforeAll
    static void startSecuredBrokerAndGrantLevelThree() {
        broker = EmbeddedKafkaBroker.startSecureOnFreePorts(dataDir.resolve("kafka"), java.util.Map.of());
        security = broker.security().orElseThrow();
        Run levelThree = admin("acls", "level-3");
        assertThat(levelThree.exitCode()).as(levelThree.err()).isZero();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theLevelThreeFlowRunsExactlyOnceWithEachServiceAsItsOwnLeastPrivilegedUser() throws Exception {
        TestProcesses producer = program("order-producer", OrderProducer.class, "--count", String.valueOf(ORDERS),
                "--interval", "0");
        TestProcesses payments = program("payment-service", PaymentService.class, "--max-messages",
                String.valueOf(ORDERS), "--latency-ms", "1");
        TestProcesses notifications = program("notification-service", NotificationService.class,
                "--max-messages", String.valueOf(2 * ORDERS));
        for (TestProcesses service : List.of(producer, payments, notifications)) {
            assertThat(service.process().waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("still running: %s", service.lines()).isTrue();
            assertThat(service.process().exitValue()).as("%s", service.lines()).isZero();
        }

        Properties asAdmin = clientProperties(LocalSecurity.ADMIN_USER);
        List<String> orderIds = read(asAdmin, "orders").stream().map(ConsumerRecord::key).toList();
        List<String> paid = read(asAdmin, "payments").stream().map(ConsumerRecord::key).toList();
        assertThat(orderIds).hasSize(ORDERS).doesNotHaveDuplicates();
        assertThat(paid).containsExactlyInAnyOrderElementsOf(orderIds);
        assertThat(read(asAdmin, "notifications")).hasSize(2 * ORDERS);
    }

    @Test
    void aUserWithoutAnyAclSeesNothingOfOrdersAndMayCreateNothing() throws Exception {
        Run topics = adminAs(security.clientConfig("guest"), broker.bootstrapServers(), "topics", "list");
        assertThat(topics.exitCode()).as(topics.err()).isZero();
        assertThat(topics.out()).isEqualTo("No topics that User:guest may see (a secured cluster lists only the topics an"
                + " ACL lets the user use).\n");

        TestProcesses producer = program("guest", OrderProducer.class, "--count", "1");
        assertThat(lastLine(producer)).isEqualTo("Kafka refused User:guest CREATE on topic orders: no ACL allows it,"
                + " nor one to see the topic if it exists (with READ, WRITE or DESCRIBE on it, the existing topic is"
                + " used). Allow it with admin-client acls add (as an admin), or use a user that has it"
                + " (docs/security.md).");
        assertThat(producer.process().exitValue()).isEqualTo(1);
    }

    @Test
    void aWrongPasswordAnUnknownUserAnUntrustedCertificateAndAnotherHostNameAreEachOneLine() throws Exception {
        Path guest = security.clientConfig("guest");
        String file = Files.readString(guest);
        Path wrongPassword = write("wrong-password", file.replaceAll("password=\"[^\"]*\"", "password=\"nope\""));
        Path unknownUser = write("unknown-user", file.replace("username=\"guest\"", "username=\"nobody\""));
        Path noTruststore = write("no-truststore", file.lines().filter(line -> !line.contains("truststore"))
                .collect(Collectors.joining("\n")));

        String refusedSecret = "a wrong password, or no such user (the broker does not say which). Check"
                + " sasl.jaas.config in ";
        assertThat(listTopics(wrongPassword, broker.bootstrapServers()).err()).isEqualTo("Kafka refused to authenticate"
                + " User:guest (Authentication failed during authentication due to invalid credentials with SASL"
                + " mechanism SCRAM-SHA-512): " + refusedSecret + wrongPassword + ".\n");
        assertThat(listTopics(unknownUser, broker.bootstrapServers()).err()).startsWith("Kafka refused to authenticate"
                + " User:nobody (").endsWith(refusedSecret + unknownUser + ".\n");
        assertThat(listTopics(noTruststore, broker.bootstrapServers()).err()).isEqualTo("The broker's certificate is not"
                + " signed by a CA this client trusts (unable to find valid certification path to requested target)."
                + " Check ssl.truststore.location in " + noTruststore + " (the local broker's CA: .kafka-secure/ca.pem).\n");
        // The certificate was made for localhost: the same broker at 127.0.0.1 fails hostname verification.
        String byAddress = broker.bootstrapServers().replace("localhost", "127.0.0.1");
        assertThat(listTopics(guest, byAddress).err()).isEqualTo("The broker's certificate is not made for the name this"
                + " client connected to (No subject alternative names matching IP address 127.0.0.1 found): hostname"
                + " verification refused it. Connect with a name the certificate has (the local broker's: localhost).\n");
    }

    @Test
    void eachMissingAclIsNamedAsTheServiceMeetsIt() throws Exception {
        // payment-service as guest, given one ACL after another: each run stops at the next one missing.
        String group = "guest_payments";
        TestProcesses noWrite = program("guest", PaymentService.class, "--group", group, "--instance", "9");
        assertThat(lastLine(noWrite)).startsWith("Kafka refused User:guest CREATE on topic payments: no ACL allows it");

        grant("--operation", "WRITE", "--topic", "payments");
        grant("--operation", "WRITE", "--topic", "orders.DLT");
        grant("--operation", "READ", "--topic", "orders");
        TestProcesses noTransactionalId = program("guest", PaymentService.class, "--group", group, "--instance", "9");
        assertThat(lastLine(noTransactionalId)).isEqualTo("Kafka refused User:guest WRITE on its transactional id (the"
                + " producer's transactional.id): no ACL allows it, so it cannot start transactions. Allow it with"
                + " admin-client acls add (as an admin), or use a user that has it (docs/security.md).");

        grant("--operation", "WRITE", "--transactional-id", "payment-service-", "--prefixed");
        TestProcesses noGroup = program("guest", PaymentService.class, "--group", group, "--instance", "9");
        assertThat(lastLine(noGroup)).isEqualTo("Kafka refused User:guest READ on group " + group + " (joining it,"
                + " reading or committing its offsets): no ACL allows it. Allow it with admin-client acls add (as an"
                + " admin), or use a user that has it (docs/security.md).");

        // A consumer that may see the topic but not read it: refused at its first poll.
        String readerGroup = "guest_reader";
        grant("--operation", "DESCRIBE", "--topic", "notifications");
        grant("--operation", "READ", "--group", readerGroup);
        TestProcesses noRead = program("guest", BasicConsumer.class, "--topic", "notifications", "--group",
                readerGroup);
        assertThat(lastLine(noRead)).isEqualTo("Kafka refused User:guest on topic notifications: no ACL allows what"
                + " this program does there (READ to consume, WRITE to produce). Allow it with admin-client acls add"
                + " (as an admin), or use a user that has it (docs/security.md).");
        // A producer that may write a topic (payments, so it may be idempotent) but not this one: it stops at
        // the first refused order, rather than fail every order the same way.
        // (Orders 0.2 s apart: all sent at once, they would all be in flight before the first refusal came back.)
        TestProcesses noWriteHere = program("guest", OrderProducer.class, "--count", "20", "--interval", "0.2",
                "--set", "TOPIC_ORDERS=notifications");
        assertThat(lastLine(noWriteHere)).isEqualTo("Kafka refused User:guest on topic notifications: no ACL allows"
                + " what this program does there (READ to consume, WRITE to produce). Allow it with admin-client acls"
                + " add (as an admin), or use a user that has it (docs/security.md).");
        assertThat(noWriteHere.lines().stream().filter(line -> line.contains(" FAILED: "))).isNotEmpty().hasSizeLessThan(20);
        for (TestProcesses refused : List.of(noWrite, noTransactionalId, noGroup, noRead, noWriteHere)) {
            assertThat(refused.process().exitValue()).as("%s", refused.lines()).isEqualTo(1);
            assertThat(refused.lines()).noneMatch(line -> line.startsWith("\tat "));
        }
    }

    private static void grant(String... rule) {
        List<String> args = new ArrayList<>(List.of("acls", "add", "--principal", "User:guest"));
        args.addAll(List.of(rule));
        Run added = admin(args.toArray(String[]::new));
        assertThat(added.exitCode()).as(added.err()).isZero();
    }

    /** A program in a JVM of its own as {@code user}, as a learner runs it with KAFKA_CLIENT_CONFIG. */
    private static TestProcesses program(String user, Class<?> main, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", broker.bootstrapServers(), "--client-config",
                security.clientConfig(user).toString(), "--print-every", "0"));
        all.addAll(List.of(args));
        return TestProcesses.java(main, all.toArray(String[]::new));
    }

    /** The last line a refused program printed, once it has ended. */
    private static String lastLine(TestProcesses program) throws InterruptedException {
        assertThat(program.process().waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("still running: %s", program.lines()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !program.lines().isEmpty());
        return program.lines().get(program.lines().size() - 1);
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run admin(String... args) {
        return adminAs(security.clientConfig(LocalSecurity.ADMIN_USER), broker.bootstrapServers(), args);
    }

    /**
     * admin-client in this JVM, its output captured (it prints to System.out, taken when it is made; this
     * class's tests run one at a time).
     */
    private static Run adminAs(Path clientConfig, String bootstrapServers, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", bootstrapServers, "--client-config", clientConfig.toString()));
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exitCode = Cli.run(new AdminLesson(), new PrintWriter(err, true), all.toArray(String[]::new));
            return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    private static Run listTopics(Path clientConfig, String bootstrapServers) {
        Run run = adminAs(clientConfig, bootstrapServers, "topics", "list");
        assertThat(run.exitCode()).isEqualTo(1);
        return run;
    }

    private static Path write(String name, String content) throws IOException {
        return Files.writeString(dataDir.resolve(name + ".properties"), content);
    }

    private static Properties clientProperties(String user) {
        return FranzConfig.defaultsWith(java.util.Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "KAFKA_CLIENT_CONFIG", security.clientConfig(user).toString())).clientProperties();
    }

    private static List<ConsumerRecord<String, String>> read(Properties props, String topic) {
        return CommittedRecords.readAll(props, topic, new StringDeserializer(), new StringDeserializer(),
                Duration.ofSeconds(30));
    }
}
