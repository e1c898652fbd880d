package dev.franz.localkafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.TestProcesses;

/** {@code local-kafka --brokers 3} killed with kill -9: its broker and controller JVMs do not outlive it. */
class LocalClusterOrphanIT {

    @TempDir
    Path dataDir;

    @Test
    void killingLocalKafkaStopsEveryNodeWithinFiveSeconds() throws Exception {
        int port = EmbeddedKafkaBroker.freePort();
        int controllerPort = EmbeddedKafkaBroker.freePort();
        TestProcesses running = TestProcesses.java(LocalKafka.class, "--brokers", "3", "--port", String.valueOf(port),
                "--controller-port", String.valueOf(controllerPort), "--data-dir", dataDir.toString());
        Process localKafka = running.process();
        try {
            await("local-kafka --brokers 3 started").atMost(Duration.ofSeconds(90))
                    .until(() -> running.printed("cluster is running"));
            List<ProcessHandle> nodes = localKafka.toHandle().children().toList();
            assertThat(nodes).hasSize(4); // 3 brokers and the controller

            localKafka.destroyForcibly(); // kill -9: no shutdown hook in local-kafka itself

            await().atMost(Duration.ofSeconds(5)).until(() -> nodes.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            localKafka.destroyForcibly();
            localKafka.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
