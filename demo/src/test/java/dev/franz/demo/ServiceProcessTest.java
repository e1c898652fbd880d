package dev.franz.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A service that fails names its cause in the demo's error message: its exit code and its last lines
 * (standard output and error), whether or not its output was seen as it came. The service here is a
 * planted one ({@link FailingChild}), started as a real child JVM the way the demo starts each service.
 */
class ServiceProcessTest {

    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(shown, true, StandardCharsets.UTF_8);

    @Test
    void aFailedServiceIsNamedWithItsExitCodeAndItsLastLinesOfOutputAndError() throws Exception {
        try (ServiceProcess child = ServiceProcess.start("failing", FailingChild.class, List.of("lines", "30", "3"),
                out)) {
            assertThat(child.waitFor(Duration.ofSeconds(60))).isEqualTo(3);

            String message = child.failure("did not end in time");

            List<String> lines = message.lines().toList();
            assertThat(lines.get(0)).isEqualTo("failing-child failed (exit code 3); its last lines:");
            // The last ones only: a bounded number, the newest, in the order printed, standard error too.
            assertThat(lines).hasSize(1 + ServiceProcess.LINES_IN_FAILURE);
            assertThat(lines.get(1)).isEqualTo("  output line 22 of 30");
            assertThat(lines.get(lines.size() - 2)).isEqualTo("  output line 30 of 30");
            assertThat(lines.get(lines.size() - 1)).isEqualTo("  the cause, on standard error");
            // Shown as it came too, labelled.
            assertThat(shown.toString(StandardCharsets.UTF_8)).contains("failing      | output line 1 of 30");
        }
    }

    @Test
    void aServiceThatFailedWithoutAWordStillGivesItsExitCode() throws Exception {
        try (ServiceProcess child = ServiceProcess.start("silent", FailingChild.class, List.of("silent", "7"), out)) {
            assertThat(child.waitFor(Duration.ofSeconds(60))).isEqualTo(7);

            assertThat(child.failure("did not end in time"))
                    .isEqualTo("failing-child failed (exit code 7), without printing anything.");
        }
    }

    @Test
    void aServiceThatIsStillRunningIsSaidToBeWithItsLastLines() throws Exception {
        try (ServiceProcess child = ServiceProcess.start("waiting", FailingChild.class, List.of("wait"), out)) {
            assertThat(child.awaitLine("waiting", Duration.ofSeconds(60))).isNotNull();

            assertThat(child.failure("did not end within 1 s"))
                    .isEqualTo("failing-child did not end within 1 s; its last lines:" + System.lineSeparator()
                            + "  waiting for nothing");
        }
    }

    @Test
    void aProgramIsNamedAsItsModule() {
        assertThat(ServiceProcess.programName(dev.franz.orderproducer.OrderProducer.class)).isEqualTo("order-producer");
        assertThat(ServiceProcess.programName(dev.franz.liveview.LiveView.class)).isEqualTo("live-view");
    }
}
