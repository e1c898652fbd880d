package dev.franz.common.cli;

import java.time.Duration;

import picocli.CommandLine.Option;

/**
 * The options several programs share, each declared once here as a picocli mixin so that it has one
 * name, one help text and one meaning everywhere: {@code @Mixin SharedOptions.MaxMessages maxMessages;}.
 * docs-check's CliConventionsTest fails the build when a program declares one of them itself.
 */
public final class SharedOptions {

    /** The help text of {@code --print-every}. */
    public static final String PRINT_EVERY_HELP = "Print the first record and then every Nth one; 0 prints none,"
            + " only the summary (default: ${DEFAULT-VALUE}).";

    /** The help text of {@code --idle-timeout}. */
    public static final String IDLE_TIMEOUT_HELP = "Stop after this long without a new record, counted from when"
            + " records can come (partitions assigned; in a share group or Kafka Streams, the first record);"
            + " 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).";

    /** The help text of {@code --max-messages}. */
    public static final String MAX_MESSAGES_HELP = "Stop after N records, the unreadable ones skipped included;"
            + " 0 means no limit (default: ${DEFAULT-VALUE}).";

    private SharedOptions() {
    }

    /** {@code --print-every N}: the first record and then every Nth; 0 prints none. */
    public static final class PrintEvery {
        @Option(names = "--print-every", paramLabel = "N", defaultValue = "1", converter = Numbers.NotNegative.class,
                description = PRINT_EVERY_HELP)
        long every = 1;

        public long value() {
            return every;
        }

        /** Whether to print the record numbered {@code number} (1 for the first). */
        public boolean printThis(long number) {
            return ConsoleLines.printThis(number, every);
        }
    }

    /** {@code --idle-timeout SECONDS}: end by itself when nothing new comes for that long. */
    public static final class IdleTimeout {
        @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "0",
                converter = Numbers.NotNegative.class, description = IDLE_TIMEOUT_HELP)
        long seconds;

        /** Zero: run until Ctrl-C. */
        public Duration value() {
            return Duration.ofSeconds(seconds);
        }

        /** True when it is set and {@code nanos} (a System.nanoTime() difference) is longer. */
        public boolean exceededBy(long nanos) {
            return seconds > 0 && nanos > Duration.ofSeconds(seconds).toNanos();
        }

        /** "No new records for 5 s: stopping.", as {@link ConsoleLines#idleStop} says it. */
        public String stoppingLine(String what) {
            return ConsoleLines.idleStop(what, value());
        }
    }

    /** {@code --max-messages N}: end by itself after N records. */
    public static final class MaxMessages {
        @Option(names = "--max-messages", paramLabel = "N", defaultValue = "0", converter = Numbers.NotNegative.class,
                description = MAX_MESSAGES_HELP)
        long limit;

        /** Zero: no limit. */
        public long value() {
            return limit;
        }

        /** True when there is a limit and {@code handled} has reached it. */
        public boolean reachedBy(long handled) {
            return limit > 0 && handled >= limit;
        }
    }
}
