package dev.franz.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CliTest {

    enum Compression { NONE, LZ4, ZSTD }

    enum Via { DUAL_WRITE, OUTBOX }

    @Command(name = "two-words")
    static final class TwoWords implements Callable<Integer> {
        @Option(names = "--via", required = true)
        Via via;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @Command(name = "demo-program")
    static final class Program implements Callable<Integer> {
        @Option(names = "--compression", defaultValue = "none")
        Compression compression;

        @Option(names = "--count", defaultValue = "1", converter = Numbers.NotNegative.class)
        long count;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @Command(name = "configured", subcommands = Configured.Sub.class)
    static final class Configured implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ConfigOptions config;

        @Override
        public Integer call() {
            config.load();
            return 0;
        }

        @Command(name = "sub")
        static final class Sub implements Callable<Integer> {
            @picocli.CommandLine.ParentCommand
            Configured parent;

            @Override
            public Integer call() {
                parent.config.load();
                return 0;
            }
        }
    }

    /** A lesson's options in a class of their own, the shared options a mixin inside it. */
    static final class LessonOptions {
        @picocli.CommandLine.Mixin
        ConfigOptions config;
    }

    @Command(name = "refused-program")
    static final class Refused implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        LessonOptions options;

        @Override
        public Integer call() {
            options.config.load();
            throw new org.apache.kafka.common.errors.TopicAuthorizationException(java.util.Set.of("payments"));
        }
    }

    private final StringWriter err = new StringWriter();

    /** A secured broker's refusal names the user, also when the shared options sit in the lesson's options class. */
    @Test
    void aRefusalNamesTheUserOfTheConfigurationLoadedByANestedMixin(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path clientFile = dir.resolve("guest.properties");
        java.nio.file.Files.writeString(clientFile, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"guest\""
                + " password=\"x\";\n");

        int exitCode = Cli.run(new Refused(), new PrintWriter(err), "--client-config", clientFile.toString());

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).startsWith("Kafka refused User:guest on topic payments: no ACL allows");
    }

    /** The options every program shares are checked when the configuration loads: a bad one is a usage error. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "--bootstrap-servers localhost:notaport | Invalid value for option '--bootstrap-servers': 'localhost:notaport'"
                    + " is not allowed: expected a comma-separated list of host:port, e.g. localhost:9092",
            "--client-config /nonexistent | Invalid value for option '--client-config': '/nonexistent' is not allowed:"
                    + " expected a readable Kafka client properties file, but /nonexistent is not one",
            "--set NO_SUCH=1 | Invalid value for option '--set': 'NO_SUCH=1' is not allowed: NO_SUCH is not a Franz"
                    + " setting; the settings (each in .env.example): KAFKA_BOOTSTRAP_SERVERS, ",
            "--set TOPIC_PARTITIONS=0 | Invalid value for option '--set': 'TOPIC_PARTITIONS=0' is not allowed: expected"
                    + " a whole number from 1 to 10000",
            "--set KAFKA_BOOTSTRAP_SERVERS=nohost | Invalid value for option '--set': 'KAFKA_BOOTSTRAP_SERVERS=nohost' is"
                    + " not allowed: expected a comma-separated list of host:port",
    })
    void aBadSharedConfigOptionIsOneLineThenTheUsageAndExit2(String arguments, String firstLine) {
        int exitCode = Cli.run(new Configured(), new PrintWriter(err), arguments.split(" "));

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElse("")).startsWith(firstLine);
        assertThat(err.toString().lines().skip(1).findFirst().orElse("")).startsWith("Usage: configured");
        assertThat(err.toString()).doesNotContain("Invalid configuration").doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void aBadSharedConfigOptionOfASubcommandShowsTheSubcommandsUsage() {
        int exitCode = Cli.run(new Configured(), new PrintWriter(err), "sub", "--bootstrap-servers", "localhost:99999");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().toList()).first().asString()
                .startsWith("Invalid value for option '--bootstrap-servers': 'localhost:99999' is not allowed");
        assertThat(err.toString().lines().skip(1).findFirst().orElse("")).startsWith("Usage: configured sub");
    }

    @Command(name = "with-subcommands", mixinStandardHelpOptions = true, subcommands = Nested.Inner.class)
    static final class Nested {
        @Command(name = "inner", description = "A subcommand without a --help of its own.")
        static final class Inner {
            @Command(name = "create", description = "Create something.")
            int create(@Option(names = "--topic", required = true, description = "The topic.") String topic) {
                return 0;
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"inner create --help", "inner create -h", "inner --help"})
    void helpOnASubcommandIsItsUsageAndExit0(String arguments) {
        StringWriter out = new StringWriter();
        String[] words = arguments.split(" ");
        String command = "with-subcommands " + String.join(" ", java.util.Arrays.asList(words).subList(0, words.length - 1));

        int exitCode = Cli.commandLine(new Nested()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(words);

        assertThat(exitCode).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).startsWith("Usage: " + command).contains("-h, --help");
    }

    @Test
    void aSubcommandStillNeedsItsRequiredOptions() {
        int exitCode = Cli.run(new Nested(), new PrintWriter(err), "inner", "create");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).startsWith("Missing required option: '--topic=");
    }

    @Test
    void goodSharedConfigOptionsRun() {
        assertThat(Cli.run(new Configured(), new PrintWriter(err), "--bootstrap-servers", "localhost:9092,broker:9093",
                "--set", "TOPIC_PARTITIONS=6")).as(err.toString()).isZero();
    }

    @Test
    void enumValuesAreCaseInsensitive() {
        Program program = new Program();

        assertThat(Cli.run(program, new PrintWriter(err), "--compression", "Lz4")).isZero();
        assertThat(program.compression).isEqualTo(Compression.LZ4);
    }

    @Test
    void aWrongEnumValueIsOneLineNamingTheOptionAndTheAllowedValuesInLowerCaseThenTheUsage() {
        int exitCode = Cli.run(new Program(), new PrintWriter(err), "--compression", "brotli");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().findFirst()).contains("Invalid value for option '--compression':"
                + " 'brotli' is not allowed, it must be one of: none, lz4, zstd");
        assertThat(err.toString()).contains("Usage: demo-program").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aNegativeCountIsRefusedTheSameWay() {
        int exitCode = Cli.run(new Program(), new PrintWriter(err), "--count", "-5");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().findFirst())
                .contains("Invalid value for option '--count': '-5' is not allowed, it must be 0 or more");
    }

    @Test
    void aTwoWordValueIsWrittenWithAHyphenAndListedSo() {
        TwoWords program = new TwoWords();
        assertThat(Cli.run(program, new PrintWriter(err), "--via", "Dual-Write")).isZero();
        assertThat(program.via).isEqualTo(Via.DUAL_WRITE);

        assertThat(Cli.run(new TwoWords(), new PrintWriter(err), "--via", "both")).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElseThrow()).contains("'both' is not allowed, it must be one of: dual-write, outbox");
    }
}
