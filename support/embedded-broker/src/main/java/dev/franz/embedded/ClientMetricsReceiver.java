package dev.franz.embedded;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.telemetry.ClientTelemetryContext;
import org.apache.kafka.server.telemetry.ClientTelemetryExporter;
import org.apache.kafka.server.telemetry.ClientTelemetryExporterProvider;
import org.apache.kafka.server.telemetry.ClientTelemetryPayload;
import org.apache.kafka.shaded.com.google.protobuf.InvalidProtocolBufferException;
import org.apache.kafka.shaded.io.opentelemetry.proto.common.v1.AnyValue;
import org.apache.kafka.shaded.io.opentelemetry.proto.common.v1.KeyValue;
import org.apache.kafka.shaded.io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import org.apache.kafka.shaded.io.opentelemetry.proto.metrics.v1.Metric;
import org.apache.kafka.shaded.io.opentelemetry.proto.metrics.v1.MetricsData;
import org.apache.kafka.shaded.io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import org.apache.kafka.shaded.io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import org.apache.kafka.shaded.io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker side of KIP-714, the course's own: receives what clients push, keeps per client instance
 * the latest value of each metric, and writes it as one JSON record (key: the client instance id) to
 * {@link ClientMetrics#TOPIC}, where any program can read it. Loaded by the broker through {@code
 * metric.reporters}: a metrics reporter that is also a {@link ClientTelemetryExporterProvider}.
 *
 * <p>Pushes arrive on the broker's request threads; decoding and writing happen on one thread of the
 * receiver's own, so a slow write never holds a client's request.
 */
public final class ClientMetricsReceiver implements MetricsReporter, ClientTelemetryExporterProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ClientMetricsReceiver.class);

    /** The receivers of the brokers in this JVM, by the address they write to. */
    private static final Map<String, Set<ClientMetricsReceiver>> RECEIVERS = new ConcurrentHashMap<>();

    private final Map<String, ClientState> clients = new HashMap<>();
    private Map<String, ?> brokerConfig = Map.of();
    private volatile ExecutorService writer;
    private Producer<String, String> producer;
    private volatile boolean stopped;

    @Override
    public void configure(Map<String, ?> configs) {
        brokerConfig = Map.copyOf(configs);
        RECEIVERS.computeIfAbsent(address(), a -> ConcurrentHashMap.newKeySet()).add(this);
    }

    private String address() {
        return String.valueOf(brokerConfig.get(ClientMetrics.BOOTSTRAP_PROPERTY));
    }

    /**
     * Stops the receivers that write to {@code bootstrapServers}: called before their broker stops, so
     * their producer does not try to reach a broker that no longer listens.
     */
    static void stopWriting(String bootstrapServers) {
        RECEIVERS.getOrDefault(bootstrapServers, Set.of()).forEach(ClientMetricsReceiver::close);
    }

    @Override
    public synchronized ClientTelemetryExporter clientTelemetryExporter() {
        if (writer == null) {
            writer = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "franz-client-metrics-receiver");
                thread.setDaemon(true);
                return thread;
            });
        }
        return this::received;
    }

    private void received(ClientTelemetryContext context, ClientTelemetryPayload payload) {
        ByteBuffer data = payload.data();
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        Push push = new Push(payload.clientInstanceId().toString(), payload.isTerminating(), payload.contentType(),
                bytes, context.pushIntervalMs(), context.authorizableRequestContext(), System.currentTimeMillis());
        try {
            writer.execute(() -> keepAndWrite(push));
        } catch (RejectedExecutionException closing) {
            // the broker is shutting down: this push is not kept
        }
    }

    private record Push(String instanceId, boolean terminating, String contentType, byte[] data, int intervalMs,
                        AuthorizableRequestContext request, long receivedMs) {
    }

    /** What the receiver keeps of one client instance. */
    private static final class ClientState {
        final String instanceId;
        final long firstPushMs;
        final Map<String, Number> metrics = new TreeMap<>();
        String clientId;
        String softwareName;
        String softwareVersion;
        String principal;
        String address;
        int intervalMs;
        long lastPushMs;
        boolean terminating;

        ClientState(String instanceId, long firstPushMs) {
            this.instanceId = instanceId;
            this.firstPushMs = firstPushMs;
        }
    }

    private void keepAndWrite(Push push) {
        ClientState client = clients.computeIfAbsent(push.instanceId(), id -> new ClientState(id, push.receivedMs()));
        AuthorizableRequestContext request = push.request();
        client.clientId = request.clientId();
        client.principal = String.valueOf(request.principal());
        client.address = request.clientAddress() == null ? null : request.clientAddress().getHostAddress();
        if (request instanceof RequestContext context && context.clientInformation != null) {
            client.softwareName = context.clientInformation.softwareName();
            client.softwareVersion = context.clientInformation.softwareVersion();
        }
        client.intervalMs = push.intervalMs();
        client.lastPushMs = push.receivedMs();
        client.terminating = push.terminating();
        try {
            decode(push.data(), client.metrics);
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("Client {} pushed metrics that are not OTLP MetricsData ({}): {}", client.clientId,
                    push.contentType(), e.getMessage());
            return;
        }
        String json = toJson(client);
        if (push.terminating()) {
            clients.remove(push.instanceId());
        }
        try {
            producer().send(new ProducerRecord<>(ClientMetrics.TOPIC, client.instanceId, json), (metadata, e) -> {
                if (e != null) {
                    LOG.warn("Could not write the metrics of client {} to {}: {}", client.clientId,
                            ClientMetrics.TOPIC, e.toString());
                }
            });
        } catch (KafkaException e) {
            LOG.warn("Could not write the metrics of client {} to {}: {}", client.clientId, ClientMetrics.TOPIC,
                    e.toString());
        }
    }

    /** Adds the latest value of each number in an OTLP {@code MetricsData} to {@code metrics}. */
    static void decode(byte[] data, Map<String, Number> metrics) throws InvalidProtocolBufferException {
        MetricsData decoded = MetricsData.parseFrom(data);
        for (ResourceMetrics resource : decoded.getResourceMetricsList()) {
            for (ScopeMetrics scope : resource.getScopeMetricsList()) {
                for (Metric metric : scope.getMetricsList()) {
                    List<NumberDataPoint> points = metric.hasGauge() ? metric.getGauge().getDataPointsList()
                            : metric.hasSum() ? metric.getSum().getDataPointsList() : List.of();
                    // The broker asks for sums as deltas (what changed since the previous push): kept
                    // here added up, as the total since the client's first push.
                    boolean delta = metric.hasSum() && metric.getSum().getAggregationTemporality()
                            == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
                    for (NumberDataPoint point : points) {
                        Number value = point.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? point.getAsInt()
                                : point.getAsDouble();
                        String key = metric.getName() + attributes(point.getAttributesList());
                        if (delta) {
                            metrics.merge(key, value, ClientMetricsReceiver::add);
                        } else {
                            metrics.put(key, value);
                        }
                    }
                }
            }
        }
    }

    private static Number add(Number a, Number b) {
        return a instanceof Long && b instanceof Long ? (Number) (a.longValue() + b.longValue())
                : (Number) (a.doubleValue() + b.doubleValue());
    }

    /** {@code {topic=orders,partition=0}} for a metric per topic and partition, empty for a client's own. */
    private static String attributes(List<KeyValue> attributes) {
        if (attributes.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("{");
        for (KeyValue attribute : attributes) {
            AnyValue value = attribute.getValue();
            String text = value.hasStringValue() ? value.getStringValue()
                    : value.hasIntValue() ? String.valueOf(value.getIntValue())
                    : value.hasDoubleValue() ? String.valueOf(value.getDoubleValue())
                    : String.valueOf(value.getBoolValue());
            s.append(s.length() == 1 ? "" : ",").append(attribute.getKey()).append('=').append(text);
        }
        return s.append('}').toString();
    }

    static String toJson(ClientState client) {
        StringBuilder json = new StringBuilder("{");
        field(json, "clientInstanceId", client.instanceId);
        field(json, "clientId", client.clientId);
        field(json, "softwareName", client.softwareName);
        field(json, "softwareVersion", client.softwareVersion);
        field(json, "principal", client.principal);
        field(json, "clientAddress", client.address);
        json.append("\"pushIntervalMs\":").append(client.intervalMs)
                .append(",\"firstPushMs\":").append(client.firstPushMs)
                .append(",\"lastPushMs\":").append(client.lastPushMs)
                .append(",\"terminating\":").append(client.terminating)
                .append(",\"metrics\":{");
        boolean first = true;
        for (Map.Entry<String, Number> metric : client.metrics.entrySet()) {
            json.append(first ? "" : ",").append(quote(metric.getKey())).append(':').append(number(metric.getValue()));
            first = false;
        }
        return json.append("}}").toString();
    }

    private static void field(StringBuilder json, String name, String value) {
        json.append(quote(name)).append(':').append(value == null ? "null" : quote(value)).append(',');
    }

    /** JSON has no NaN or infinity: a metric without a value yet (e.g. an average of nothing) is null. */
    private static String number(Number value) {
        double d = value.doubleValue();
        return Double.isNaN(d) || Double.isInfinite(d) ? "null" : value.toString();
    }

    private static String quote(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }

    /** Made at the first push, on the writer thread: brokers that receive nothing make no producer. */
    private Producer<String, String> producer() {
        if (stopped) {
            throw new KafkaException("the broker is stopping");
        }
        if (producer == null) {
            Properties props = ClientMetrics.clientProperties(brokerConfig);
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "franz-client-metrics-receiver-" + brokerConfig.get("node.id"));
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
            producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    @Override
    public void init(List<KafkaMetric> metrics) {
        // the broker's own metrics are not what this reporter is for
    }

    @Override
    public void metricChange(KafkaMetric metric) {
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
    }

    @Override
    public synchronized void close() {
        RECEIVERS.getOrDefault(address(), Set.of()).remove(this);
        stopped = true;
        if (writer != null) {
            writer.shutdown();
            try {
                writer.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(1));
                producer = null;
            }
        }
    }
}
