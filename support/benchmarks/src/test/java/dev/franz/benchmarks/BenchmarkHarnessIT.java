package dev.franz.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * Runs the harness in quick mode so that it cannot rot: every scenario of the Levels' groups runs
 * both programs and the report is written ({@link BenchmarkHarnessOtherGroupsIT} runs the others). It
 * asserts that results exist, never how fast they are:
 * benchmarks are not timed tests.
 */
class BenchmarkHarnessIT {

    @TempDir
    Path out;

    @Test
    void quickModeMeasuresEveryScenarioOfTheLevelsAndWritesTheReport() throws Exception {
        int exitCode = new CommandLine(new BenchmarkHarness()).execute("--quick", "--records", "5000", "--out",
                out.toString(), "--only", "level1,level2,level3");

        assertThat(exitCode).isZero();
        String report = Files.readString(out.resolve("benchmarks.md"));
        assertThat(report)
                .contains("| basic-producer, acks=all, compression none | JSON reference producer |")
                .contains("| basic-consumer | JSON reference consumer |")
                .contains("of ProducerPerformance").contains("of ConsumerPerformance")
                .contains("| stream-processing stateful, Kafka Streams (exactly-once) | Kafka Streams reference")
                .contains("| payment-service, exactly-once, 5000 orders backlog"
                        + " | a minimal transactional read-process-write loop (TransactionalHop) |")
                .contains("| order sent -> payment notification visible (read_committed), p99 at ~1,000 orders/s"
                        + " | two minimal transactional read-process-write loops (TransactionalHop) |")
                .contains("hop 1 to send")
                .doesNotContain("NaN");
        assertThat(Files.size(out.resolve("benchmarks.png"))).isGreaterThan(1000);
    }
}
