package dev.franz.notificationservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.franz.common.events.Notification;
import dev.franz.common.events.NotificationKind;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.events.PaymentResult;
import dev.franz.common.events.PaymentStatus;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;

class NotificationProcessorTest {

    private static final Instant NOW = Instant.parse("2026-11-26T18:00:00Z");

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final SentNotifications sent = new SentNotifications();
    private final NotificationProcessor processor = new NotificationProcessor("orders", "notifications", sent,
            Clock.fixed(NOW, ZoneOffset.UTC), new PrintStream(output, true, StandardCharsets.UTF_8), 1);

    @Test
    void anOrderAndItsPaymentGiveTwoNotificationsKeyedByOrderId() {
        List<ProducerRecord<String, byte[]>> outputs = processAll(records(order("ord-1"),
                payment("ord-1", PaymentStatus.DECLINED)));

        assertThat(outputs).extracting(ProducerRecord::key).containsExactly("ord-1", "ord-1");
        assertThat(outputs).extracting(record -> read(record).kind())
                .containsExactly(NotificationKind.ORDER_RECEIVED, NotificationKind.PAYMENT_DECLINED);
        assertThat(read(outputs.get(1)).message()).isEqualTo("Your payment of 17.80 EUR was declined: over limit.");
    }

    @Test
    void aRedeliveredOrderIsNotNotifiedTwice() {
        processAll(records(order("ord-1")));
        processor.committed();

        List<ProducerRecord<String, byte[]>> again = processAll(records(order("ord-1"), order("ord-2"),
                order("ord-2")));
        processor.committed();

        assertThat(again).extracting(ProducerRecord::key).containsExactly("ord-2");
        assertThat(processor.counts()).isEqualTo(new NotificationProcessor.Counts(2, 2, 0));
    }

    @Test
    void anAbortedBatchIsForgottenSoItsRecordsNotifyWhenProcessedAgain() {
        processAll(records(order("ord-1")));
        processor.aborted();

        assertThat(processAll(records(order("ord-1")))).hasSize(1);
        assertThat(output.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anUnreadableRecordIsSkippedAndCounted() {
        List<ProducerRecord<String, byte[]>> outputs = processAll(records(
                new ConsumerRecord<>("orders", 0, 0, "x", "{oops".getBytes(StandardCharsets.UTF_8)), order("ord-1")));
        processor.committed();

        assertThat(outputs).hasSize(1);
        assertThat(processor.counts().unreadable()).isEqualTo(1);
    }

    @Test
    void anAmountPastTheBoundsOrAnIdTooLongIsSkippedWithItsReasonNeverWrittenOut() {
        String huge = "{\"order_id\":\"ord-9\",\"customer_id\":\"cust-1\",\"amount\":1e999999999,\"currency\":\"EUR\"}";
        String longId = "{\"order_id\":\"" + "x".repeat(101) + "\",\"customer_id\":\"cust-1\",\"amount\":1}";
        List<ProducerRecord<String, byte[]>> outputs = processAll(records(
                new ConsumerRecord<>("payments", 0, 4, "k", huge.getBytes(StandardCharsets.UTF_8)),
                new ConsumerRecord<>("orders", 1, 5, "k", longId.getBytes(StandardCharsets.UTF_8)),
                order("ord-1")));
        processor.committed();

        assertThat(outputs).extracting(ProducerRecord::key).containsExactly("ord-1");
        assertThat(processor.counts().unreadable()).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains(
                "SKIPPED payments-0 offset 4: amount must be at most 1000000000 with at most 2 decimal places",
                "SKIPPED orders-1 offset 5: order_id is longer than 100 characters");
    }

    private static ConsumerRecord<String, byte[]> order(String id) {
        Order order = new Order(id, "cust-1", List.of(new OrderItem("MUG-7", 2, new BigDecimal("8.90"))),
                new BigDecimal("17.80"), "EUR", NOW);
        return new ConsumerRecord<>("orders", 0, 0, id, new JsonSerializer<Order>().serialize("orders", order));
    }

    private static ConsumerRecord<String, byte[]> payment(String id, PaymentStatus status) {
        PaymentResult result = new PaymentResult(id, "cust-1", status,
                status == PaymentStatus.DECLINED ? "over limit" : null, new BigDecimal("17.80"), "EUR", NOW);
        return new ConsumerRecord<>("payments", 0, 0, id, new JsonSerializer<PaymentResult>().serialize("payments",
                result));
    }

    @SafeVarargs
    private static ConsumerRecords<String, byte[]> records(ConsumerRecord<String, byte[]>... records) {
        List<ConsumerRecord<String, byte[]>> list = new ArrayList<>(List.of(records));
        return new ConsumerRecords<>(Map.of(new TopicPartition("mixed", 0), list), Map.of());
    }

    /** What NotificationService sends for each record of a batch, inside its transaction. */
    private List<ProducerRecord<String, byte[]>> processAll(ConsumerRecords<String, byte[]> batch) {
        List<ProducerRecord<String, byte[]>> outputs = new ArrayList<>();
        for (var record : batch) {
            ProducerRecord<String, byte[]> output = processor.process(record);
            if (output != null) {
                outputs.add(output);
            }
        }
        return outputs;
    }

    private static Notification read(ProducerRecord<String, byte[]> record) {
        return new JsonDeserializer<>(Notification.class).deserialize(record.topic(), record.value());
    }
}
