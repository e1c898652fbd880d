package dev.franz.common.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ConfigOptionsTest {

    @Command(name = "test")
    static class Program {
        @Mixin
        ConfigOptions config;
    }

    private static ConfigOptions parse(String... args) {
        Program program = new Program();
        new CommandLine(program).parseArgs(args);
        return program.config;
    }

    @Test
    void optionsBecomeCommandLineSettings() {
        ConfigOptions options = parse("--bootstrap-servers", "broker:9092", "--client-config", "c.properties",
                "--set", "TOPIC_PARTITIONS=6");

        assertThat(options.commandLineValues()).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "broker:9092")
                .containsEntry("KAFKA_CLIENT_CONFIG", "c.properties")
                .containsEntry("TOPIC_PARTITIONS", "6")
                .hasSize(3);
    }

    @Test
    void nothingGivenSetsNothing() {
        assertThat(parse().commandLineValues()).isEmpty();
    }

    @Test
    void unknownKeyIsATypoNotIgnored() {
        ConfigOptions options = parse("--set", "TOPIC_PARTITION=6");

        assertThatThrownBy(options::commandLineValues)
                .isInstanceOf(BadOptionValueException.class)
                .hasMessageStartingWith("Invalid value for option '--set': 'TOPIC_PARTITION=6' is not allowed:"
                        + " TOPIC_PARTITION is not a Franz setting; the settings (each in .env.example): ")
                .hasMessageContaining("TOPIC_PARTITIONS");
    }
}
