package dev.franz.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import dev.franz.testing.TestProcesses;

/** bin/demo killed with kill -9 leaves no service JVM behind. */
class DemoKillIT {

    @Test
    void killingTheDemoStopsItsServicesWithinFiveSeconds() throws Exception {
        Process demo = TestProcesses.java(List.of("-Xmx512m"), Demo.class, "--count", "100000", "--interval", "0.05")
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

    @RepeatedTest(3)
    void killingTheDemoAsItStartsItsFirstServiceLeavesNoJvmBehind() throws Exception {
        Instant startedAt = Instant.now();
        Process demo = TestProcesses.java(List.of("-Xmx512m"), Demo.class, "--count", "100000", "--interval", "0.05")
                .process();
        try {
            await("the demo's first service").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                    .until(() -> demo.toHandle().children().findAny().isPresent());

            assertThat(services(startedAt)).as("service JVMs seen").isNotEmpty();
            demo.destroyForcibly().waitFor(); // kill -9 while its first service JVM starts

            // Found by what they run, whoever their parent is now: also a service started in that instant.
            await().atMost(Duration.ofSeconds(10)).until(() -> services(startedAt).isEmpty());
        } finally {
            demo.destroyForcibly();
            services(startedAt).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The service JVMs started since {@code since}: every one runs {@link ChildMain}. */
    private static List<ProcessHandle> services(Instant since) {
        return TestProcesses.runningWith(ChildMain.class.getName()).stream()
                .filter(p -> p.info().startInstant().map(s -> !s.isBefore(since)).orElse(false))
                .toList();
    }
}
