package dev.franz.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.franz.testing.TestProcesses;

/** bin/demo killed with kill -9 leaves no service JVM behind. */
class DemoKillIT {

    @Test
    void killingTheDemoStopsItsServicesWithinFiveSeconds() throws Exception {
        Process demo = TestProcesses.java(List.of("-Xmx512m"), Demo.class, "--orders", "100000", "--interval", "0.05")
                .process();
        try {
            // The services are started first; order-producer is the third child, once both groups are stable.
            await("the demo's three services").atMost(Duration.ofSeconds(120))
                    .until(() -> demo.toHandle().children().count() == 3);
            List<ProcessHandle> services = demo.toHandle().children().toList();
            assertThat(services).hasSize(3); // payment-service, notification-service, order-producer

            demo.destroyForcibly(); // kill -9: the demo's own shutdown hook does not run

            await().atMost(Duration.ofSeconds(5)).until(() -> services.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            demo.destroyForcibly();
            demo.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
