package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.franz.common.cli.Cli;

/** Bad values are refused before any client is created: one line naming the option, the usage, exit 2. */
class PaymentServiceArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "--failure-rate 2",
            "--max-messages -1",
            "--instance 0",
            "--max-attempts 0",
            "--latency-ms -1",
            "--print-every -1",
            "--limit -5",
            "--limit=-0.01",
    })
    void aBadValueIsOneLineNamingTheOptionThenTheUsageAndExit2(String arguments) {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new PaymentService(), new PrintWriter(err), arguments.split(" "));

        String firstLine = err.toString().lines().findFirst().orElse("");
        assertThat(exitCode).isEqualTo(2);
        assertThat(firstLine).startsWith("Invalid value for ").contains("is not allowed");
        assertThat(err.toString()).contains("Usage: ").doesNotContain("Exception").doesNotContain("\tat ");
    }
}
