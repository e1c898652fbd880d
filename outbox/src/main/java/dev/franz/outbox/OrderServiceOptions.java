package dev.franz.outbox;

import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.SharedOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code outbox place}'s command line. What the options change, the dual write or the outbox, is in
 * {@link OrderService}; what it prints in {@link OrderServiceLines}.
 */
final class OrderServiceOptions {

    /** The two ways of telling Kafka. */
    enum Via { DUAL_WRITE, OUTBOX }

    @Option(names = "--via", paramLabel = "WAY", required = true,
            description = "dual-write (the database, then Kafka) or outbox (one database transaction; Debezium"
                    + " publishes).")
    Via via;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "10", converter = Numbers.Positive.class,
            description = "How many orders (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "0.5",
            converter = Numbers.NotNegativeSeconds.class,
            description = "Seconds between orders, fractions allowed; 0: as fast as possible (default: ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--crash-after", paramLabel = "N", converter = Numbers.Positive.class,
            description = "Crash (halt the JVM, as kill -9 would) right after order N is committed to the database,"
                    + " before anything else happens to it.")
    Long crashAfter;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed, to place the same orders again.")
    Long seed;

    @Mixin
    SharedOptions.PrintEvery printEvery;
}
