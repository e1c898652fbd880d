package dev.franz.liveview;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.franz.liveview.ClientMetricsFeed.Client;
import dev.franz.liveview.ClientMetricsFeed.MetricKey;
import dev.franz.liveview.Views.ClusterView;
import dev.franz.liveview.Views.GroupPartitionView;
import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.MemberView;

/**
 * The {@code #clients} view's data, sent to the page as the "clients" event: one panel per client
 * instance from {@link ClientMetricsFeed}, and for a consumer, the lag it reports per partition next to
 * the lag the broker computes for its group ({@link GroupLag}). No Kafka calls here.
 */
final class ClientPanels {

    /** The consumer's own lag metric, per partition when it carries braces. */
    static final String LAG_METRIC = "org.apache.kafka.consumer.fetch.manager.records.lag.max";

    private ClientPanels() {
    }

    /**
     * Everything the view shows. {@code topicFound}: false on a broker that Franz did not start (no
     * {@value ClientMetricsFeed#TOPIC}); {@code skipped}: records of that topic the live view could not read.
     */
    record ClientsView(boolean topicFound, long skipped, List<ClientView> clients) {
    }

    /**
     * A client instance: {@code program}, the program its client id names; {@code state} "alive" or
     * "gone", {@code goneBecause} "closed" (its last push said so) or "silent" (no push for 3 intervals);
     * {@code metrics}, its own metrics (no topic or partition) with their history; {@code lag}, for a
     * consumer, per partition; {@code groups}, the groups it is a member of, as the broker lists them.
     */
    record ClientView(String instanceId, String clientId, String program, String software, String principal,
                      String address, int pushIntervalMs, long firstPushMs, long lastPushMs, String state,
                      String goneBecause, List<MetricView> metrics, List<LagView> lag, List<String> groups) {
    }

    /** One metric: its full name, its latest value (null: none yet) and [time, value] pairs, oldest first. */
    record MetricView(String name, Double value, List<Number[]> history) {
    }

    /**
     * One partition a consumer reads: {@code reported}, the largest lag its fetches saw (its
     * records.lag.max, as of its last push); {@code group} and the broker's figures for that group:
     * committed offset, end of the log and lag (null where the broker has none).
     */
    record LagView(String topic, int partition, Double reported, String group, Long committed, Long end,
                   Long brokerLag) {
    }

    static ClientsView build(ClientMetricsFeed feed, ClusterView cluster, long now) {
        List<ClientView> views = new ArrayList<>();
        for (Client client : feed.clients(now)) {
            views.add(view(client, cluster));
        }
        return new ClientsView(feed.topicFound(), feed.skipped(), views);
    }

    static ClientView view(Client c, ClusterView cluster) {
        List<MetricView> metrics = new ArrayList<>();
        // partition "topic-p" -> [topic, partition, reported]
        Map<String, LagView> lag = new TreeMap<>();
        for (Map.Entry<String, Double> metric : c.metrics().entrySet()) {
            MetricKey key = MetricKey.parse(metric.getKey());
            if (key.labels().isEmpty()) {
                metrics.add(new MetricView(key.name(), metric.getValue(),
                        c.history().getOrDefault(key.name(), List.of())));
            } else if (key.name().equals(LAG_METRIC) && key.labels().containsKey("topic")
                    && key.labels().containsKey("partition")) {
                Integer partition = integer(key.labels().get("partition"));
                if (partition != null) {
                    String topic = key.labels().get("topic");
                    lag.put(topic + "-" + partition, new LagView(topic, partition, metric.getValue(), null, null, null, null));
                }
            }
        }
        List<String> groups = new ArrayList<>();
        if (!c.liveness().gone()) {
            for (GroupView group : cluster.groups()) {
                List<MemberView> own = group.members().stream().filter(m -> c.clientId().equals(m.clientId())).toList();
                if (own.isEmpty()) {
                    continue;
                }
                groups.add(group.id());
                for (GroupPartitionView p : group.partitions()) {
                    String name = p.topic() + "-" + p.partition();
                    boolean owned = own.stream().anyMatch(m -> m.partitions().contains(name));
                    LagView reported = lag.get(name);
                    if (owned || reported != null) {
                        lag.put(name, new LagView(p.topic(), p.partition(), reported == null ? null : reported.reported(),
                                group.id(), p.committed(), p.end(), p.lag()));
                    }
                }
            }
        }
        List<LagView> rows = new ArrayList<>(lag.values());
        rows.sort(java.util.Comparator.comparing(LagView::topic).thenComparingInt(LagView::partition));
        return new ClientView(c.instanceId(), c.clientId(), program(c.clientId(), c.softwareName()),
                c.softwareName() == null ? null : c.softwareName() + (c.softwareVersion() == null ? "" : " " + c.softwareVersion()),
                c.principal(), c.address(), c.pushIntervalMs(), c.firstPushMs(), c.lastPushMs(),
                c.liveness().gone() ? "gone" : "alive",
                c.liveness() == ClientMetricsFeed.Liveness.CLOSED ? "closed"
                        : c.liveness() == ClientMetricsFeed.Liveness.SILENT ? "silent" : null,
                metrics, rows, groups);
    }

    /**
     * The program behind a client id, as the doctor names it: the id without a copy's number
     * (basic-consumer-8474-2: basic-consumer), a Kafka Streams thread's or admin client's id without its
     * process id (word-count-0f1e...-StreamThread-2-consumer: word-count). With no client id, the
     * client's software name.
     */
    static String program(String clientId, String softwareName) {
        if (clientId == null || clientId.isEmpty()) {
            return softwareName == null ? "unknown" : softwareName;
        }
        String program = clientId
                .replaceAll("-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-(StreamThread-\\d+-[a-z-]+|admin)$", "")
                .replaceAll("([-_.]\\d+)+$", "");
        return program.isEmpty() ? clientId : program;
    }

    private static Integer integer(String text) {
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
