package dev.franz.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients with Kafka's defaults push their own metrics to the embedded broker (KIP-714), and the
 * course's receiver writes them, decoded, to {@link ClientMetrics#TOPIC}; a transactional producer's pushes
 * include the time it spent aborting; a client that turns the push off does not appear.
 */
class ClientMetricsIT {

    private static final Pattern CLIENT_ID = Pattern.compile("\"clientId\":\"([^\"]*)\"");
    private static final String ABORT_TIME = "org.apache.kafka.producer.txn.abort.time.ns.total";
    /** One abort, its time in nanoseconds: more than 0 (a push before the abort carries 0). */
    private static final Pattern ABORTED = Pattern.compile("\"" + ABORT_TIME + "\":[1-9]");

    @TempDir
    Path dataDir;

    @Test
    void producerAndConsumerMetricsArriveAtTheBrokerDecoded() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "observed-" + suffix;
        String producerId = "observed-producer-" + suffix;
        String consumerId = "observed-consumer-" + suffix;
        String silentId = "silent-producer-" + suffix;
        String transactionalId = "observed-transactional-" + suffix;
        // A short push interval: the test need not wait the course's 10 s.
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(dataDir,
                Map.of(ClientMetrics.INTERVAL_PROPERTY, "1000",
                        // One partition for the transactions' log, not 50: the transactional producer starts sooner.
                        "transaction.state.log.num.partitions", "1"))) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
            Map<String, String> latest = new HashMap<>();
            try (KafkaProducer<String, String> producer = producer(broker, producerId, Map.of());
                 KafkaProducer<String, String> silent = producer(broker, silentId,
                         Map.of("enable.metrics.push", "false"));
                 KafkaProducer<String, String> transactional = producer(broker, transactionalId,
                         Map.of("transactional.id", transactionalId));
                 KafkaConsumer<String, String> consumer = consumer(broker, consumerId, "observed-group-" + suffix);
                 KafkaConsumer<String, String> reader = consumer(broker, "metrics-reader-" + suffix, null)) {
                consumer.subscribe(List.of(topic));
                reader.assign(List.of(new org.apache.kafka.common.TopicPartition(ClientMetrics.TOPIC, 0)));
                reader.seekToBeginning(reader.assignment());
                transactional.initTransactions();
                transactional.beginTransaction();
                transactional.send(new ProducerRecord<>(topic, "k", "aborted"));
                transactional.abortTransaction();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline && !(hasMetric(latest, producerId,
                        "org.apache.kafka.producer.record.send.rate")
                        && hasMetric(latest, consumerId, "org.apache.kafka.consumer.fetch.manager.records.lag.max")
                        && ABORTED.matcher(latest.getOrDefault(transactionalId, "")).find())) {
                    producer.send(new ProducerRecord<>(topic, "k", "v")).get();
                    silent.send(new ProducerRecord<>(topic, "k", "v")).get();
                    consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(200))) {
                        Matcher id = CLIENT_ID.matcher(record.value());
                        if (id.find()) {
                            latest.put(id.group(1), record.value());
                        }
                    }
                }
            }
            assertThat(latest.get(producerId)).contains("\"softwareName\":\"apache-kafka-java\"")
                    .contains("\"pushIntervalMs\":1000")
                    .containsPattern("\"org.apache.kafka.producer.record.send.rate\":[0-9.E-]+[,}]");
            assertThat(latest.get(consumerId)).contains("\"clientInstanceId\":")
                    .containsPattern("\"org.apache.kafka.consumer.fetch.manager.records.lag.max\":[0-9.E-]+[,}]")
                    // pushed as what changed since the previous push, kept as the total: its first join
                    .containsPattern("\"org.apache.kafka.consumer.coordinator.rebalance.total\":[1-9]");
            assertThat(latest.get(transactionalId)).containsPattern(ABORTED);
            assertThat(latest).doesNotContainKey(silentId);
        }
    }

    private static boolean hasMetric(Map<String, String> latest, String clientId, String metric) {
        String json = latest.get(clientId);
        return json != null && json.contains("\"" + metric + "\":") && !json.contains("\"" + metric + "\":null");
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafkaBroker broker, String clientId,
                                                          Map<String, String> extra) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("client.id", clientId);
        props.putAll(extra);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafkaBroker broker, String clientId, String group) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("client.id", clientId);
        if (group != null) {
            props.put("group.id", group);
            props.put("auto.offset.reset", "earliest");
        }
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }
}
