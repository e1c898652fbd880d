package dev.franz.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.franz.common.json.Json;
import dev.franz.embedded.ClientMetrics;

/**
 * What the course's client metrics (KIP-714) cost the lessons: basic-producer and basic-consumer, unchanged,
 * with the subscription {@value ClientMetrics#SUBSCRIPTION} on (every client pushes every 10 s) and with it
 * removed (no client pushes), alternated round by round on the same broker; and the bytes a lesson's client
 * pushes per minute, from the broker's own request metrics for PushTelemetry (the whole request as received:
 * header and OTLP payload).
 */
final class ClientMetricsScenarios {

    private static final String PRODUCER = "dev.franz.basicproducer.BasicProducer";
    private static final String CONSUMER = "dev.franz.basicconsumer.BasicConsumer";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final String PUSH_BYTES = "kafka.network:type=RequestMetrics,name=RequestBytes,request=PushTelemetry";

    private final String bootstrapServers;
    private final long records;
    private final int rounds;
    private final int steadySeconds;
    private final boolean warmUp;
    private final ChildJvm jvm;
    private int runNumber;
    /** Pushes from the lessons' clients seen on the topic during runs with the subscription on, and off. */
    private int pushesOn;
    private int pushesOff;

    ClientMetricsScenarios(String bootstrapServers, long records, int rounds, int steadySeconds, boolean warmUp,
                           ChildJvm jvm) {
        this.bootstrapServers = bootstrapServers;
        this.records = records;
        this.rounds = rounds;
        this.steadySeconds = steadySeconds;
        this.warmUp = warmUp;
        this.jvm = jvm;
    }

    List<Measurement> measure() throws Exception {
        Measurement producer = Measurement.of("basic-producer, client metrics pushed every 10 s",
                "basic-producer, no subscription (nothing pushed)", "records/s", true, 0.95);
        Measurement consumer = Measurement.of("basic-consumer, client metrics pushed every 10 s",
                "basic-consumer, no subscription (nothing pushed)", "records/s", true, 0.95);
        List<Double> producerRatios = new ArrayList<>();
        List<Double> consumerRatios = new ArrayList<>();
        try {
            if (warmUp) {
                Measurement ignored = Measurement.of("warm-up", "", "records/s", true, 0);
                for (boolean on : List.of(false, true)) {
                    run(on, ignored, ignored);
                }
            }
            for (int round = 0; round < rounds; round++) {
                // Off first in even rounds, on first in odd ones: warm-up favours neither.
                List<Boolean> order = round % 2 == 0 ? List.of(false, true) : List.of(true, false);
                for (boolean on : order) {
                    run(on, producer, consumer);
                }
                producerRatios.add(producer.ours().get(round) / producer.references().get(round));
                consumerRatios.add(consumer.ours().get(round) / consumer.references().get(round));
            }
        } finally {
            subscription(true);
        }
        if (pushesOff > 0 || pushesOn == 0) {
            throw new IllegalStateException("The lessons' clients pushed " + pushesOn + " time(s) with the subscription"
                    + " on and " + pushesOff + " with it off: the comparison would not compare pushing with not pushing");
        }
        String checked = String.format(Locale.ROOT, "%d pushes from the lessons' clients arrived in the runs with the"
                + " subscription on, none with it off", pushesOn);
        Measurement bytes;
        try {
            bytes = pushedBytes("bench-client-metrics-steady-1");
        } catch (IllegalStateException busy) {
            // On a busy machine a lesson's first check of the broker can time out: the minute once more.
            System.out.println("    " + busy.getMessage() + ": the steady minute once more");
            bytes = pushedBytes("bench-client-metrics-steady-2");
        }
        return List.of(producer.withNote(spread(producerRatios) + "; " + checked),
                consumer.withNote(spread(consumerRatios) + "; " + checked), bytes);
    }

    /** One producer run into a new topic, then one consumer run reading it whole in a new group. */
    private void run(boolean on, Measurement producer, Measurement consumer) throws Exception {
        subscription(on);
        String topic = "bench-client-metrics-" + (++runNumber);
        createTopic(topic);
        long from = metricsEnd();
        long startedMs = System.currentTimeMillis();
        Summary produced = lesson(PRODUCER, List.of("--bootstrap-servers", bootstrapServers, "--topic", topic,
                "-n", String.valueOf(records), "--interval", "0", "--mode", "async", "--print-every", "0"));
        Summary consumed = lesson(CONSUMER, List.of(topic, "bench-client-metrics-group-" + runNumber,
                "--bootstrap-servers", bootstrapServers, "--max-messages", String.valueOf(records), "--print-every", "0"));
        int pushes = lessonPushes(from, startedMs, System.currentTimeMillis()).values().stream()
                .mapToInt(Integer::intValue).sum();
        if (on) {
            pushesOn += pushes;
        } else {
            pushesOff += pushes;
        }
        System.out.printf(Locale.ROOT, "    subscription %s: basic-producer %,.0f records/s, basic-consumer %,.0f records/s,"
                + " %d push(es) from their clients%n", on ? "on" : "off", produced.perSecond(), consumed.perSecond(), pushes);
        (on ? producer.ours() : producer.references()).add(produced.perSecond());
        (on ? consumer.ours() : consumer.references()).add(consumed.perSecond());
        deleteTopic(topic);
    }

    /**
     * One lesson's run. On a machine busy with other work a lesson's first check of the broker (5 s) can time
     * out before it sends anything: that run is started again (up to 3 times), and only a run that worked counts.
     */
    private Summary lesson(String mainClass, List<String> args) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return Summary.run(jvm, mainClass, args, RUN_TIMEOUT);
            } catch (IllegalStateException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("No Kafka broker answered")) {
                    throw e;
                }
                System.out.println("    " + mainClass.substring(mainClass.lastIndexOf('.') + 1)
                        + " found no broker within its 5 s (a busy machine): once more");
            }
        }
    }

    /**
     * A producer sending one record a second and a consumer reading them, for {@code steadySeconds}: the bytes
     * of every PushTelemetry request the broker received meanwhile (its RequestBytes histogram: count and
     * mean), per lesson client and minute.
     */
    private Measurement pushedBytes(String topic) throws Exception {
        subscription(true);
        createTopic(topic);
        long from = metricsEnd();
        double[] before = pushBytes();
        long startedMs = System.currentTimeMillis();
        Process reader = jvm.start(CONSUMER, List.of(topic, topic + "-group", "--bootstrap-servers",
                bootstrapServers, "--max-messages", String.valueOf(steadySeconds), "--print-every", "0"));
        try {
            lesson(PRODUCER, List.of("--bootstrap-servers", bootstrapServers, "--topic", topic, "-n",
                    String.valueOf(steadySeconds), "--interval", "1", "--print-every", "0"));
            if (!reader.waitFor(60, TimeUnit.SECONDS) || reader.exitValue() != 0) {
                throw new IllegalStateException("basic-consumer did not read the " + steadySeconds + " records and exit"
                        + " (exit " + (reader.isAlive() ? "none yet" : reader.exitValue()) + ")");
            }
        } finally {
            reader.destroyForcibly();
            deleteTopic(topic);
        }
        // The last pushes (sent as the clients close) reach the broker before the clients end.
        double[] after = pushBytes();
        long endedMs = System.currentTimeMillis();
        Map<String, Integer> pushes = lessonPushes(from, startedMs, endedMs);
        double minutes = (endedMs - startedMs) / 60_000.0;
        double requests = after[0] - before[0];
        double bytes = after[0] * after[1] - before[0] * before[1];
        int lessonClients = 2;
        Measurement m = Measurement.of("bytes a lesson's client pushes per minute (every 10 s)", "", "bytes/min",
                false, Double.NaN).withAbsoluteGoal("none: reported");
        m.ours().add(bytes / lessonClients / minutes);
        return m.withNote(String.format(Locale.ROOT, "basic-producer sending a record a second and basic-consumer"
                        + " reading them, %.1f minutes: the broker received %.0f PushTelemetry requests, %,.0f bytes in all"
                        + " (%.0f bytes a request on average; the broker's RequestBytes for PushTelemetry), counted here for"
                        + " 2 clients, so at most this much each: the lessons' short-lived admin clients push too. Pushes"
                        + " on the topic by client id: %s", minutes, requests, bytes, requests == 0 ? 0 : bytes / requests,
                pushes));
    }

    /** Sets the subscription as every broker of the course does, or removes it: no client then pushes. */
    private void subscription(boolean on) throws Exception {
        if (on) {
            ClientMetrics.setUp(adminProperties(), ClientMetrics.DEFAULT_INTERVAL_MS);
            return;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.CLIENT_METRICS, ClientMetrics.SUBSCRIPTION);
        try (Admin admin = Admin.create(adminProperties())) {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("metrics", ""), AlterConfigOp.OpType.DELETE),
                    new AlterConfigOp(new ConfigEntry("interval.ms", ""), AlterConfigOp.OpType.DELETE))))
                    .all().get(30, TimeUnit.SECONDS);
            // The broker applies it from its metadata: wait until it says the subscription has no metrics.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                    .get("metrics") != null && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    /** The pushes of basic-producer's and basic-consumer's clients received between the two times, by client id. */
    private Map<String, Integer> lessonPushes(long fromOffset, long startedMs, long endedMs) throws Exception {
        Map<String, Integer> pushes = new HashMap<>();
        Properties props = adminProperties();
        TopicPartition partition = new TopicPartition(ClientMetrics.TOPIC, 0);
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            reader.assign(List.of(partition));
            reader.seek(partition, fromOffset);
            // The receiver writes each push a moment after it arrives: read until the end stays put.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long end = -1;
            while (System.nanoTime() < deadline) {
                long newEnd = reader.endOffsets(List.of(partition)).get(partition);
                if (newEnd == end && reader.position(partition) >= end) {
                    break;
                }
                end = newEnd;
                for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(500))) {
                    JsonNode push = Json.mapper().readTree(record.value());
                    String clientId = push.path("clientId").asText();
                    long at = push.path("lastPushMs").asLong();
                    if ((clientId.startsWith("basic-producer") || clientId.startsWith("basic-consumer")
                            || clientId.startsWith("adminclient")) && at >= startedMs && at <= endedMs) {
                        pushes.merge(clientId.replaceAll("-\\d+(-\\d+)?$", ""), 1, Integer::sum);
                    }
                }
            }
        }
        return pushes;
    }

    private long metricsEnd() throws Exception {
        TopicPartition partition = new TopicPartition(ClientMetrics.TOPIC, 0);
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(adminProperties(), new StringDeserializer(),
                new StringDeserializer())) {
            return reader.endOffsets(List.of(partition)).get(partition);
        }
    }

    /** The broker runs in this JVM: its PushTelemetry request sizes, [count, mean bytes]. */
    private static double[] pushBytes() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(PUSH_BYTES);
        if (!server.isRegistered(name)) {
            return new double[] {0, 0};
        }
        return new double[] {((Number) server.getAttribute(name, "Count")).doubleValue(),
                ((Number) server.getAttribute(name, "Mean")).doubleValue()};
    }

    private static String spread(List<Double> ratios) {
        return String.format(Locale.ROOT, "ratio per round (on / off): %s; min %.2f, max %.2f",
                String.join(", ", ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList()),
                ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
    }

    private void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private void deleteTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The harness's own clients push nothing: only the lessons' pushes are counted. */
    private Properties adminProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("enable.metrics.push", "false");
        return props;
    }
}
