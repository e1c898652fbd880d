package dev.franz.localkafka;

import static dev.franz.embedded.EmbeddedKafkaBroker.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.TestConsumers;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestProcesses;

/**
 * {@code local-kafka --reset} typed in a second terminal while the first still runs a broker on the
 * same data directory: it must refuse before deleting anything, and the running broker keeps its records.
 */
class ResetBesideRunningBrokerIT {

    private static final int RECORDS = 20;

    @TempDir
    static Path dataDir;

    private static EmbeddedKafkaBroker broker;
    private static String topic;

    @BeforeAll
    static void brokerWithRecords() throws Exception {
        broker = EmbeddedKafkaBroker.startOnFreePorts(dataDir, Map.of());
        topic = TestNames.unique("kept");
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void resetOnOtherPortsRefusesBecauseTheDataDirectoryIsLocked() throws Exception {
        TestProcesses reset = TestProcesses.java(LocalKafka.class, "--reset", "--data-dir", dataDir.toString(),
                "--port", String.valueOf(freePort()), "--controller-port", String.valueOf(freePort()));

        assertThat(exitedWithin30s(reset)).isTrue();
        assertThat(reset.process().exitValue()).isEqualTo(1);
        assertThat(reset.lines()).anyMatch(line -> line.contains("Refusing to --reset") && line.contains("is locked"));
        assertBrokerAndRecordsIntact();
    }

    @Test
    void resetOfAnotherDirectoryOnTheBrokersPortRefusesBeforeWiping(@TempDir Path otherDir) throws Exception {
        Files.writeString(otherDir.resolve("meta.properties"), "node.id=1\n"); // a stopped broker's data
        String port = broker.bootstrapServers().substring(broker.bootstrapServers().lastIndexOf(':') + 1);
        TestProcesses reset = TestProcesses.java(LocalKafka.class, "--reset", "--data-dir", otherDir.toString(),
                "--port", port, "--controller-port", String.valueOf(freePort()));

        assertThat(exitedWithin30s(reset)).isTrue();
        assertThat(reset.process().exitValue()).isEqualTo(1);
        assertThat(reset.lines()).anyMatch(line -> line.contains("Refusing to --reset") && line.contains("port " + port));
        assertThat(otherDir.resolve("meta.properties")).exists();
        assertBrokerAndRecordsIntact();
    }

    /** Waits for the program to end; one that did not (it started a broker) is killed, not left running. */
    private static boolean exitedWithin30s(TestProcesses program) throws InterruptedException {
        boolean exited = program.process().waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            program.process().destroyForcibly();
        }
        return exited;
    }

    private static void assertBrokerAndRecordsIntact() {
        assertThat(dataDir.resolve("meta.properties")).exists();
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        assertThat(TestConsumers.readFromStart(props, topic, new StringDeserializer(), new StringDeserializer(), RECORDS))
                .hasSize(RECORDS);
    }
}
