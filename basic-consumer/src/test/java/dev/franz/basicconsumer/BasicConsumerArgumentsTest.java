package dev.franz.basicconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.franz.common.cli.Cli;

/** Bad values are refused before any client is created: one line naming the option, the usage, exit 2. */
class BasicConsumerArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "--offset-reset never",
            "--group-protocol gossip",
            "--max-messages -1",
            "--idle-timeout -3",
            "--print-every -1",
            "--from-offset -1",
    })
    void aBadValueIsOneLineNamingTheOptionThenTheUsageAndExit2(String arguments) {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new BasicConsumer(), new PrintWriter(err), arguments.split(" "));

        String firstLine = err.toString().lines().findFirst().orElse("");
        assertThat(exitCode).isEqualTo(2);
        assertThat(firstLine).startsWith("Invalid value for ").contains("is not allowed");
        assertThat(err.toString()).contains("Usage: ").doesNotContain("Exception").doesNotContain("\tat ");
    }
}
