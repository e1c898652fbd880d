package dev.franz.orderproducer;

import java.io.PrintStream;

import org.apache.kafka.clients.producer.RecordMetadata;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.events.Order;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** order-producer's options, and what it prints: each acknowledged order and the summary. */
final class OrderProducerOptions {

    @Option(names = {"-n", "--count"}, paramLabel = "N", converter = Numbers.Positive.class,
            description = "How many orders (default: 10).")
    Long count;

    @Option(names = "--interval", paramLabel = "SECONDS", converter = Numbers.NotNegativeSeconds.class,
            description = "Seconds between orders, fractions allowed; 0 sends as fast as possible (default: 0.5).")
    Double interval;

    // The original course's order producer took both as words (3b_producer_orders.py 10 2): still accepted.
    @Parameters(index = "0", arity = "0..1", paramLabel = "NUM_ORDERS", converter = Numbers.Positive.class,
            description = "The same as --count, as a word.")
    Long countWord;

    @Parameters(index = "1", arity = "0..1", paramLabel = "INTERVAL_SECONDS", converter = Numbers.NotNegativeSeconds.class,
            description = "The same as --interval, as a word.")
    Double intervalWord;

    @Option(names = "--customers", paramLabel = "N", defaultValue = "20", converter = Numbers.PositiveInt.class,
            description = "How many different customers (default: ${DEFAULT-VALUE}).")
    int customers;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed, to place the same orders again.")
    Long seed;

    @Mixin
    SharedOptions.PrintEvery printEvery;

    @Mixin
    SummaryOption summaryOption;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** --count, or NUM_ORDERS; 10 when neither is given. */
    long orders() {
        return Cli.givenOnce(spec, "--count", count, "NUM_ORDERS", countWord, 10L);
    }

    /** --interval, or INTERVAL_SECONDS; 0.5 when neither is given. */
    double intervalSeconds() {
        double seconds = Cli.givenOnce(spec, "--interval", interval, "INTERVAL_SECONDS", intervalWord, 0.5);
        if (seconds < 0) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--interval': '"
                    + seconds + "' is not allowed, it must be 0 or more");
        }
        return seconds;
    }

    static void printStart(PrintStream out, long orders, String topic, double intervalSeconds) {
        out.printf("Placing %d orders on %s, %s%n", orders, topic,
                intervalSeconds == 0 ? "as fast as possible" : "one every " + intervalSeconds + " s");
    }

    /** Where an acknowledged order landed (with --print-every N, the first and every Nth); {@code number} from 1. */
    static void printAcknowledged(PrintStream out, long number, long printEvery, Order order, RecordMetadata metadata) {
        if (ConsoleLines.printThis(number, printEvery)) {
            out.printf("order %-16s %-7s %d item(s) %8s %s -> %s partition %d offset %d%n", order.orderId(),
                    order.customerId(), order.items().size(), order.amount().toPlainString(), order.currency(),
                    metadata.topic(), metadata.partition(), metadata.offset());
        }
    }

    static void printFailed(PrintStream out, Order order, Exception error) {
        out.printf("order %s FAILED: %s%n", order.orderId(), error);
    }

    /** The summary at the end (and in --summary-json's file). */
    void printSummary(PrintStream out, OrderCounts counts, String topic) {
        new RunSummary("order-producer", "placed", counts.sent(), "orders", counts.elapsed())
                .detail("topic", topic)
                .count("acknowledged", counts.acknowledged())
                .count("failed", counts.failed())
                .report(out, summaryOption.file());
    }
}
