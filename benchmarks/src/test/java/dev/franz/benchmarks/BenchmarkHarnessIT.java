package dev.franz.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * Runs the harness in quick mode so that it cannot rot: every scenario runs both programs and the
 * report is written. It asserts that results exist, never how fast they are: benchmarks are not
 * timed tests.
 */
class BenchmarkHarnessIT {

    @TempDir
    Path out;

    @Test
    void quickModeMeasuresEveryScenarioAndWritesTheReport() throws Exception {
        int exitCode = new CommandLine(new BenchmarkHarness()).execute("--quick", "--records", "5000", "--out",
                out.toString());

        assertThat(exitCode).isZero();
        String report = Files.readString(out.resolve("benchmarks.md"));
        assertThat(report)
                .contains("| basic-producer, acks=all, compression none | JSON reference producer |")
                .contains("| basic-consumer | JSON reference consumer |")
                .contains("of ProducerPerformance").contains("of ConsumerPerformance")
                .contains("| stream-processing stateful, Kafka Streams (exactly-once) | Kafka Streams reference")
                .contains("| schema-evolution produce (Avro, registry) | order-producer (JSON) |")
                .contains("| order sent -> payment notification visible (read_committed), p99 at ~1,000 orders/s"
                        + " | two minimal transactional read-process-write loops (TransactionalHop) |")
                .contains("hop 1 to send")
                .contains("| schema registry: launch to first schema registered")
                .contains("| local broker: command to first acknowledged record")
                .contains("| record acknowledged -> on the live view's page (Chromium), p99 |")
                .contains("| basic-producer with the live view open | basic-producer alone |")
                .doesNotContain("NaN");
        assertThat(Files.size(out.resolve("benchmarks.png"))).isGreaterThan(1000);
    }
}
