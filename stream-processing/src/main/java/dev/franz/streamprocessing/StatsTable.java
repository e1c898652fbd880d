package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.util.Map;

import dev.franz.common.events.UserTotals;

/** The stateful mode's compact table, the same for both engines. */
final class StatsTable {

    private StatsTable() {
    }

    static void print(PrintStream out, Map<String, Long> countsByType, Map<String, UserTotals> totalsByUser) {
        StringBuilder types = new StringBuilder();
        countsByType.forEach((type, count) -> types.append(String.format("%s=%,d  ", type, count)));
        out.println("events by type: " + types.toString().strip());
        out.println("user      events  purchases     total");
        totalsByUser.forEach((user, totals) -> out.printf("%-8s %7d %10d %9s%n", user, totals.events(),
                totals.purchases(), totals.purchaseTotal().toPlainString()));
    }
}
