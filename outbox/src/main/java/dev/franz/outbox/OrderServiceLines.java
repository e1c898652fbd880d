package dev.franz.outbox;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.Order;
import dev.franz.outbox.OrderServiceOptions.Via;

/** What {@code outbox place} and {@code outbox check} print. The Kafka side is in {@link OrderService}. */
final class OrderServiceLines {

    private OrderServiceLines() {
    }

    static void placing(PrintStream out, FranzConfig config, String topic, OrderServiceOptions options) {
        out.printf("Placing %d orders in %s, %s: %s%n", options.count, config.postgres(),
                options.interval == 0 ? "as fast as possible" : "one every " + options.interval + " s",
                options.via == Via.OUTBOX
                        ? "each with an outbox row in one transaction; Debezium publishes the rows to " + topic
                        : "each committed, then sent to " + topic + " by this program (a dual write)");
    }

    static void placed(PrintStream out, long placed, Via via) {
        out.printf("Placed %d orders%s.%n", placed, via == Via.OUTBOX
                ? " (in the database; Connect publishes them: outbox check compares)" : "");
    }

    static void order(PrintStream out, OrderServiceOptions options, long number, Order order, String what) {
        if (options.printEvery.printThis(number)) {
            out.printf("order %-16s %-7s %8s %s %s%n", order.orderId(), order.customerId(),
                    order.amount().toPlainString(), order.currency(), what);
        }
    }

    static void crash(PrintStream out, long number, Order order, String what) {
        out.printf("CRASH right after order %d (%s) was committed, %s (--crash-after %d)%n", number,
                order.orderId(), what, number);
        out.flush();
    }

    /** {@code check}'s comparison: the orders table against the keys on the topic. */
    static void compared(PrintStream out, String topic, Set<String> inDatabase, Map<String, Integer> onTopic,
                         List<String> missing, List<String> twice) {
        List<String> unknown = onTopic.keySet().stream().filter(id -> !inDatabase.contains(id)).toList();
        out.printf("%d orders in the database, %d distinct order ids on %s%n", inDatabase.size(), onTopic.size(),
                topic);
        out.printf("  in the database, never on %s: %d %s%n", topic, missing.size(), missing.isEmpty() ? "" : missing);
        out.printf("  on %s more than once      : %d %s%n", topic, twice.size(), twice.isEmpty() ? "" : twice);
        out.printf("  on %s, not in the database: %d %s%n", topic, unknown.size(),
                unknown.isEmpty() ? "" : "(orders from elsewhere, e.g. order-producer)");
    }
}
