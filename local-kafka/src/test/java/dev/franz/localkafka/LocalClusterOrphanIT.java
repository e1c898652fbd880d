package dev.franz.localkafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.embedded.EmbeddedKafkaBroker;

/** {@code local-kafka --brokers 3} killed with kill -9: its broker and controller JVMs do not outlive it. */
class LocalClusterOrphanIT {

    @TempDir
    Path dataDir;

    @Test
    void killingLocalKafkaStopsEveryNodeWithinFiveSeconds() throws Exception {
        int port = EmbeddedKafkaBroker.freePort();
        int controllerPort = EmbeddedKafkaBroker.freePort();
        Process localKafka = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LocalKafka.class.getName(), "--brokers", "3",
                "--port", String.valueOf(port), "--controller-port", String.valueOf(controllerPort),
                "--data-dir", dataDir.toString()).redirectErrorStream(true).start();
        try {
            CompletableFuture<Boolean> running = CompletableFuture.supplyAsync(() -> printsClusterRunning(localKafka));
            assertThat(running.get(90, TimeUnit.SECONDS)).as("local-kafka --brokers 3 started").isTrue();
            List<ProcessHandle> nodes = localKafka.toHandle().children().toList();
            assertThat(nodes).hasSize(4); // 3 brokers and the controller

            localKafka.destroyForcibly(); // kill -9: no shutdown hook in local-kafka itself

            await().atMost(Duration.ofSeconds(5)).until(() -> nodes.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            localKafka.destroyForcibly();
            localKafka.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean printsClusterRunning(Process process) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.contains("cluster is running")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
