package dev.franz.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.events.Notification;
import dev.franz.common.events.NotificationKind;
import dev.franz.common.events.Order;
import dev.franz.common.events.PaymentResult;
import dev.franz.common.events.PaymentStatus;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.testing.CommittedRecords;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.testing.Browser;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;
import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine;

/**
 * The three services as separate java processes, end to end, through the one-command demo, with the
 * live view (its own JVM too) watching, and its page in a real browser.
 */
class FlowIT {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final String orders = TestNames.unique("orders");
    private final String payments = TestNames.unique("payments");
    private final String notifications = TestNames.unique("notifications");

    @Test
    void everyOrderGetsExactlyOnePaymentResultAndTheExpectedNotificationsAndTheLiveViewShowsWhatKafkaHas()
            throws Exception {
        // The demo's flow, on the test broker instead of a temporary one of its own, so that the test
        // can read the topics afterwards.
        Demo demo = new Demo();
        int port = LiveViewApi.freePort();
        // Orders 0.3 s apart: the flow runs long enough to be seen while it runs.
        new CommandLine(demo).parseArgs("--count", "25", "--interval", "0.3", "--live-view", Integer.toString(port));
        String paymentGroup = TestNames.unique("flow-pay");
        LiveViewApi liveView = new LiveViewApi(port);
        ExecutorService flowThread = Executors.newSingleThreadExecutor();
        int exitCode;
        try (GracefulShutdown shutdown = new GracefulShutdown(); Browser browser = Browser.start()) {
            Future<Integer> flow = flowThread.submit(() -> demo.runFlow(new Demo.Flow(kafka.bootstrapServers(), List.of(
                    "--set", "TOPIC_ORDERS=" + orders, "--set", "TOPIC_PAYMENTS=" + payments,
                    "--set", "TOPIC_NOTIFICATIONS=" + notifications,
                    "--set", "TOPIC_ORDERS_DLT=" + TestNames.unique("orders.DLT")),
                    paymentGroup, TestNames.unique("flow-notify")), shutdown));
            try {
                theFlowIsDrawnWhileItRuns(browser, liveView, flow);
                exitCode = flow.get(120, TimeUnit.SECONDS);
                assertThat(exitCode).isZero();
                theLiveViewShowsTheFlowAsKafkaHasIt(browser, liveView, paymentGroup);
            } finally {
                demo.stopLiveView();
                flowThread.shutdownNow();
            }
        }

        assertThat(exitCode).isZero();
        List<String> orderIds = read(orders, Order.class).stream().map(ConsumerRecord::key).toList();
        List<ConsumerRecord<String, PaymentResult>> results = read(payments, PaymentResult.class);
        List<ConsumerRecord<String, Notification>> sent = read(notifications, Notification.class);

        assertThat(orderIds).hasSize(25);
        assertThat(results).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(orderIds);
        Map<String, PaymentStatus> statusByOrder = results.stream()
                .collect(Collectors.toMap(ConsumerRecord::key, record -> record.value().status()));
        Map<String, List<NotificationKind>> kindsByOrder = sent.stream().map(ConsumerRecord::value)
                .collect(Collectors.groupingBy(Notification::orderId,
                        Collectors.mapping(Notification::kind, Collectors.toList())));
        assertThat(kindsByOrder).hasSize(25).allSatisfy((orderId, kinds) -> assertThat(kinds)
                .containsExactlyInAnyOrder(NotificationKind.ORDER_RECEIVED,
                        statusByOrder.get(orderId) == PaymentStatus.APPROVED
                                ? NotificationKind.PAYMENT_APPROVED : NotificationKind.PAYMENT_DECLINED));
    }

    /**
     * Nothing on the page is invented: every order's records, as the live view reports them, are
     * the ones Kafka has (same partitions and offsets, committed); the writers are named by the
     * transactional ids the broker knows; and following an order in the browser shows its offsets.
     */
    private void theFlowIsDrawnWhileItRuns(Browser browser, LiveViewApi liveView, Future<Integer> flow) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> liveView.order("not-an-order") == null);
        browser.open(liveView.url());
        // Each service reads one topic as a group member and writes the next under a transactional
        // id of the same name: the page links the two, from what the broker reports.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(flow).as("the flow ended before the page showed it running").isNotDone();
            assertThat(browser.texts(".flow-writes-as")).anyMatch(t -> t.contains("payment-service-1 -> " + payments))
                    .anyMatch(t -> t.contains("notification-service-1 -> " + notifications));
            assertThat(browser.text("[data-flow-topic='" + orders + "']")).doesNotContain("measuring");
        });
        browser.scrollTo("#flow-section");
        browser.screenshot("live-view-flow.png", 720);
    }

    private void theLiveViewShowsTheFlowAsKafkaHasIt(Browser browser, LiveViewApi liveView, String paymentGroup)
            throws Exception {
        List<ConsumerRecord<String, Order>> placed = read(orders, Order.class);
        List<ConsumerRecord<String, PaymentResult>> results = read(payments, PaymentResult.class);
        List<ConsumerRecord<String, Notification>> sent = read(notifications, Notification.class);
        for (ConsumerRecord<String, Order> order : placed) {
            JsonNode trace = await().atMost(Duration.ofSeconds(30)).until(() -> liveView.order(order.key()),
                    t -> t != null && t.get("hops").size() == 4 && t.get("lastNotificationAfterMs").isNumber());
            assertThat(LiveViewApi.hops(trace, "order", false)).containsExactly(order.topic() + "-" + order.partition() + "@" + order.offset());
            assertThat(LiveViewApi.hops(trace, "payment", false)).containsExactlyElementsOf(results.stream()
                    .filter(r -> r.key().equals(order.key())).map(r -> r.topic() + "-" + r.partition() + "@" + r.offset()).toList());
            assertThat(LiveViewApi.hops(trace, "notification", false)).containsExactlyInAnyOrderElementsOf(sent.stream()
                    .filter(r -> r.key().equals(order.key())).map(r -> r.topic() + "-" + r.partition() + "@" + r.offset()).toList());
            assertThat(trace.get("hops")).allSatisfy(hop -> assertThat(hop.get("status").asText()).isEqualTo("committed"));
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(browser.texts("#recent-orders [data-progress]")).hasSize(15)
                    .allMatch(text -> text.matches("(approved|declined), 2 notification\\(s\\)"), "paid and notified");
            assertThat(browser.attributes("[data-writers-of='" + payments + "'] li", "data-transactional-id"))
                    .contains("payment-service-1");
            assertThat(browser.attributes("[data-writers-of='" + notifications + "'] li", "data-transactional-id"))
                    .contains("notification-service-1");
            // order-producer is idempotent, not transactional: the broker knows it by producer id only.
            assertThat(browser.attributes("[data-writers-of='" + orders + "'] li", "data-transactional-id"))
                    .isNotEmpty().containsOnlyNulls();
            assertThat(browser.count("[data-flow-group='" + paymentGroup + "']")).isEqualTo(1);
            assertThat(browser.attributes("#transactions tr[data-transactional-id]", "data-transactional-id"))
                    .contains("payment-service-1", "notification-service-1");
        });

        ConsumerRecord<String, Order> followed = placed.get(placed.size() / 2);
        browser.driver().findElement(By.id("order-id")).sendKeys(followed.key());
        browser.driver().findElement(By.cssSelector("#follow-form button")).click();
        ConsumerRecord<String, PaymentResult> payment = results.stream().filter(r -> r.key().equals(followed.key()))
                .findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(browser.attributes("#order-trace tr[data-role='order']", "data-offset"))
                    .containsExactly(Long.toString(followed.offset()));
            assertThat(browser.attributes("#order-trace tr[data-role='order']", "data-partition"))
                    .containsExactly(Integer.toString(followed.partition()));
            assertThat(browser.attributes("#order-trace tr[data-role='payment']", "data-offset"))
                    .containsExactly(Long.toString(payment.offset()));
            assertThat(browser.count("#order-trace tr[data-role='notification'][data-status='committed']")).isEqualTo(2);
            assertThat(browser.text("#order-trace .trace-summary")).contains("payment result committed +");
        });
        browser.scrollTo("#order-trace");
        browser.screenshot("live-view-follow.png", 560);
    }

    private <T> List<ConsumerRecord<String, T>> read(String topic, Class<T> type) {
        return CommittedRecords.readAll(kafka.clientProperties(), topic, new StringDeserializer(),
                new JsonDeserializer<>(type), READ_TIMEOUT);
    }
}
