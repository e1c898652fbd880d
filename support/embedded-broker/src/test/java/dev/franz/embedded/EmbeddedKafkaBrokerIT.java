package dev.franz.embedded;

import static dev.franz.embedded.EmbeddedKafkaBroker.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker that {@code mvn exec:java -pl local-kafka} runs, and the tests use without Docker. */
class EmbeddedKafkaBrokerIT {

    private static final String TOPIC = "restart-check";
    private static final String GROUP = "restart-check-group";

    @TempDir
    Path dataDir;

    @Test
    void aRestartKeepsTopicsRecordsAndCommittedOffsets() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(freePort(), freePort(), dataDir, Map.of())) {
            assertThat(broker.formattedNow()).isTrue();
            try (Admin admin = Admin.create(props(broker))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props(broker), new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "value-" + i)).get();
                }
            }
            try (KafkaConsumer<String, String> consumer = consumer(broker)) {
                assertThat(readValues(consumer, 5)).hasSize(5);
                consumer.commitSync();
            }
        }

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(freePort(), freePort(), dataDir, Map.of())) {
            assertThat(broker.formattedNow()).isFalse();
            try (Admin admin = Admin.create(props(broker))) {
                assertThat(admin.listTopics().names().get()).contains(TOPIC);
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
                assertThat(committed.get(new TopicPartition(TOPIC, 0)).offset()).isEqualTo(5);
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(broker, "reader-after-restart"),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(TOPIC));
                assertThat(readValues(consumer, 5))
                        .containsExactly("value-0", "value-1", "value-2", "value-3", "value-4");
            }
        }
    }

    @Test
    void aPortInUseIsReportedInWords() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("localhost"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(port, freePort(), dataDir, Map.of()))
                    .isInstanceOf(BrokerStartException.class)
                    .hasMessageContaining("Port " + port + " (the broker's client port) is already in use")
                    .hasMessageContaining("--port");
        }
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafkaBroker broker) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(broker, GROUP),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(Set.of(TOPIC));
        return consumer;
    }

    private static List<String> readValues(KafkaConsumer<String, String> consumer, int expected) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (values.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
        }
        return values;
    }

    private static Properties props(EmbeddedKafkaBroker broker) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        return props;
    }

    private static Properties consumerProps(EmbeddedKafkaBroker broker, String group) {
        Properties props = props(broker);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

}
