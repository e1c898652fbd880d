package dev.franz.common.kafka;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * One line when a client loses every connection to the brokers, and one when it is connected again,
 * with how long it was gone, instead of the client's reconnect warnings (turned down in the logging
 * config). Reads the client's own {@code connection-count} metric; call {@link #check} from the
 * poll loop, or {@link #watch} where the loop can be blocked for long in a client call (a
 * transaction's commit waits up to {@code max.block.ms}, 60 s, for a broker that is away). A client
 * reconnects by itself: nothing is lost while the broker is away.
 */
public final class ConnectionLines {

    private static final long CHECK_EVERY_NANOS = 500_000_000L;

    private final PrintStream out;
    private final String brokers;
    private final String whileAway;
    private boolean everConnected;
    private long lostAt = -1;
    private long checkedAt;

    /** For a consumer: what it has not read stays in Kafka, nothing is lost. */
    public ConnectionLines(PrintStream out, String brokers) {
        this(out, brokers, "retrying until it is back (nothing is lost).");
    }

    private ConnectionLines(PrintStream out, String brokers, String whileAway) {
        this.out = out;
        this.brokers = brokers;
        this.whileAway = whileAway;
    }

    /** For a producer, whose sends wait for the broker only so long before they fail. */
    public static ConnectionLines forProducer(PrintStream out, String brokers) {
        return new ConnectionLines(out, brokers, "retrying until it is back; a send not through within 1 to 2"
                + " minutes (max.block.ms, delivery.timeout.ms) fails and is reported.");
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

    /**
     * Checks the clients' metrics twice a second on a thread of its own until closed: the lines come
     * while the broker is away even when the program's thread waits in a client call. The broker
     * counts as away while none of the clients has a connection.
     */
    @SafeVarargs
    public final Watch watch(Supplier<Map<MetricName, ? extends Metric>>... clientMetrics) {
        List<Supplier<Map<MetricName, ? extends Metric>>> clients = List.of(clientMetrics);
        Runnable checkAll = () -> {
            double connections = 0;
            for (Supplier<Map<MetricName, ? extends Metric>> client : clients) {
                connections += connections(client.get());
            }
            update(connections, System.nanoTime());
        };
        Thread watcher = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    checkAll.run();
                    Thread.sleep(CHECK_EVERY_NANOS / 1_000_000);
                }
            } catch (InterruptedException e) {
                // closed: the program is stopping
            }
        }, "connection lines");
        watcher.setDaemon(true);
        watcher.start();
        return () -> {
            watcher.interrupt();
            checkAll.run(); // a broker back just before the end is still said
        };
    }

    /** A running {@link #watch}; closing it stops the checks. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    synchronized void update(double connections, long now) {
        if (connections > 0) {
            if (lostAt >= 0) {
                out.printf("Broker back at %s after %.1f s: going on where we were.%n", brokers, (now - lostAt) / 1e9);
                lostAt = -1;
            }
            everConnected = true;
        } else if (everConnected && lostAt < 0) {
            lostAt = now;
            out.printf("Lost the connection to the broker at %s; %s%n", brokers, whileAway);
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
