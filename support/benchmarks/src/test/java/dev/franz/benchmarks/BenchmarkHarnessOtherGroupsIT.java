package dev.franz.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * {@link BenchmarkHarnessIT}'s twin for the other groups: share groups, schemas, the live view, start-up.
 * Not {@code connect} nor {@code security}: this module builds last, so its time is the build's, and the
 * two cost about a minute and a half of it (a PostgreSQL and a Connect worker per round; a secured broker's
 * first start). connect-tests' OutboxIT and demo's SecureFlowIT run the same programs on the same parts;
 * {@code bin/benchmark --quick --only connect,security} checks the two groups themselves.
 */
class BenchmarkHarnessOtherGroupsIT {

    @TempDir
    Path out;

    @Test
    void quickModeMeasuresEveryOtherScenarioAndWritesTheReport() throws Exception {
        int exitCode = new CommandLine(new BenchmarkHarness()).execute("--quick", "--records", "5000", "--out",
                out.toString(), "--only", "share,schemas,liveview,startup");

        assertThat(exitCode).isZero();
        String report = Files.readString(out.resolve("benchmarks.md"));
        assertThat(report)
                .contains("| schema-evolution produce (Avro, registry) | order-producer (JSON) |")
                .contains("| schema registry: launch to first schema registered")
                .contains("| local broker: command to first acknowledged record")
                .contains("| record acknowledged -> on the live view's page (Chromium), p99 |")
                .contains("| basic-producer with the live view open | basic-producer alone |")
                .contains("| share group of 3 workers on 1 partition | consumer group of 3 on 3 partitions |")
                .doesNotContain("NaN");
        assertThat(Files.size(out.resolve("benchmarks.png"))).isGreaterThan(1000);
    }
}
