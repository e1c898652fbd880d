package dev.franz.common.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every Level 3 service shares, as a picocli mixin: which instance it is, how much it
 * prints, and when it ends by itself.
 */
public final class ServiceOptions {

    @Option(names = "--instance", paramLabel = "N", defaultValue = "1", converter = Numbers.Positive.class,
            description = "Which copy of this program this is (1, 2, ...), so copies run side by side: it ends the"
                    + " client id, and it is also the copy's static group member id and transactional id, so a"
                    + " restart with the same number takes its partitions back and fences the old one"
                    + " (default: ${DEFAULT-VALUE}).")
    long instance;

    @Mixin
    SharedOptions.PrintEvery printEvery;

    @Mixin
    SharedOptions.IdleTimeout idleTimeout;

    @Mixin
    SharedOptions.MaxMessages maxMessages;

    /**
     * The instance's stable name, e.g. {@code payment-service-1}: its client id, group instance id and
     * transactional id. Distinct for every copy in a group, as long as each has its own --instance.
     */
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
