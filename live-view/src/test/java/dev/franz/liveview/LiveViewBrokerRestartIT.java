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

/**
 * The broker stops under an open page: the page says so within seconds, and recovers by itself when it
 * is back. Level 3's "stop the broker" exercise: an order followed across the restart keeps one row per
 * record (the live view reads the newest records again when the broker is back).
 */
class LiveViewBrokerRestartIT {

    private static final String ORDER = "ord-restart-1";

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
            admin.createTopics(List.of(new NewTopic("survivor", 2, (short) 1), new NewTopic("orders", 1, (short) 1),
                    new NewTopic("payments", 1, (short) 1), new NewTopic("notifications", 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>("survivor", "key-" + i, "value " + i)).get();
            }
            producer.send(new ProducerRecord<>("orders", ORDER, "{\"order_id\":\"" + ORDER + "\",\"amount_cents\":1250}")).get();
            producer.send(new ProducerRecord<>("payments", ORDER, "{\"order_id\":\"" + ORDER
                    + "\",\"status\":\"APPROVED\",\"description\":\"extraordinarily\",\"amount_cents\":1250}")).get();
            producer.send(new ProducerRecord<>("notifications", ORDER, "{\"order_id\":\"" + ORDER + "\",\"kind\":\"payment_approved\"}")).get();
            producer.send(new ProducerRecord<>("notifications", ORDER, "{\"order_id\":\"" + ORDER + "\",\"kind\":\"receipt\"}")).get();
        }

        try (RunningLiveView liveView = RunningLiveView.start(props, broker.bootstrapServers());
             Browser browser = Browser.start()) {
            browser.open(liveView.url("topics"));
            String cells = "#topics .partition[data-topic='survivor'] .cell[data-kind='record']";
            await("the topic's records on the page").atMost(Duration.ofSeconds(20)).until(() -> browser.count(cells) == 6);
            String progress = "[data-progress='" + ORDER + "']";
            await("the order's progress").atMost(Duration.ofSeconds(20))
                    .until(() -> browser.count(progress) == 1 && browser.text(progress).equals("approved, 2 notification(s)"));

            broker.close();
            long stoppedAt = System.nanoTime();
            await("the page says the broker is gone").atMost(Duration.ofSeconds(10))
                    .until(() -> "down".equals(browser.attribute("#broker-status", "data-state")));
            double seconds = (System.nanoTime() - stoppedAt) / 1e9;
            assertThat(browser.text("#broker-status")).contains("No Kafka broker answers at " + broker.bootstrapServers())
                    .contains("local-kafka");
            assertThat(seconds).as("seconds until the page said so").isLessThan(10);
            browser.screenshot("live-view-no-broker.png", 500);

            // A page opened now: the live view has no records to send (it keeps none while no broker
            // answers), and says why.
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI kept = java.net.URI.create(liveView.url() + "api/record?topic=orders&partition=0&offset=0");
            await("the live view keeps no record").atMost(Duration.ofSeconds(10)).until(() -> http.send(
                    java.net.http.HttpRequest.newBuilder(kept).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 404);
            browser.driver().navigate().refresh(); // the same address (#topics), loaded anew
            await("the new page says the broker is gone").atMost(Duration.ofSeconds(10))
                    .until(() -> "down".equals(browser.attribute("#broker-status", "data-state"))
                            && browser.count("#topics .partition[data-topic='survivor'] .log") == 2);
            assertThat(browser.texts("#topics .partition[data-topic='survivor'] .log"))
                    .allSatisfy(text -> assertThat(text).contains("not read: the broker is not reachable")
                            .doesNotContain("reading"));

            broker = EmbeddedKafkaBroker.start(port, controllerPort, dataDir, Map.of());
            await("the page is live again").atMost(Duration.ofSeconds(30))
                    .until(() -> "up".equals(browser.attribute("#broker-status", "data-state")));
            await("the records are still shown").atMost(Duration.ofSeconds(20)).until(() -> browser.count(cells) == 6
                    && browser.count("#topics .partition[data-topic='notifications'] .cell[data-kind='record']") == 2);

            // The readers read the newest records again: each record is still one row, found by its partition and offset.
            browser.open(liveView.url("flow"));
            await("the flow's view").atMost(Duration.ofSeconds(10)).until(() -> "flow".equals(browser.attribute("main", "data-view")));
            browser.click(".order-link[data-order-id='" + ORDER + "']", 0);
            // The trace is redrawn every second: it stays one row per record.
            await("one row per record").atMost(Duration.ofSeconds(10)).during(Duration.ofSeconds(3))
                    .until(() -> browser.attributes("#order-trace tbody tr", "data-topic").equals(List.of("orders",
                            "payments", "notifications", "notifications")));
            assertThat(browser.attributes("#order-trace tbody tr", "data-offset")).containsExactly("0", "0", "0", "1");
            assertThat(browser.text(progress)).isEqualTo("approved, 2 notification(s)");

            // A narrow cell: the JSON wraps between its fields, never inside a word.
            browser.script("document.querySelectorAll('#order-trace .hop-value').forEach(c => c.style.width = c.style.maxWidth = '9rem')");
            assertThat(LineBreaks.inside(browser, "#order-trace tr[data-topic='payments'] .hop-value"))
                    .isNotEmpty().noneMatch(LineBreaks::insideAWord);
        } finally {
            broker.close();
        }
    }
}
