package dev.franz.common.cli;

import java.time.Duration;

import picocli.CommandLine.Option;

/**
 * The options every Level 3 service shares, as a picocli mixin: which instance it is, how much it
 * prints, and when it ends by itself.
 */
public final class ServiceOptions {

    @Option(names = "--instance", paramLabel = "N", defaultValue = "1", converter = Numbers.Positive.class,
            description = "Which instance this is; run more with 2, 3, ... Restarting an instance with the same"
                    + " number takes over its partitions and fences the old one (default: ${DEFAULT-VALUE}).")
    long instance;

    @Option(names = "--print-every", paramLabel = "N", defaultValue = "1", converter = Numbers.NotNegative.class,
            description = ConsoleLines.PRINT_EVERY_HELP)
    long printEvery;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "0",
            converter = Numbers.NotNegative.class, description = ConsoleLines.IDLE_TIMEOUT_HELP)
    long idleTimeoutSeconds;

    @Option(names = "--max-messages", paramLabel = "N", defaultValue = "0", converter = Numbers.NotNegative.class,
            description = "Stop once N input records are committed; 0 means no limit (default: ${DEFAULT-VALUE}).")
    long maxMessages;

    /** The instance's stable name, e.g. {@code payment-service-1}: its group instance id and transactional id. */
    public String instanceName(String service) {
        return service + "-" + instance;
    }

    public long printEvery() {
        return printEvery;
    }

    /** Zero: run until Ctrl-C. */
    public Duration idleTimeout() {
        return Duration.ofSeconds(idleTimeoutSeconds);
    }

    /** Long.MAX_VALUE when there is no limit. */
    public long maxMessages() {
        return maxMessages == 0 ? Long.MAX_VALUE : maxMessages;
    }
}
