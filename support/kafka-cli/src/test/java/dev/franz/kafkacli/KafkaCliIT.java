package dev.franz.kafkacli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/** The README's Kafka CLI commands, run through bin/ exactly as a learner types them. */
class KafkaCliIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    /** Failsafe runs in the module's folder; bin/ is at the repository root. */
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    private record Run(int exitCode, String output) {
    }

    private static Run binWithInput(String stdin, String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin").resolve(tool).toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(tool + " did not finish in 3 minutes");
        }
        return new Run(process.exitValue(), output.join());
    }

    private static Run bin(String tool, String... args) throws IOException, InterruptedException {
        return binWithInput("", tool, args);
    }

    @Test
    void topicsCanBeCreatedListedDescribedAndDeleted() throws Exception {
        String topic = TestNames.unique("cli-topic");
        String b = kafka.bootstrapServers();

        assertThat(bin("kafka-topics", "--bootstrap-server", b, "--create", "--topic", topic, "--partitions", "3",
                "--replication-factor", "1").output()).contains("Created topic " + topic);
        assertThat(bin("kafka-topics", "--bootstrap-server", b, "--list").output()).contains(topic);
        assertThat(bin("kafka-topics", "--bootstrap-server", b, "--describe", "--topic", topic).output())
                .contains("PartitionCount: 3");
        Run delete = bin("kafka-topics", "--bootstrap-server", b, "--delete", "--topic", topic);

        assertThat(delete.exitCode()).isZero();
        assertThat(bin("kafka-topics", "--bootstrap-server", b, "--list").output()).doesNotContain(topic);
    }

    @Test
    void consoleProducerConsumerAndConsumerGroups() throws Exception {
        String topic = TestNames.unique("cli-console");
        String group = TestNames.unique("cli-group");
        String b = kafka.bootstrapServers();
        bin("kafka-topics", "--bootstrap-server", b, "--create", "--topic", topic, "--partitions", "1");

        Run produce = binWithInput("first\nsecond\nthird\n", "kafka-console-producer", "--bootstrap-server", b, "--topic", topic);
        Run consume = bin("kafka-console-consumer", "--bootstrap-server", b, "--topic", topic, "--from-beginning",
                "--max-messages", "3", "--group", group);
        Run describe = bin("kafka-consumer-groups", "--bootstrap-server", b, "--describe", "--group", group);
        Run reset = bin("kafka-consumer-groups", "--bootstrap-server", b, "--group", group, "--topic", topic,
                "--reset-offsets", "--to-earliest", "--execute");
        Run offsets = bin("kafka-get-offsets", "--bootstrap-server", b, "--topic", topic);

        assertThat(produce.exitCode()).isZero();
        assertThat(consume.output()).contains("first", "second", "third").contains("Processed a total of 3 messages");
        assertThat(describe.output()).contains("CURRENT-OFFSET", "LAG").containsPattern(topic + "\\s+0\\s+3\\s+3\\s+0");
        assertThat(reset.output()).contains("NEW-OFFSET").containsPattern(topic + "\\s+0\\s+0");
        assertThat(offsets.output()).contains(topic + ":0:3");
    }

    @Test
    void perfToolsRun() throws Exception {
        String topic = TestNames.unique("cli-perf");
        String b = kafka.bootstrapServers();
        bin("kafka-topics", "--bootstrap-server", b, "--create", "--topic", topic, "--partitions", "1");

        Run produce = bin("kafka-producer-perf-test", "--bootstrap-server", b, "--topic", topic, "--num-records", "2000",
                "--record-size", "100", "--throughput", "-1");
        Run consume = bin("kafka-consumer-perf-test", "--bootstrap-server", b, "--topic", topic, "--num-records", "2000");

        assertThat(produce.output()).contains("2000 records sent");
        assertThat(consume.exitCode()).isZero();
        assertThat(consume.output()).contains("nMsg.sec");
    }
}
