package dev.franz.demo;

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

/** bin/demo killed with kill -9 leaves no service JVM behind. */
class DemoKillIT {

    @Test
    void killingTheDemoStopsItsServicesWithinFiveSeconds() throws Exception {
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Demo.class.getName(),
                "--orders", "100000", "--interval", "0.05").redirectErrorStream(true).start();
        try {
            CompletableFuture<Boolean> placing = CompletableFuture.supplyAsync(() -> printsOrders(demo));
            assertThat(placing.get(120, TimeUnit.SECONDS)).as("the demo placed orders").isTrue();
            List<ProcessHandle> services = demo.toHandle().children().toList();
            assertThat(services).hasSize(3); // payment-service, notification-service, order-producer

            demo.destroyForcibly(); // kill -9: the demo's own shutdown hook does not run

            await().atMost(Duration.ofSeconds(5)).until(() -> services.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            demo.destroyForcibly();
            demo.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean printsOrders(Process process) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("order ") && line.contains("-> orders partition")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
