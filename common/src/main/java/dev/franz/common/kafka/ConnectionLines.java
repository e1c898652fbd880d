package dev.franz.common.kafka;

import java.io.PrintStream;
import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * One line when a client loses every connection to the brokers, and one when it is connected again,
 * with how long it was gone, instead of the client's reconnect warnings (turned down in the logging
 * config). Reads the client's own {@code connection-count} metric; call {@link #check} from the
 * poll loop. A client reconnects by itself: nothing is lost while the broker is away.
 */
public final class ConnectionLines {

    private static final long CHECK_EVERY_NANOS = 500_000_000L;

    private final PrintStream out;
    private final String brokers;
    private boolean everConnected;
    private long lostAt = -1;
    private long checkedAt;

    public ConnectionLines(PrintStream out, String brokers) {
        this.out = out;
        this.brokers = brokers;
    }

    /**
     * Looks at {@code metrics} (a client's {@code metrics()}): at most twice a second while connected,
     * at every call while the broker is away. Call it right after {@code poll()}.
     */
    public void check(Map<MetricName, ? extends Metric> metrics) {
        long now = System.nanoTime();
        if (lostAt < 0 && now - checkedAt < CHECK_EVERY_NANOS) {
            return;
        }
        checkedAt = now;
        update(connections(metrics), now);
    }

    void update(double connections, long now) {
        if (connections > 0) {
            if (lostAt >= 0) {
                out.printf("Broker back at %s after %.1f s: going on where we were.%n", brokers, (now - lostAt) / 1e9);
                lostAt = -1;
            }
            everConnected = true;
        } else if (everConnected && lostAt < 0) {
            lostAt = now;
            out.printf("Lost the connection to the broker at %s; retrying until it is back (nothing is lost).%n",
                    brokers);
        }
    }

    /** Open connections of a consumer, producer or admin client (the main ones, summed). */
    static double connections(Map<MetricName, ? extends Metric> metrics) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
            MetricName name = entry.getKey();
            if (name.name().equals("connection-count") && name.group().endsWith("-metrics")
                    && entry.getValue().metricValue() instanceof Number value) {
                sum += value.doubleValue();
            }
        }
        return sum;
    }
}
