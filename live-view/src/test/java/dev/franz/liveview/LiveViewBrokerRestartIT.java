package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.Browser;

/** The broker stops under an open page: the page says so within seconds, and recovers by itself when it is back. */
class LiveViewBrokerRestartIT {

    @TempDir
    Path dataDir;

    @Test
    void thePageSaysTheBrokerIsGoneAndRecoversWhenItIsBack() throws Exception {
        int port = EmbeddedKafkaBroker.freePort();
        int controllerPort = EmbeddedKafkaBroker.freePort();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, controllerPort, dataDir, Map.of());
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic("survivor", 2, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>("survivor", "key-" + i, "value " + i)).get();
            }
        }

        try (RunningLiveView liveView = RunningLiveView.start(props, broker.bootstrapServers());
             Browser browser = Browser.start()) {
            browser.open(liveView.url());
            String cells = "#topics .partition[data-topic='survivor'] .cell[data-kind='record']";
            await("the topic's records on the page").atMost(Duration.ofSeconds(20)).until(() -> browser.count(cells) == 6);

            broker.close();
            long stoppedAt = System.nanoTime();
            await("the page says the broker is gone").atMost(Duration.ofSeconds(10))
                    .until(() -> "down".equals(browser.attribute("#broker-status", "data-state")));
            double seconds = (System.nanoTime() - stoppedAt) / 1e9;
            assertThat(browser.text("#broker-status")).contains("No Kafka broker answers at " + broker.bootstrapServers())
                    .contains("local-kafka");
            assertThat(seconds).as("seconds until the page said so").isLessThan(10);
            browser.screenshot("live-view-no-broker.png", 500);

            broker = EmbeddedKafkaBroker.start(port, controllerPort, dataDir, Map.of());
            await("the page is live again").atMost(Duration.ofSeconds(30))
                    .until(() -> "up".equals(browser.attribute("#broker-status", "data-state")));
            await("the records are still shown").atMost(Duration.ofSeconds(20)).until(() -> browser.count(cells) == 6);
        } finally {
            broker.close();
        }
    }
}
