package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestProcesses;

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
            TestProcesses streams = TestProcesses.java(List.of("-Dfranz.root=" + stateDir), StreamProcessing.class,
                    "--engine", "streams", "--application-id", id,
                    "--report-interval", "1", "--bootstrap-servers", broker.bootstrapServers(),
                    "--set", "TOPIC_USER_EVENTS=" + events, "--set", "TOPIC_EVENT_TYPE_COUNTS=" + id + "-counts",
                    "--set", "TOPIC_USER_TOTALS=" + id + "-totals", "--set", "TOPIC_ENRICHED_EVENTS=" + id + "-enriched",
                    "--set", "TOPIC_WINDOWED_COUNTS=" + id + "-windows");
            program = streams.process();
            List<String> lines = streams.lines();
            // Running: its consumer group (the application id) has a member with the partition.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try (Admin admin = Admin.create(props)) {
                    return admin.describeConsumerGroups(List.of(id)).all().get().get(id).members().stream()
                            .anyMatch(member -> !member.assignment().topicPartitions().isEmpty());
                } catch (Exception notYet) {
                    return false;
                }
            });

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

}
