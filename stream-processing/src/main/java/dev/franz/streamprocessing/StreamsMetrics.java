package dev.franz.streamprocessing;

import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Numbers the Streams engine reads from Kafka Streams' metrics ({@code streams.metrics()}, or a
 * {@code TopologyTestDriver}'s): how many events its consumers read, how many late events it dropped.
 */
final class StreamsMetrics {

    private StreamsMetrics() {
    }

    /** Records the application's consumers read from {@code topic} (not from its internal topics). */
    static double consumedFrom(Map<MetricName, ? extends Metric> metrics, String topic) {
        return metrics.entrySet().stream()
                .filter(entry -> entry.getKey().name().equals("records-consumed-total")
                        && entry.getKey().group().equals("consumer-fetch-manager-metrics")
                        && topic.equals(entry.getKey().tags().get("topic")))
                .mapToDouble(entry -> ((Number) entry.getValue().metricValue()).doubleValue())
                .sum();
    }

    /** Late records dropped by windowed aggregations, from Kafka Streams' task metrics. */
    static double droppedRecords(Map<MetricName, ? extends Metric> metrics) {
        return metricSum(metrics, "dropped-records-total", "stream-task-metrics");
    }

    /** A metric summed over threads or tasks, e.g. dropped-records-total of stream-task-metrics. */
    static double metricSum(Map<MetricName, ? extends Metric> metrics, String name, String group) {
        return metrics.entrySet().stream()
                .filter(entry -> entry.getKey().name().equals(name) && entry.getKey().group().equals(group))
                .mapToDouble(entry -> ((Number) entry.getValue().metricValue()).doubleValue())
                .sum();
    }
}
