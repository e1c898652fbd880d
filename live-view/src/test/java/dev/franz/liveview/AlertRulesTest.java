package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The alert rules a learner loads into a Prometheus of their own ({@code prometheus/franz-alerts.yml},
 * on the series of the live view's {@code /metrics}): Prometheus's own {@code promtool} checks that
 * they and {@code prometheus.yml} load, and runs their unit tests ({@code franz-alerts-test.yml}: each
 * rule fires on a planted violation at the right time, and not on the healthy series beside it). promtool
 * comes from Debian's {@code prometheus} package, which {@code .ci/run} installs when it is missing.
 */
class AlertRulesTest {

    private static final Path DIR = Path.of("prometheus");

    @Test
    void rulesAndPrometheusConfigLoad() throws Exception {
        assertSucceeds("check", "rules", "franz-alerts.yml");
        assertSucceeds("check", "config", "prometheus.yml");
    }

    @Test
    void eachRuleFiresOnItsViolationAtTheRightTimeAndNotOnHealthySeries() throws Exception {
        String output = assertSucceeds("test", "rules", "franz-alerts-test.yml");
        assertThat(output).contains("SUCCESS");
    }

    private static String assertSucceeds(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(promtool().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        // promtool answers in well under a second: a minute is a hang, not a slow machine.
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", args) + " did not answer within 60 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("promtool %s in %s said:%n%s", String.join(" ", args),
                DIR.toAbsolutePath(), output).isZero();
        return output;
    }

    /** {@code -Dfranz.promtool=PATH}, else the first promtool on the PATH. */
    private static Path promtool() {
        String configured = System.getProperty("franz.promtool");
        List<Path> candidates = new ArrayList<>();
        if (configured != null) {
            candidates.add(Path.of(configured));
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "promtool"));
                }
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "The alert rules' tests run Prometheus's promtool, which is not "
                        + (configured != null ? "at " + configured : "on the PATH")
                        + " (Debian: apt-get install prometheus; .ci/run installs it; elsewhere -Dfranz.promtool=PATH)."));
    }
}
