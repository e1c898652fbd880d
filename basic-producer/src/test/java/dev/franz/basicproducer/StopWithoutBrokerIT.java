package dev.franz.basicproducer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestProcesses;

/** Ctrl-C (SIGTERM) of the producer after the broker is gone ends the program within 10 s. */
class StopWithoutBrokerIT {

    @TempDir
    Path dataDir;

    @Test
    void theProducerStopsWithinTenSecondsWhenTheBrokerIsGone() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(dataDir, Map.of());
        Process program = null;
        try {
            String topic = TestNames.unique("stop");
            TestProcesses producer = TestProcesses.java(BasicProducer.class, "-n", "100000", "--interval", "0.02",
                    "--print-every", "10", "--topic", topic, "--bootstrap-servers", broker.bootstrapServers());
            program = producer.process();
            List<String> lines = producer.lines();
            await().atMost(Duration.ofSeconds(60)).until(() -> recordsOn(broker.bootstrapServers(), topic) >= 10);

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

    /** Records on the topic so far, asked to the broker; 0 while the topic does not exist. */
    private static long recordsOn(String bootstrapServers, String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < partitions; partition++) {
                latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        } catch (Exception notYet) {
            return 0;
        }
    }
}
