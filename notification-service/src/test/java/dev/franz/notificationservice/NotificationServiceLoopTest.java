package dev.franz.notificationservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.franz.common.UserFacingException;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.json.JsonSerializer;
import picocli.CommandLine;

/** NotificationService's copy of the transaction loop, on MockConsumer and MockProducer. */
class NotificationServiceLoopTest {

    private static final TopicPartition ORDERS = new TopicPartition("orders", 0);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<String, byte[]> producer = new MockProducer<>(false, new RoundRobinPartitioner(),
            new StringSerializer(), new ByteArraySerializer());
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    private final NotificationProcessor processor = new NotificationProcessor("orders", "notifications",
            new SentNotifications(), Clock.systemUTC(), out, 1);
    private final NotificationService service = new NotificationService(out);

    @Test
    void notificationsAndOffsetsAreCommittedTogetherAndAnAbortedBatchIsNotifiedOnce() {
        new CommandLine(service).parseArgs();
        producer.commitTransactionException = new KafkaException("simulated: the commit failed");
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(ORDERS));
            consumer.updateBeginningOffsets(Map.of(ORDERS, 0L));
            addOrders("ord-1", "ord-2");
        });
        consumer.schedulePollTask(() -> {
            producer.commitTransactionException = null;
            addOrders("ord-1", "ord-2"); // read again after the rewind
        });
        consumer.schedulePollTask(consumer::wakeup);

        service.run(consumer, producer, processor, List.of(ORDERS.topic()));

        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("ord-1", "ord-2");
        assertThat(producer.consumerGroupOffsetsHistory().get(0).values().iterator().next())
                .isEqualTo(Map.of(ORDERS, new OffsetAndMetadata(2)));
        assertThat(processor.counts().sent()).isEqualTo(2);
        // Printed ("e-mailed") only once committed: two notifications, not four.
        assertThat(output.toString(StandardCharsets.UTF_8).lines().filter(line -> line.startsWith("to ")))
                .hasSize(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("Partitions assigned: [orders-0]");
    }

    @Test
    void aRecordWhoseNotificationFailsTheSameWayEveryTimeIsNamedWithItsCauseAndStopsTheServiceUncommitted() {
        new CommandLine(service).parseArgs();
        MockProducer<String, byte[]> refusing = new MockProducer<>(false, new RoundRobinPartitioner(),
                new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
                // What KafkaProducer does with a record over max.request.size: a failed future, no exception.
                return "ord-2".equals(record.key()) ? CompletableFuture.failedFuture(
                        new RecordTooLargeException("The message is 2097400 bytes when serialized"))
                        : super.send(record, callback);
            }
        };
        refusing.sendOffsetsToTransactionException = new KafkaException(
                "Cannot execute transactional method because we are in an error state");
        for (int poll = 1; poll <= NotificationService.MAX_SAME_FAILURES; poll++) {
            consumer.schedulePollTask(() -> {
                consumer.rebalance(List.of(ORDERS));
                consumer.updateBeginningOffsets(Map.of(ORDERS, 0L));
                addOrders("ord-1", "ord-2");
            });
        }

        assertThatThrownBy(() -> service.run(consumer, refusing, processor, List.of(ORDERS.topic())))
                .isInstanceOf(UserFacingException.class)
                .hasMessageStartingWith("The same failure aborted 3 transactions in a row (orders-0@1:"
                        + " RecordTooLargeException: The message is 2097400 bytes when serialized)");
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("Aborted a transaction of 2 records (orders-0@1: RecordTooLargeException:")
                .doesNotContain("error state");
        assertThat(refusing.consumerGroupOffsetsHistory()).isEmpty();
        assertThat(processor.counts().sent()).isZero();
    }

    private void addOrders(String... orderIds) {
        JsonSerializer<Order> json = new JsonSerializer<>();
        for (int offset = 0; offset < orderIds.length; offset++) {
            Order order = new Order(orderIds[offset], "cust-1", List.of(new OrderItem("MUG-7", 1, BigDecimal.TEN)),
                    BigDecimal.TEN, "EUR", Instant.EPOCH);
            consumer.addRecord(new ConsumerRecord<>(ORDERS.topic(), ORDERS.partition(), offset, orderIds[offset],
                    json.serialize(ORDERS.topic(), order)));
        }
    }
}
