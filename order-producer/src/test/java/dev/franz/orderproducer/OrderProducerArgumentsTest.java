package dev.franz.orderproducer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.franz.common.cli.Cli;

/** Bad values are refused before any client is created: one line naming the option, the usage, exit 2. */
class OrderProducerArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "-5",
            "10 -1",
            "--count -5",
            "--interval -1",
            "--customers 0",
            "--print-every -1",    })
    void aBadValueIsOneLineNamingTheOptionThenTheUsageAndExit2(String arguments) {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new OrderProducer(), new PrintWriter(err), arguments.split(" "));

        String firstLine = err.toString().lines().findFirst().orElse("");
        assertThat(exitCode).isEqualTo(2);
        assertThat(firstLine).startsWith("Invalid value for ").contains("is not allowed");
        assertThat(err.toString()).contains("Usage: ").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--count 7 --interval 0.2", "-n 7 --interval 0.2", "7 0.2", "7 --interval 0.2", "7 0.2 --count 7"})
    void theCountAndIntervalAreNamedOptionsOrTheOriginalCoursesTwoWords(String arguments) {
        OrderProducer producer = new OrderProducer();
        Cli.commandLine(producer).parseArgs(arguments.split(" "));

        assertThat(producer.options.orders()).isEqualTo(7);
        assertThat(producer.options.intervalSeconds()).isEqualTo(0.2);
    }

    @Test
    void nothingGivenMeansTenOrdersEveryHalfSecond() {
        OrderProducer producer = new OrderProducer();
        Cli.commandLine(producer).parseArgs();

        assertThat(producer.options.orders()).isEqualTo(10);
        assertThat(producer.options.intervalSeconds()).isEqualTo(0.5);
    }

    @Test
    void twoDifferentCountsAreOneLineThenTheUsageAndExit2() {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new OrderProducer(), new PrintWriter(err), "10", "--count", "5");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElse(""))
                .isEqualTo("NUM_ORDERS '10' and --count '5' both given: give it once, either way");
        assertThat(err.toString()).contains("Usage: ").doesNotContain("Exception");
    }
}
