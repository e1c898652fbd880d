package dev.franz.schemaevolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.franz.common.cli.Cli;

/** Bad values are refused before any client is created: one line naming the option, the usage, exit 2. */
class SchemaEvolutionArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {"produce --schema v3", "produce -n 0", "produce --print-every -1", "consume --schema json",
            "consume --max-messages -5", "consume --idle-timeout x", "wire --count 0", "compatibility sideways",
            "check nonsense", "register no-such-file.avsc"})
    void aBadValueIsOneLineNamingTheOptionThenTheUsageAndExit2(String arguments) {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new SchemaEvolutionLesson(), new PrintWriter(err), arguments.split(" "));

        String firstLine = err.toString().lines().findFirst().orElse("");
        assertThat(exitCode).isEqualTo(2);
        assertThat(firstLine).startsWith("Invalid value for ");
        assertThat(err.toString()).contains("Usage: ").doesNotContain("Exception").doesNotContain("\tat ");
    }
}
