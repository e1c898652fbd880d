package dev.franz.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.events.Notification;
import dev.franz.common.events.NotificationKind;
import dev.franz.common.events.Order;
import dev.franz.common.events.PaymentResult;
import dev.franz.common.events.PaymentStatus;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.CommittedRecords;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;
import picocli.CommandLine;

/** The three services as separate java processes, end to end, through the one-command demo. */
class FlowIT {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final String orders = TestNames.unique("orders");
    private final String payments = TestNames.unique("payments");
    private final String notifications = TestNames.unique("notifications");

    @Test
    void everyOrderGetsExactlyOnePaymentResultAndTheExpectedNotifications() throws Exception {
        // The demo's flow, on the test broker instead of a temporary one of its own, so that the test
        // can read the topics afterwards.
        Demo demo = new Demo();
        new CommandLine(demo).parseArgs("--orders", "25", "--interval", "0");
        int exitCode;
        try (GracefulShutdown shutdown = new GracefulShutdown()) {
            exitCode = demo.runFlow(new Demo.Flow(kafka.bootstrapServers(), List.of(
                    "--set", "TOPIC_ORDERS=" + orders, "--set", "TOPIC_PAYMENTS=" + payments,
                    "--set", "TOPIC_NOTIFICATIONS=" + notifications,
                    "--set", "TOPIC_ORDERS_DLT=" + TestNames.unique("orders.DLT")),
                    TestNames.unique("flow-pay"), TestNames.unique("flow-notify")), shutdown);
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

    private <T> List<ConsumerRecord<String, T>> read(String topic, Class<T> type) {
        return CommittedRecords.readAll(kafka.clientProperties(), topic, new StringDeserializer(),
                new JsonDeserializer<>(type), READ_TIMEOUT);
    }
}
