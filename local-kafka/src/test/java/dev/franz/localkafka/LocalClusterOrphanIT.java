package dev.franz.localkafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;

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
        Process localKafka = TestProcesses.java(LocalKafka.class, "--brokers", "3", "--port", String.valueOf(port),
                "--controller-port", String.valueOf(controllerPort), "--data-dir", dataDir.toString()).process();
        try {
            await("three brokers serving").atMost(Duration.ofSeconds(90)).until(() -> brokersServing(port) == 3);
            List<ProcessHandle> nodes = localKafka.toHandle().children().toList();
            assertThat(nodes).hasSize(4); // 3 brokers and the controller

            localKafka.destroyForcibly(); // kill -9: no shutdown hook in local-kafka itself

            await().atMost(Duration.ofSeconds(5)).until(() -> nodes.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            localKafka.destroyForcibly();
            localKafka.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** How many brokers the cluster reports, asked through the first one; 0 while it does not answer. */
    private static int brokersServing(int port) {
        Properties props = new Properties();
        props.put("bootstrap.servers", "localhost:" + port);
        props.put("request.timeout.ms", 2000);
        props.put("default.api.timeout.ms", 2000);
        try (Admin admin = Admin.create(props)) {
            return admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
        } catch (Exception notYet) {
            return 0;
        }
    }
}
