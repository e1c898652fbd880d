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

    private final StringWriter err = new StringWriter();

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
