package dev.franz.liveview;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.franz.liveview.ClientMetricsFeed.Client;
import dev.franz.liveview.ClientMetricsFeed.MetricKey;
import dev.franz.liveview.Views.ClusterView;
import dev.franz.liveview.Views.GroupPartitionView;
import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.PartitionView;
import dev.franz.liveview.Views.TopicView;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;

/**
 * {@code GET /metrics}: what the live view knows, as Prometheus text (format 0.0.4), written by
 * Prometheus's own Java client from the state at the moment of the scrape. Two sources:
 * <ul>
 *   <li>what the clients pushed (KIP-714, {@link ClientMetricsFeed}), for each client instance alive
 *       (pushed within its last 3 intervals): {@code kafka_<Kafka's name without org.apache.kafka.>},
 *       with {@code .} and {@code -} as {@code _}; Kafka's totals (names ending {@code .total}) as
 *       counters, everything else as gauges; labels {@code client_id}, {@code client_instance_id}, and
 *       {@code topic} and {@code partition} for a metric that carries them. A metric with no value yet is
 *       left out. And per client: {@code franz_client_last_push_timestamp_seconds} and
 *       {@code franz_client_push_interval_seconds};</li>
 *   <li>what the broker reports (Admin, the live view's last look, while a broker answers), per group
 *       and partition: {@code franz_group_lag_records}, {@code franz_group_lag_seconds} (the age of the
 *       oldest unread record; left out while unknown), {@code franz_group_committed_offset},
 *       {@code franz_group_members}, and {@code franz_partition_end_offset} (topics other than Kafka's
 *       internal ones).</li>
 * </ul>
 */
final class PrometheusText {

    /** What {@code /metrics} answers with: {@code text/plain; version=0.0.4; charset=utf-8}. */
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private PrometheusText() {
    }

    /** The Prometheus name of a pushed metric: {@code org.apache.kafka.producer.record.send.rate} is {@code kafka_producer_record_send_rate}. */
    static String name(String kafkaName) {
        String name = kafkaName.startsWith("org.apache.kafka.") ? kafkaName.substring("org.apache.kafka.".length()) : kafkaName;
        return "kafka_" + name.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    /** The page's text for the clients alive at {@code now} and the cluster's last look. */
    static String text(List<Client> clients, ClusterView cluster, long now) {
        Families families = new Families();
        for (Client client : clients) {
            if (client.liveness() != ClientMetricsFeed.Liveness.ALIVE) {
                continue; // gone: dropped, so that a series ends when its client does
            }
            Labels own = Labels.of("client_id", client.clientId(), "client_instance_id", client.instanceId());
            for (Map.Entry<String, Double> metric : client.metrics().entrySet()) {
                Double value = metric.getValue();
                if (value == null || value.isNaN()) {
                    continue;
                }
                MetricKey key = MetricKey.parse(metric.getKey());
                Labels labels = own;
                for (Map.Entry<String, String> label : key.labels().entrySet()) {
                    String labelName = PrometheusNaming.sanitizeLabelName(label.getKey());
                    if (!labels.contains(labelName)) {
                        labels = labels.add(labelName, label.getValue());
                    }
                }
                boolean total = key.name().endsWith(".total");
                families.add(name(key.name()), total, "Kafka client metric " + key.name() + ", pushed by the client (KIP-714)",
                        labels, value);
            }
            families.add("franz_client_last_push_timestamp_seconds", false,
                    "When the client last pushed its metrics, in seconds since 1970", own, client.lastPushMs() / 1000.0);
            families.add("franz_client_push_interval_seconds", false,
                    "How often the client pushes its metrics (the subscription's interval)", own,
                    client.pushIntervalMs() / 1000.0);
        }
        if (cluster.brokerUp()) {
            for (GroupView group : cluster.groups()) {
                families.add("franz_group_members", false, "Members of the group, as the broker lists them",
                        Labels.of("group", group.id()), group.members().size());
                for (GroupPartitionView p : group.partitions()) {
                    Labels labels = Labels.of("group", group.id(), "topic", p.topic(), "partition", String.valueOf(p.partition()));
                    if (p.lag() != null) {
                        families.add("franz_group_lag_records", false,
                                "Records the group has not read yet: the end of the partition minus its committed offset",
                                labels, p.lag());
                    }
                    if (p.lagSeconds() != null) {
                        families.add("franz_group_lag_seconds", false,
                                "How old the oldest record the group has not read is, in seconds (0 when it has read everything)",
                                labels, p.lagSeconds());
                    }
                    if (p.committed() != null) {
                        families.add("franz_group_committed_offset", false,
                                "The group's committed offset: the next offset it reads", labels, p.committed());
                    }
                }
            }
            for (TopicView topic : cluster.topics()) {
                if (topic.internal()) {
                    continue;
                }
                for (PartitionView p : topic.partitions()) {
                    families.add("franz_partition_end_offset", false, "The partition's end (high watermark)",
                            Labels.of("topic", topic.name(), "partition", String.valueOf(p.partition())), p.highWatermark());
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            WRITER.write(out, families.snapshots());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The metric families of one scrape, each with its type, help and points; one name, one type. */
    private static final class Families {
        private record Point(Labels labels, double value) {
        }

        private record Family(boolean counter, String help, List<Point> points, Set<Labels> seen) {
        }

        private final Map<String, Family> byName = new LinkedHashMap<>();

        void add(String name, boolean counter, String help, Labels labels, double value) {
            // A counter's name is written with _total; the family is known by the name without it.
            String base = counter && name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
            if (counter && (value < 0 || Double.isInfinite(value))) {
                return; // not a count
            }
            Family family = byName.computeIfAbsent(base, n -> new Family(counter, help, new ArrayList<>(), new HashSet<>()));
            if (family.counter() != counter || !family.seen().add(labels)) {
                return; // two Kafka names that end up as one Prometheus name: the first is kept
            }
            family.points().add(new Point(labels, value));
        }

        MetricSnapshots snapshots() {
            List<MetricSnapshot> snapshots = new ArrayList<>();
            byName.forEach((name, family) -> {
                if (family.counter()) {
                    CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(family.help());
                    family.points().forEach(p -> counter.dataPoint(CounterDataPointSnapshot.builder()
                            .labels(p.labels()).value(p.value()).build()));
                    snapshots.add(counter.build());
                } else {
                    GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(family.help());
                    family.points().forEach(p -> gauge.dataPoint(GaugeDataPointSnapshot.builder()
                            .labels(p.labels()).value(p.value()).build()));
                    snapshots.add(gauge.build());
                }
            });
            return new MetricSnapshots(snapshots);
        }
    }
}
