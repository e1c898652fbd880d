package dev.franz.shareconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.franz.common.cli.Cli;

/** Bad values are refused before any client is created: one line naming the option, the usage, exit 2. */
class ShareConsumerArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {"--as queue", "--work-ms -1", "--instance 0", "--lock-seconds 0", "--delivery-limit 0",
            "--max-poll-records 0", "jobs --count -3", "jobs --count 0", "jobs -n 5 --poison-every -1"})
    void aBadValueIsOneLineNamingTheOptionThenTheUsageAndExit2(String arguments) {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new ShareConsumerLesson(), new PrintWriter(err), arguments.split(" "));

        String firstLine = err.toString().lines().findFirst().orElse("");
        assertThat(exitCode).isEqualTo(2);
        assertThat(firstLine).startsWith("Invalid value for ").contains("is not allowed");
        assertThat(err.toString()).contains("Usage: ").doesNotContain("Exception").doesNotContain("\tat ");
    }
}
