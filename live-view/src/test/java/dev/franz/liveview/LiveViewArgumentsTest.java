package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import dev.franz.common.cli.Cli;

/** Bad arguments: one line naming the option and what it allows, the usage, exit code 2. */
class LiveViewArgumentsTest {

    private static String run(int expectedExit, String... args) {
        StringWriter err = new StringWriter();
        assertThat(Cli.run(new LiveView(), new PrintWriter(err), args)).isEqualTo(expectedExit);
        return err.toString();
    }

    @Test
    void portAndRecordsPerPartitionAreRangeChecked() {
        assertThat(run(2, "--port", "0")).contains("--port").contains("1 or more");
        assertThat(run(2, "--port", "70000")).contains("from 1 to 65535");
        assertThat(run(2, "--records-per-partition", "500")).contains("--records-per-partition").contains("from 1 to 200");
        assertThat(run(2, "--records-per-partition", "many")).contains("not a whole number");
        assertThat(run(2, "--no-such-option")).contains("Unknown option").contains("Usage: live-view");
    }
}
