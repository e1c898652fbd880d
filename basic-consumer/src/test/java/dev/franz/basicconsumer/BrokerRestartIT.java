package dev.franz.basicconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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

    /** The common case: the consumer is waiting for records (everything read so far is committed). */
    @Test
    void theConsumerSaysWhenTheBrokerGoesAndComesBackAndLosesNothing() throws Exception {
        restartUnderAConsumer(false);
    }

    /**
     * The broker goes while a commit waits for its answer: commitSync() would wait 60 s
     * (default.api.timeout.ms) without a word; the lesson waits 5 s, says the broker is gone, and
     * commits those offsets once it is back.
     */
    @Test
    void aBrokerGoneDuringACommitIsReportedInSecondsAndTheOffsetsAreCommittedWhenItIsBack() throws Exception {
        restartUnderAConsumer(true);
    }

    private void restartUnderAConsumer(boolean duringCommit) throws Exception {
        int port = EmbeddedKafkaBroker.freePort();
        int controllerPort = EmbeddedKafkaBroker.freePort();
        String bootstrap = "localhost:" + port;
        String topic = TestNames.unique("restart");
        String group = TestNames.unique("restart-group");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        FranzConfig config = FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap));

        AtomicReference<EmbeddedKafkaBroker> broker =
                new AtomicReference<>(EmbeddedKafkaBroker.start(port, controllerPort, dataDir, Map.of()));
        try (Admin admin = Admin.create(config.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        produce(config, topic, 0);
        BasicConsumerOptions.Settings settings = new BasicConsumerOptions.Settings(true, StartPosition.committed(), 2 * PER_PHASE,
                Duration.ZERO, 0);
        KafkaConsumer<String, JsonNode> consumer = new KafkaConsumer<>(BasicConsumer.consumerProperties(config,
                group, BasicConsumerOptions.OffsetReset.EARLIEST, settings, BasicConsumerOptions.GroupProtocol.CONSUMER),
                new StringDeserializer(), new JsonDeserializer<>(JsonNode.class));
        // The real consumer; when asked, its first commit stops the broker just before it is sent.
        AtomicBoolean stopOnCommit = new AtomicBoolean(duringCommit);
        @SuppressWarnings("unchecked")
        Consumer<String, JsonNode> watched = (Consumer<String, JsonNode>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Consumer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("commitSync") && stopOnCommit.compareAndSet(true, false)) {
                        broker.get().close();
                    }
                    try {
                        return method.invoke(consumer, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        BasicConsumer loop = new BasicConsumer(settings, out, new ConnectionLines(out, bootstrap));
        CompletableFuture<ConsumeSummary> result = CompletableFuture.supplyAsync(() -> {
            try (consumer) {
                return loop.consume(watched, topic);
            }
        });
        try {
            if (duringCommit) {
                await().atMost(Duration.ofSeconds(60)).untilFalse(stopOnCommit);
            } else {
                try (Admin admin = Admin.create(config.clientProperties())) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> committedOffset(admin, group, topic) == PER_PHASE);
                }
                broker.get().close();
            }
            // Within the commit's 5 s wait and a poll, not the 60 s of default.api.timeout.ms.
            await().atMost(Duration.ofSeconds(duringCommit ? 15 : 10)).until(() -> output.toString(StandardCharsets.UTF_8)
                    .contains("Lost the connection to the broker at " + bootstrap));
            broker.set(EmbeddedKafkaBroker.start(port, controllerPort, dataDir, Map.of()));
            produce(config, topic, PER_PHASE);

            ConsumeSummary summary = result.get(90, TimeUnit.SECONDS);
            assertThat(summary.records()).isEqualTo(2 * PER_PHASE);
            assertThat(summary.committed()).containsValue((long) 2 * PER_PHASE);
            assertThat(output.toString(StandardCharsets.UTF_8)).containsOnlyOnce("Lost the connection")
                    .containsPattern("Broker back at " + bootstrap + " after \\d+\\.\\d s")
                    .doesNotContain("Not committed");
            try (Admin admin = Admin.create(config.clientProperties())) {
                assertThat(committedOffset(admin, group, topic)).isEqualTo(2 * PER_PHASE);
            }
        } finally {
            consumer.wakeup();
            broker.get().close();
        }
    }

    private static long committedOffset(Admin admin, String group, String topic) throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .get(new TopicPartition(topic, 0));
        return offset == null ? -1 : offset.offset();
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
