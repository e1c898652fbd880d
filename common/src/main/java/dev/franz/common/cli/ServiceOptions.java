package dev.franz.common.cli;

import java.time.Duration;

import picocli.CommandLine.Option;

/**
 * The options every Level 3 service shares, as a picocli mixin: which instance it is, how much it
 * prints, and when it ends by itself.
 */
public final class ServiceOptions {

    @Option(names = "--instance", paramLabel = "N", defaultValue = "1",
            description = "Which instance this is; run more with 2, 3, ... Restarting an instance with the same"
                    + " number takes over its partitions and fences the old one (default: ${DEFAULT-VALUE}).")
    int instance;

    @Option(names = "--print-every", paramLabel = "N", defaultValue = "1",
            description = "Print every Nth result; 0 prints none (default: ${DEFAULT-VALUE}).")
    long printEvery;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop after this long without a record (default: run until Ctrl-C).")
    long idleTimeoutSeconds;

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

    /** Null if the options are fine, otherwise what is wrong with them. */
    public String problem() {
        if (instance < 1) {
            return "--instance must be at least 1";
        }
        if (printEvery < 0 || idleTimeoutSeconds < 0) {
            return "--print-every and --idle-timeout must not be negative";
        }
        return null;
    }
}
