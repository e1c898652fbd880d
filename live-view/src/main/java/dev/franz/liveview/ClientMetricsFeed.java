package dev.franz.liveview;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.liveview.Views.ClusterView;
import dev.franz.liveview.Views.TopicView;

/**
 * What every Kafka client pushes to the broker (KIP-714), as the course's broker writes it: one JSON
 * record per push, key = the client instance id, on the topic {@value #TOPIC} (docs/observability.md).
 * A consumer of the live view's own reads that topic from its beginning with {@code assign()} (no group,
 * no commits) and keeps, per client instance, its latest record and the last ten minutes of each of its
 * own metrics (those without a topic or partition), at most {@value #HISTORY_POINTS} values each.
 *
 * <p>A client is <b>gone</b> when its last push said it was closing ({@code terminating: true}: it was
 * closed) or when it has not pushed for {@value #GONE_AFTER_INTERVALS} push intervals (silent: it
 * crashed, was killed, or lost the broker). A gone client is shown for ten minutes, then forgotten.
 * Memory stays bounded: at most {@value #MAX_INSTANCES} client instances (a restarted program is a new
 * instance), the longest silent forgotten first. A record that is not what the broker writes is skipped
 * and counted; it never stops the feed.
 */
final class ClientMetricsFeed {

    /** The topic the course's broker writes the pushes to (support/embedded-broker's ClientMetrics.TOPIC). */
    static final String TOPIC = "_franz-client-metrics";
    /** Client instances kept: a few lessons' programs, restarted many times, stay well below it. */
    static final int MAX_INSTANCES = 100;
    /** How far back each metric's values are kept, for its small chart. */
    static final long HISTORY_MS = TimeUnit.MINUTES.toMillis(10);
    /** Values kept per metric at most: ten minutes at the course's 10 s interval is 60. */
    static final int HISTORY_POINTS = 120;
    /** No push for this many intervals: the client is gone (silent). */
    static final int GONE_AFTER_INTERVALS = 3;
    /** A gone client is shown this long after its last push, then forgotten. */
    static final long FORGET_GONE_AFTER_MS = TimeUnit.MINUTES.toMillis(10);
    /** The live view's own clients push too; they are left out (client ids franz-live-view-...). */
    static final String OWN_CLIENTS = "franz-live-view-";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Alive, or gone and why. */
    enum Liveness {
        ALIVE, CLOSED, SILENT;

        boolean gone() {
            return this != ALIVE;
        }
    }

    /**
     * A client instance as last seen: what its last push said, whether it is alive, and each metric's
     * latest value (null: no value yet, e.g. a commit latency before the first commit) with, for its
     * own metrics, {@code history}: [time in ms, value] pairs, oldest first.
     */
    record Client(String instanceId, String clientId, String softwareName, String softwareVersion, String principal,
                  String address, int pushIntervalMs, long firstPushMs, long lastPushMs, boolean terminating,
                  Liveness liveness, Map<String, Double> metrics, Map<String, List<Number[]>> history) {
    }

    /** Whether a client is alive at {@code now}: gone when it said it was closing, or silent for 3 intervals. */
    static Liveness liveness(boolean terminating, long lastPushMs, int pushIntervalMs, long now) {
        if (terminating) {
            return Liveness.CLOSED;
        }
        return now - lastPushMs > (long) GONE_AFTER_INTERVALS * pushIntervalMs ? Liveness.SILENT : Liveness.ALIVE;
    }

    /** A metric's values over time: two arrays used as a ring, so that its memory never grows. */
    private static final class History {
        private final long[] times = new long[HISTORY_POINTS];
        private final double[] values = new double[HISTORY_POINTS];
        private int start;
        private int size;

        void add(long time, double value) {
            if (size > 0 && times[(start + size - 1) % HISTORY_POINTS] >= time) {
                return; // the same push read twice (the topic read again from its start)
            }
            if (size == HISTORY_POINTS) {
                start = (start + 1) % HISTORY_POINTS;
                size--;
            }
            times[(start + size) % HISTORY_POINTS] = time;
            values[(start + size) % HISTORY_POINTS] = value;
            size++;
        }

        List<Number[]> since(long from) {
            List<Number[]> points = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                int at = (start + i) % HISTORY_POINTS;
                if (times[at] >= from) {
                    points.add(new Number[] {times[at], values[at]});
                }
            }
            return points;
        }
    }

    /** What is kept of one client instance. */
    private static final class Tracked {
        JsonNode latest;
        String clientId;
        int pushIntervalMs;
        long firstPushMs;
        long lastPushMs;
        boolean terminating;
        Map<String, Double> metrics = Map.of();
        final Map<String, History> history = new HashMap<>();
    }

    private final Properties clientProperties;
    private final Map<String, Tracked> instances = new HashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean topicFound;
    private long skipped;
    private KafkaConsumer<byte[], byte[]> consumer; // set once the loop has made it, for stop()

    ClientMetricsFeed(Properties clientProperties) {
        this.clientProperties = clientProperties;
    }

    /** The loop, on a thread of its own until {@link #stop()}; {@code latest}: the Admin side's newest look. */
    void run(Supplier<ClusterView> latest) {
        try (KafkaConsumer<byte[], byte[]> reader = KafkaWatcher.consumer(clientProperties,
                OWN_CLIENTS + "client-metrics", IsolationLevel.READ_UNCOMMITTED)) {
            synchronized (this) {
                consumer = reader;
            }
            Set<TopicPartition> assigned = Set.of();
            while (running) {
                // The topic's partitions from the Admin side's look: asking the consumer for a topic that
                // does not exist could create it, on a broker that creates topics on first use.
                Set<TopicPartition> wanted = partitions(latest.get());
                if (!wanted.equals(assigned)) {
                    reader.assign(wanted);
                    Set<TopicPartition> added = new java.util.HashSet<>(wanted);
                    added.removeAll(assigned);
                    reader.seekToBeginning(added);
                    assigned = wanted;
                    topicFound = !wanted.isEmpty();
                }
                if (assigned.isEmpty()) {
                    if (stop.await(1, TimeUnit.SECONDS)) {
                        return;
                    }
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                    accept(record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8),
                            record.value() == null ? null : new String(record.value(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        } catch (WakeupException | InterruptedException stopping) {
            // stop() woke us up: the consumer closes as we leave the try
        }
    }

    /** Ends the loop: wakes up the consumer if it is blocked in {@code poll()}. */
    void stop() {
        running = false;
        stop.countDown();
        synchronized (this) {
            if (consumer != null) {
                consumer.wakeup();
            }
        }
    }

    private static Set<TopicPartition> partitions(ClusterView view) {
        for (TopicView topic : view.topics()) {
            if (topic.name().equals(TOPIC)) {
                return topic.partitions().stream().map(p -> new TopicPartition(TOPIC, p.partition()))
                        .collect(Collectors.toUnmodifiableSet());
            }
        }
        return Set.of();
    }

    /** Whether the cluster has the topic (only brokers that Franz starts write it). */
    boolean topicFound() {
        return topicFound;
    }

    /** Records skipped because they were not what the course's broker writes. */
    synchronized long skipped() {
        return skipped;
    }

    /**
     * One record of the topic: kept, or skipped and counted. A record without a value (a deletion in a
     * compacted topic) forgets its client instance.
     *
     * @return whether it was kept
     */
    synchronized boolean accept(String key, String value) {
        if (value == null) {
            if (key != null) {
                instances.remove(key);
            }
            return false;
        }
        JsonNode push;
        Map<String, Double> metrics = new TreeMap<>();
        try {
            push = JSON.readTree(value);
            if (push == null || !push.isObject() || !push.path("clientInstanceId").isTextual()
                    || !push.path("pushIntervalMs").canConvertToInt() || push.path("pushIntervalMs").asInt() <= 0
                    || !push.path("lastPushMs").isIntegralNumber() || !push.path("firstPushMs").isIntegralNumber()
                    || !push.path("metrics").isObject()) {
                return skip();
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = push.get("metrics").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> metric = it.next();
                JsonNode number = metric.getValue();
                if (!number.isNumber() && !number.isNull()) {
                    return skip();
                }
                metrics.put(metric.getKey(), number.isNull() ? null : number.asDouble());
            }
        } catch (java.io.IOException notJson) {
            return skip();
        }
        String clientId = push.path("clientId").isTextual() ? push.get("clientId").asText() : "";
        if (clientId.startsWith(OWN_CLIENTS)) {
            return false;
        }
        String instanceId = push.get("clientInstanceId").asText();
        Tracked tracked = instances.get(instanceId);
        long lastPushMs = push.get("lastPushMs").asLong();
        if (tracked != null && tracked.lastPushMs > lastPushMs) {
            return false; // older than what is kept
        }
        if (tracked == null) {
            tracked = new Tracked();
            instances.put(instanceId, tracked);
        }
        tracked.latest = push;
        tracked.clientId = clientId;
        tracked.pushIntervalMs = push.get("pushIntervalMs").asInt();
        tracked.firstPushMs = push.get("firstPushMs").asLong();
        tracked.lastPushMs = lastPushMs;
        tracked.terminating = push.path("terminating").asBoolean(false);
        tracked.metrics = Collections.unmodifiableMap(metrics);
        for (Map.Entry<String, Double> metric : metrics.entrySet()) {
            if (metric.getValue() != null && metric.getKey().indexOf('{') < 0) {
                tracked.history.computeIfAbsent(metric.getKey(), k -> new History()).add(lastPushMs, metric.getValue());
            }
        }
        tracked.history.keySet().retainAll(metrics.keySet());
        if (instances.size() > MAX_INSTANCES) {
            // Forget the longest silent: a closed one first, then the one whose last push is oldest.
            instances.entrySet().stream()
                    .min(Comparator.comparing((Map.Entry<String, Tracked> e) -> !e.getValue().terminating)
                            .thenComparingLong(e -> e.getValue().lastPushMs))
                    .map(Map.Entry::getKey).ifPresent(instances::remove);
        }
        return true;
    }

    private boolean skip() {
        skipped++;
        return false;
    }

    /**
     * The client instances at {@code now}, by client id then first push: the alive ones and those gone
     * in the last ten minutes (older ones are forgotten here).
     */
    synchronized List<Client> clients(long now) {
        instances.values().removeIf(t -> liveness(t.terminating, t.lastPushMs, t.pushIntervalMs, now).gone()
                && now - t.lastPushMs > FORGET_GONE_AFTER_MS);
        List<Client> clients = new ArrayList<>();
        for (Map.Entry<String, Tracked> entry : instances.entrySet()) {
            Tracked t = entry.getValue();
            Map<String, List<Number[]>> history = new LinkedHashMap<>();
            t.history.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(h -> history.put(h.getKey(), h.getValue().since(t.lastPushMs - HISTORY_MS)));
            clients.add(new Client(entry.getKey(), t.clientId, text(t.latest, "softwareName"),
                    text(t.latest, "softwareVersion"), text(t.latest, "principal"), text(t.latest, "clientAddress"),
                    t.pushIntervalMs, t.firstPushMs, t.lastPushMs, t.terminating,
                    liveness(t.terminating, t.lastPushMs, t.pushIntervalMs, now), t.metrics, history));
        }
        clients.sort(Comparator.comparing(Client::clientId).thenComparingLong(Client::firstPushMs)
                .thenComparing(Client::instanceId));
        return clients;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }

    /**
     * A metric's name and its labels: {@code records.lag.max{partition=0,topic=orders}} is
     * ("records.lag.max", {partition=0, topic=orders}); a name without braces has none.
     */
    record MetricKey(String name, Map<String, String> labels) {
        static MetricKey parse(String key) {
            int brace = key.indexOf('{');
            if (brace < 0 || !key.endsWith("}")) {
                return new MetricKey(key, Map.of());
            }
            Map<String, String> labels = new TreeMap<>();
            for (String pair : key.substring(brace + 1, key.length() - 1).split(",")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    labels.put(pair.substring(0, equals), pair.substring(equals + 1));
                }
            }
            return new MetricKey(key.substring(0, brace), Collections.unmodifiableMap(labels));
        }
    }
}
