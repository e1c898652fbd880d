package dev.franz.basicconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.config.FranzConfig;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.TestNames;

/**
 * The broker stopped and started again under a running consumer: one line when it goes, one when it
 * is back, and every record read exactly once. Its own broker, on fixed ports, so it can restart.
 */
class BrokerRestartIT {

    private static final int PER_PHASE = 50;

    @TempDir
    Path dataDir;

    @Test
    void theConsumerSaysWhenTheBrokerGoesAndComesBackAndLosesNothing() throws Exception {
        int port = EmbeddedKafkaBroker.freePort();
        int controllerPort = EmbeddedKafkaBroker.freePort();
        String bootstrap = "localhost:" + port;
        String topic = TestNames.unique("restart");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        FranzConfig config = FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap));

        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, controllerPort, dataDir, Map.of());
        try (Admin admin = Admin.create(config.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        produce(config, topic, 0);
        KafkaConsumer<String, JsonNode> consumer = new KafkaConsumer<>(BasicConsumer.consumerProperties(config,
                TestNames.unique("restart-group"), BasicConsumer.OffsetReset.EARLIEST, true,
                BasicConsumer.GroupProtocol.CONSUMER), new StringDeserializer(), new JsonDeserializer<>(JsonNode.class));
        ConsumeLoop loop = new ConsumeLoop(consumer, new ConsumeLoop.Settings(true, StartPosition.committed(),
                2 * PER_PHASE, Duration.ZERO, 0), out, new ConnectionLines(out, bootstrap));
        CompletableFuture<ConsumeSummary> result = CompletableFuture.supplyAsync(() -> {
            try (consumer) {
                return loop.run(topic);
            }
        });
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !loop.ownedPartitions().isEmpty());

            broker.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> output.toString(StandardCharsets.UTF_8)
                    .contains("Lost the connection to the broker at " + bootstrap));
            broker = EmbeddedKafkaBroker.start(port, controllerPort, dataDir, Map.of());
            produce(config, topic, PER_PHASE);

            ConsumeSummary summary = result.get(90, TimeUnit.SECONDS);
            assertThat(summary.records()).isEqualTo(2 * PER_PHASE);
            assertThat(summary.committed()).containsValue((long) 2 * PER_PHASE);
            assertThat(output.toString(StandardCharsets.UTF_8)).containsOnlyOnce("Lost the connection")
                    .containsPattern("Broker back at " + bootstrap + " after \\d+\\.\\d s");
        } finally {
            consumer.wakeup();
            broker.close();
        }
    }

    private static void produce(FranzConfig config, String topic, int from) {
        Properties props = config.clientProperties();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int n = from; n < from + PER_PHASE; n++) {
                producer.send(new ProducerRecord<>(topic, "key-" + n, "{\"n\":" + n + "}"));
            }
        }
    }
}
