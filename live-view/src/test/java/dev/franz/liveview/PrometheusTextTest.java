package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.franz.liveview.Views.ClusterView;
import dev.franz.liveview.Views.GroupPartitionView;
import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.MemberView;
import dev.franz.liveview.Views.PartitionView;
import dev.franz.liveview.Views.TopicView;

/** /metrics for a planted set of clients and groups, parsed back as Prometheus reads it. */
class PrometheusTextTest {

    private static final long NOW = 1_796_584_800_000L;

    /** One series as scraped: its name, its labels, its value. */
    record Series(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    static List<Series> parse(String text, Map<String, String> types) {
        List<Series> series = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
                continue;
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as("a series line: %s", line).isTrue();
            Map<String, String> labels = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            }
            series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return series;
    }

    @Test
    void clientsAliveWithTheirMetricsAndGroupsWithTheirLagAsPrometheusReadsThem() {
        ClientMetricsFeed feed = new ClientMetricsFeed(new Properties());
        feed.accept("P1", ClientMetricsFeedTest.push("P1", "order-producer", 10_000, NOW - 60_000, NOW - 5_000, false,
                "\"org.apache.kafka.producer.record.send.rate\":3.5,\"org.apache.kafka.producer.request.latency.avg\":null,"
                        + "\"org.apache.kafka.producer.txn.abort.time.ns.total\":1200"));
        feed.accept("C1", ClientMetricsFeedTest.push("C1", "payment-\"service\"-1", 10_000, NOW - 60_000, NOW - 2_000, false,
                "\"org.apache.kafka.consumer.fetch.manager.records.lag.max\":7.0,"
                        + "\"org.apache.kafka.consumer.fetch.manager.records.lag.max{partition=2,topic=orders}\":7.0,"
                        + "\"org.apache.kafka.consumer.coordinator.rebalance.total\":2,"
                        + "\"org.apache.kafka.consumer.poll.idle.ratio.avg\":0.25"));
        feed.accept("G1", ClientMetricsFeedTest.push("G1", "silent-one", 10_000, NOW - 120_000, NOW - 31_000, false,
                "\"org.apache.kafka.producer.record.send.rate\":1.0"));
        feed.accept("G2", ClientMetricsFeedTest.push("G2", "closed-one", 10_000, NOW - 120_000, NOW - 1_000, true,
                "\"org.apache.kafka.producer.record.send.rate\":1.0"));
        ClusterView cluster = new ClusterView(NOW, "localhost:9092", true, null, null,
                List.of(new TopicView("orders", false, true, List.of(new PartitionView(2, 0, 107, 107, 1))),
                        new TopicView("__consumer_offsets", true, false, List.of(new PartitionView(0, 0, 9, 9, 1)))),
                List.of(new GroupView("payment-service", "consumer", "", "Stable", 3,
                        List.of(new MemberView("m1", "payment-\"service\"-1", "/127.0.0.1", null, List.of("orders-2"))),
                        List.of(new GroupPartitionView("orders", 2, 100L, 107, 7L, 4.5, "payment-service-1", "m1"),
                                new GroupPartitionView("orders", 3, null, 0, null, null, null, null)),
                        7, 4.5, List.of())),
                List.of(), List.of(), null, List.of(), null, List.of());

        String text = PrometheusText.text(feed.clients(NOW), cluster, NOW);
        Map<String, String> types = new HashMap<>();
        List<Series> series = parse(text, types);

        Map<String, String> producer = Map.of("client_id", "order-producer", "client_instance_id", "P1");
        Map<String, String> consumer = Map.of("client_id", "payment-\"service\"-1", "client_instance_id", "C1");
        assertThat(series).contains(
                new Series("kafka_producer_record_send_rate", producer, 3.5),
                new Series("kafka_producer_txn_abort_time_ns_total", producer, 1200),
                new Series("kafka_consumer_fetch_manager_records_lag_max", consumer, 7),
                new Series("kafka_consumer_fetch_manager_records_lag_max", Map.of("client_id", "payment-\"service\"-1",
                        "client_instance_id", "C1", "topic", "orders", "partition", "2"), 7),
                new Series("kafka_consumer_coordinator_rebalance_total", consumer, 2),
                new Series("kafka_consumer_poll_idle_ratio_avg", consumer, 0.25),
                new Series("franz_client_last_push_timestamp_seconds", producer, (NOW - 5_000) / 1000.0),
                new Series("franz_client_push_interval_seconds", consumer, 10),
                new Series("franz_group_lag_records", Map.of("group", "payment-service", "topic", "orders", "partition", "2"), 7),
                new Series("franz_group_lag_seconds", Map.of("group", "payment-service", "topic", "orders", "partition", "2"), 4.5),
                new Series("franz_group_committed_offset", Map.of("group", "payment-service", "topic", "orders", "partition", "2"), 100),
                new Series("franz_group_members", Map.of("group", "payment-service"), 1),
                new Series("franz_partition_end_offset", Map.of("topic", "orders", "partition", "2"), 107));
        // Totals are counters, the rest gauges.
        assertThat(types).containsEntry("kafka_consumer_coordinator_rebalance_total", "counter")
                .containsEntry("kafka_producer_txn_abort_time_ns_total", "counter")
                .containsEntry("kafka_producer_record_send_rate", "gauge")
                .containsEntry("franz_group_lag_records", "gauge");
        // A null value is left out; so are the gone clients, a partition with nothing committed, internal topics.
        assertThat(series).noneMatch(s -> s.name().equals("kafka_producer_request_latency_avg"));
        assertThat(series).noneMatch(s -> "silent-one".equals(s.labels().get("client_id"))
                || "closed-one".equals(s.labels().get("client_id")));
        assertThat(series).filteredOn(s -> s.name().startsWith("franz_group_lag")).allMatch(s -> s.labels().get("partition").equals("2"));
        assertThat(series).noneMatch(s -> "__consumer_offsets".equals(s.labels().get("topic")));
        assertThat(PrometheusText.CONTENT_TYPE).startsWith("text/plain; version=0.0.4");

        // While no broker answers, the broker's figures are not exposed (they would be stale); the clients' are.
        ClusterView down = new ClusterView(NOW, "localhost:9092", false, "no broker", NOW, cluster.topics(), cluster.groups(),
                List.of(), List.of(), null, List.of(), null, List.of());
        List<Series> whileDown = parse(PrometheusText.text(feed.clients(NOW), down, NOW), new HashMap<>());
        assertThat(whileDown).noneMatch(s -> s.name().startsWith("franz_group") || s.name().startsWith("franz_partition"))
                .anyMatch(s -> s.name().equals("kafka_producer_record_send_rate"));
    }

    @Test
    void kafkaNamesBecomePrometheusNames() {
        assertThat(PrometheusText.name("org.apache.kafka.producer.record.send.rate")).isEqualTo("kafka_producer_record_send_rate");
        assertThat(PrometheusText.name("org.apache.kafka.consumer.fetch-manager.records-lag-max"))
                .isEqualTo("kafka_consumer_fetch_manager_records_lag_max");
        assertThat(PrometheusText.name("org.apache.kafka.stream.thread.process.rate")).isEqualTo("kafka_stream_thread_process_rate");
    }
}
