package dev.franz.embedded;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The course's client metrics (KIP-714): every Kafka client measures itself, and once the broker has a
 * receiver plugin and a client-metrics subscription, the client pushes the subscribed metrics to the
 * broker every {@code interval.ms}. This class sets both up: the broker settings that load
 * {@link ClientMetricsReceiver}, and, once the cluster serves, the subscription and the topic where the
 * receiver writes what arrives.
 */
public final class ClientMetrics {

    /** Where the receiver writes each push, decoded, as JSON keyed by the client instance id. */
    public static final String TOPIC = "_franz-client-metrics";
    /** The client-metrics subscription's name ({@code kafka-client-metrics.sh --describe --name franz-lessons}). */
    public static final String SUBSCRIPTION = "franz-lessons";
    /** How often clients push: often enough to watch a lesson run, rare enough to cost nothing. */
    public static final int DEFAULT_INTERVAL_MS = 10_000;
    /** A broker setting of the course's own: the subscription's push interval, e.g. shorter in tests. */
    public static final String INTERVAL_PROPERTY = "franz.client.metrics.interval.ms";

    /** Metric name prefixes the lessons teach: what a producer, a consumer and Kafka Streams push. */
    public static final List<String> METRICS = List.of(
            "org.apache.kafka.producer.record.send.rate",
            "org.apache.kafka.producer.batch.size.avg",
            "org.apache.kafka.producer.compression.rate.avg",
            "org.apache.kafka.producer.request.latency",
            "org.apache.kafka.producer.record.error.rate",
            // A transactional producer's time in initTransactions, begin, sendOffsetsToTransaction, commit and
            // abort (txn.abort.time.ns.total grows with each abort: what the alert on aborts watches).
            "org.apache.kafka.producer.txn",
            "org.apache.kafka.consumer.fetch.manager.records.lag.max",
            "org.apache.kafka.consumer.fetch.manager.fetch.latency",
            "org.apache.kafka.consumer.coordinator.commit.latency",
            "org.apache.kafka.consumer.coordinator.rebalance.latency",
            "org.apache.kafka.consumer.coordinator.rebalance.total",
            "org.apache.kafka.consumer.poll.idle.ratio.avg",
            // Kafka Streams pushes through its clients: per application through its admin client, per
            // stream thread through that thread's consumer (KIP-1076). Not all: hundreds per task and node.
            "org.apache.kafka.stream.alive.stream.threads",
            "org.apache.kafka.stream.failed.stream.threads",
            "org.apache.kafka.stream.client.state",
            "org.apache.kafka.stream.thread.thread.state",
            "org.apache.kafka.stream.thread.process.rate",
            "org.apache.kafka.stream.thread.process.latency",
            "org.apache.kafka.stream.thread.commit.latency");

    // Broker settings of the course's own, read by the receiver: how it reaches its own broker.
    static final String BOOTSTRAP_PROPERTY = "franz.client.metrics.bootstrap.servers";
    static final String CLIENT_PREFIX = "franz.client.metrics.client.";

    private ClientMetrics() {
    }

    /**
     * The broker settings that load the receiver, which writes to the broker at {@code bootstrapServers}
     * with {@code clientSecurity} (empty on a plaintext broker).
     */
    static Properties brokerProperties(String bootstrapServers, Properties clientSecurity) {
        Properties p = new Properties();
        // A broker's metrics reporter that also implements ClientTelemetryExporterProvider receives the pushes.
        p.put("metric.reporters", ClientMetricsReceiver.class.getName());
        p.put(BOOTSTRAP_PROPERTY, bootstrapServers);
        clientSecurity.forEach((key, value) -> p.put(CLIENT_PREFIX + key, value));
        return p;
    }

    /** The client settings of the receiver and of {@link #setUp}: the broker's own address and security. */
    static Properties clientProperties(Map<?, ?> brokerConfig) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.valueOf(brokerConfig.get(BOOTSTRAP_PROPERTY)));
        brokerConfig.forEach((key, value) -> {
            if (String.valueOf(key).startsWith(CLIENT_PREFIX)) {
                p.put(String.valueOf(key).substring(CLIENT_PREFIX.length()), String.valueOf(value));
            }
        });
        // Not observed itself: it would push its own metrics, and its pushes would be written, and so on.
        p.put("enable.metrics.push", "false");
        return p;
    }

    /**
     * Creates the topic (if absent) and sets the subscription {@value #SUBSCRIPTION}: from then on every
     * client that connects pushes {@link #METRICS} every {@code intervalMs}.
     *
     * @param client Admin settings that reach the cluster (with its security, if any)
     */
    public static void setUp(Properties client, int intervalMs) {
        Properties props = new Properties();
        props.putAll(client);
        props.put("enable.metrics.push", "false");
        try (Admin admin = Admin.create(props)) {
            // Compacted: the latest push of each client instance stays; an hour later it is gone.
            NewTopic topic = new NewTopic(TOPIC, Optional.of(1), Optional.empty()).configs(Map.of(
                    "cleanup.policy", "compact,delete",
                    "retention.ms", String.valueOf(TimeUnit.HOURS.toMillis(1)),
                    "segment.ms", String.valueOf(TimeUnit.MINUTES.toMillis(10))));
            try {
                admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new BrokerStartException("Could not create the topic " + TOPIC + ": " + e.getCause(), e);
                }
            }
            ConfigResource subscription = new ConfigResource(ConfigResource.Type.CLIENT_METRICS, SUBSCRIPTION);
            Collection<AlterConfigOp> ops = List.of(
                    new AlterConfigOp(new ConfigEntry("metrics", String.join(",", METRICS)), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("interval.ms", String.valueOf(intervalMs)),
                            AlterConfigOp.OpType.SET));
            admin.incrementalAlterConfigs(Map.of(subscription, ops)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new BrokerStartException("Could not set up the client-metrics subscription " + SUBSCRIPTION + ": "
                    + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerStartException("Interrupted while setting up client metrics", e);
        }
    }

    /** The push interval a broker's settings ask for ({@value #INTERVAL_PROPERTY}), or the default. */
    static int intervalMs(Map<?, ?> brokerConfig) {
        Object value = brokerConfig.get(INTERVAL_PROPERTY);
        return value == null ? DEFAULT_INTERVAL_MS : Integer.parseInt(String.valueOf(value));
    }
}
