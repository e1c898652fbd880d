package dev.franz.adminclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.franz.common.cli.Cli;
import picocli.CommandLine;

/** The subcommands' arguments: named --topic and --group, and the connection options at any level. */
class AdminArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "--bootstrap-servers broker-1:9092 topics list",
            "topics --bootstrap-servers broker-1:9092 list",
            "topics list --bootstrap-servers broker-1:9092"})
    void theBootstrapServersMayComeBeforeOrAfterTheSubcommand(String arguments) {
        AdminLesson lesson = new AdminLesson();

        Cli.commandLine(lesson).parseArgs(arguments.split(" "));

        assertThat(lesson.config().bootstrapServers()).isEqualTo("broker-1:9092");
    }

    @ParameterizedTest
    @ValueSource(strings = {"topics describe", "topics create --partitions 3", "groups describe",
            "groups reset --topic orders --to-earliest", "share-groups describe"})
    void aMissingTopicOrGroupIsOneLineNamingTheOptionThenTheUsageAndExit2(String arguments) {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new AdminLesson(), new PrintWriter(err), arguments.split(" "));

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElse("")).startsWith("Missing required option: '--");
        assertThat(err.toString()).contains("Usage: ").doesNotContain("Exception");
    }

    @Test
    void aTopicGivenAsAWordInsteadOfWithTopicIsRefusedWithTheUsage() {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new AdminLesson(), new PrintWriter(err), "topics", "describe", "orders");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElse("")).isEqualTo("Missing required option: '--topic=TOPIC'");
    }

    @Test
    void theTopicAndGroupAreNamedOptions() {
        CommandLine.ParseResult result = Cli.commandLine(new AdminLesson())
                .parseArgs("groups", "reset", "--group", "g", "--topic", "t", "--to-latest");

        CommandLine.ParseResult reset = result.subcommand().subcommand();
        assertThat(reset.matchedOptionValue("--group", "")).isEqualTo("g");
        assertThat(reset.matchedOptionValue("--topic", "")).isEqualTo("t");
    }
}
