package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.TestNames;

/** Ctrl-C (SIGTERM) of the Kafka Streams engine after the broker is gone ends the program within 10 s. */
class StopWithoutBrokerIT {

    @TempDir
    Path dataDir;

    @TempDir
    Path stateDir;

    @Test
    void theStreamsEngineStopsWithinTenSecondsWhenTheBrokerIsGone() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(dataDir, Map.of());
        Process program = null;
        try {
            String events = TestNames.unique("events");
            Properties props = new Properties();
            props.put("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                admin.createTopics(List.of(new NewTopic(events, 1, (short) 1))).all().get();
            }
            String id = TestNames.unique("stop-test");
            program = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Dfranz.root=" + stateDir,
                    StreamProcessing.class.getName(), "--engine", "streams", "--application-id", id,
                    "--report-interval", "1", "--bootstrap-servers", broker.bootstrapServers(),
                    "--set", "TOPIC_USER_EVENTS=" + events, "--set", "TOPIC_EVENT_TYPE_COUNTS=" + id + "-counts",
                    "--set", "TOPIC_USER_TOTALS=" + id + "-totals", "--set", "TOPIC_ENRICHED_EVENTS=" + id + "-enriched",
                    "--set", "TOPIC_WINDOWED_COUNTS=" + id + "-windows").redirectErrorStream(true).start();
            List<String> lines = readLines(program);
            await().atMost(Duration.ofSeconds(60)).until(() -> lines.stream().anyMatch(l -> l.contains("Ctrl-C to stop")));

            broker.close();
            program.destroy(); // SIGTERM: what Ctrl-C does

            assertThat(program.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s; output:%n%s", lines).isTrue();
        } finally {
            if (program != null) {
                program.destroyForcibly();
            }
            broker.close();
        }
    }

    static List<String> readLines(Process process) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output lost: " + e.getMessage() + ")");
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }
}
