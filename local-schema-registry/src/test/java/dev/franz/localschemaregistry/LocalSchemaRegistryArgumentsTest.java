package dev.franz.localschemaregistry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.franz.common.cli.Cli;

/** A bad port is refused before anything starts: one line naming the option, the usage, exit 2. */
class LocalSchemaRegistryArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {"--port 0", "--port 65536", "--port http"})
    void aBadPortIsOneLineNamingTheOptionThenTheUsageAndExit2(String arguments) {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new LocalSchemaRegistry(), new PrintWriter(err), arguments.split(" "));

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElse("")).startsWith("Invalid value for option '--port'");
        assertThat(err.toString()).contains("Usage: ").doesNotContain("\tat ");
    }
}
