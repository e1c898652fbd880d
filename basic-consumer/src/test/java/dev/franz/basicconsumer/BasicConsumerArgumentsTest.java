package dev.franz.basicconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
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

    @ParameterizedTest
    @ValueSource(strings = {"--group my_group", "orders my_group", "--topic orders --group my_group",
            "orders --group my_group"})
    void theGroupIsANamedOptionOrTheOriginalCoursesSecondWord(String arguments) {
        BasicConsumer consumer = new BasicConsumer();
        Cli.commandLine(consumer).parseArgs(arguments.split(" "));

        assertThat(consumer.options.group()).isEqualTo("my_group");
    }

    @Test
    void noGroupGivenMeansBasicConsumer() {
        BasicConsumer consumer = new BasicConsumer();
        Cli.commandLine(consumer).parseArgs();

        assertThat(consumer.options.group()).isEqualTo("basic-consumer");
    }

    @Test
    void aTopicGivenTwiceDifferentlyIsOneLineThenTheUsageAndExit2BeforeAnyBrokerIsAsked() {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new BasicConsumer(), new PrintWriter(err), "orders", "--topic", "payments",
                "--bootstrap-servers", "localhost:1");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElse(""))
                .isEqualTo("TOPIC 'orders' and --topic 'payments' both given: give it once, either way");
        assertThat(err.toString()).contains("Usage: ").doesNotContain("Exception");
    }
}
