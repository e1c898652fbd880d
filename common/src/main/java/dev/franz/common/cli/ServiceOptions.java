package dev.franz.common.cli;

import picocli.CommandLine.Mixin;
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

    @Mixin
    SharedOptions.PrintEvery printEvery;

    @Mixin
    SharedOptions.IdleTimeout idleTimeout;

    @Mixin
    SharedOptions.MaxMessages maxMessages;

    /** The instance's stable name, e.g. {@code payment-service-1}: its group instance id and transactional id. */
    public String instanceName(String service) {
        return service + "-" + instance;
    }

    public SharedOptions.PrintEvery printEvery() {
        return printEvery;
    }

    public SharedOptions.IdleTimeout idleTimeout() {
        return idleTimeout;
    }

    public SharedOptions.MaxMessages maxMessages() {
        return maxMessages;
    }
}
