package dev.franz.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.franz.common.cli.Cli;

/** Bad arguments: one line naming the option, the usage, exit code 2, before any client is made. */
class DoctorArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {"--group g --topic t", "--topic bad/name", "--watch -1", "--watch soon"})
    void aBadArgumentIsOneLineThenTheUsageAndExit2(String arguments) {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new Doctor(), new PrintWriter(err), arguments.split(" "));

        assertThat(exitCode).isEqualTo(2);
        String first = err.toString().lines().findFirst().orElse("");
        assertThat(first).containsAnyOf("--group", "--topic", "--watch");
        assertThat(err.toString()).contains("Usage: doctor").doesNotContain("Exception");
    }
}
