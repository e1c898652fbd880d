package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.DeadLetters;
import picocli.CommandLine;

/**
 * Layer 2 of the pyramid: payment-service's real poll loop and its sends, on Kafka's own fakes.
 *
 * {@code MockConsumer} and {@code MockProducer} (in kafka-clients itself) implement the {@code Consumer}
 * and {@code Producer} interfaces in memory. {@code PaymentService.run} takes those interfaces, so a test
 * hands it the fakes and runs the very loop the program runs: poll, process, send, commit. The test
 * decides what each poll returns ({@code schedulePollTask}) and which call fails, and reads back what was
 * sent and committed ({@code history()}, {@code consumerGroupOffsetsHistory()}). No broker, milliseconds.
 *
 * What the fakes cannot show: there is no broker behind them. No rebalance happens unless the test
 * calls {@code rebalance}; a transaction commits without a coordinator, so nothing is fenced and no
 * reader skips aborted records; no topic settings, no size limits, no ACLs; and records are objects
 * handed over, never bytes on a log. {@code MockClientsIT} runs the last test below on a real broker,
 * where it fails.
 */
class MockClientsTest {

    private static final TopicPartition ORDERS = new TopicPartition("orders", 0);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    // autoComplete false: a send stays pending until the transaction (or the test) completes it.
    private final MockProducer<String, byte[]> producer = new MockProducer<>(false, new RoundRobinPartitioner(),
            new StringSerializer(), new ByteArraySerializer());
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    // The service's real processor, with a gateway that approves everything at once.
    private final PaymentProcessor processor = new PaymentProcessor(
            new RetryingGateway(order -> Charge.approved(), RetryingGateway.Policy.of(1, Duration.ofMillis(1))),
            new PaymentProcessor.Settings("payments", "orders.DLT", 1, Duration.ofHours(1),
                    DeadLetters.DEFAULT_MAX_REQUEST_SIZE),
            Clock.systemUTC(), new PrintStream(output, true, StandardCharsets.UTF_8));
    private final PaymentService service = new PaymentService(new PrintStream(output, true, StandardCharsets.UTF_8));

    MockClientsTest() {
        new CommandLine(service).parseArgs(); // the program's options, at their defaults
    }

    @Test
    void eachPollsResultsAndOffsetsAreCommittedInOneTransaction() {
        // First poll: the group assigns orders-0 and two orders are there. Second poll: Ctrl-C (wakeup).
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(ORDERS));
            consumer.updateBeginningOffsets(Map.of(ORDERS, 0L));
            addOrder(0, "ord-1");
            addOrder(1, "ord-2");
        });
        consumer.schedulePollTask(consumer::wakeup);

        service.run(consumer, producer, processor, ORDERS.topic());

        // One result per order, keyed by order id...
        assertThat(producer.history()).extracting(ProducerRecord::topic, ProducerRecord::key)
                .containsExactly(tuple("payments", "ord-1"), tuple("payments", "ord-2"));
        // ... and the next offset to read (2) committed by the producer, inside the same transaction.
        assertThat(producer.consumerGroupOffsetsHistory()).singleElement()
                .satisfies(offsets -> assertThat(offsets.values().iterator().next())
                        .isEqualTo(Map.of(ORDERS, new OffsetAndMetadata(2))));
        assertThat(producer.transactionCommitted()).isTrue();
    }

    @Test
    void aFailedCommitAbortsAndTheSameOrdersAreProcessedAgain() {
        // A failure the test plants: the first commit fails as an abortable error would on a broker.
        producer.commitTransactionException = new KafkaException("simulated: the commit failed");
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(ORDERS));
            consumer.updateBeginningOffsets(Map.of(ORDERS, 0L));
            addOrder(0, "ord-1");
        });
        consumer.schedulePollTask(() -> {
            producer.commitTransactionException = null;
            addOrder(0, "ord-1"); // delivered again only because the loop went back to the committed offset
        });
        consumer.schedulePollTask(consumer::wakeup);

        service.run(consumer, producer, processor, ORDERS.topic());

        // The aborted attempt's result is gone from the history: one result, committed once.
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("ord-1");
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("Aborted a transaction of 1 orders");
        assertThat(processor.stats().processed()).isEqualTo(1);
    }

    /**
     * Passes here; {@code MockClientsIT} runs the same loop against a payments topic that takes at most
     * 100 bytes per batch ({@code max.message.bytes}), and there it fails. The fake has no topic, so no
     * topic's settings: anything the broker would refuse, it accepts.
     */
    @Test
    void theFakeAcceptsWhatABrokerWouldRefuse() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(ORDERS));
            consumer.updateBeginningOffsets(Map.of(ORDERS, 0L));
            addOrder(0, "ord-1");
        });
        consumer.schedulePollTask(consumer::wakeup);

        service.run(consumer, producer, processor, ORDERS.topic());

        assertThat(producer.history()).singleElement()
                .satisfies(result -> assertThat(result.value().length).isGreaterThan(100));
        assertThat(producer.transactionCommitted()).isTrue();
    }

    private void addOrder(long offset, String orderId) {
        Order order = new Order(orderId, "cust-1", List.of(new OrderItem("MUG-7", 1, BigDecimal.TEN)), BigDecimal.TEN,
                "EUR", Instant.parse("2026-11-26T18:00:00Z"));
        consumer.addRecord(new ConsumerRecord<>(ORDERS.topic(), ORDERS.partition(), offset, orderId,
                new JsonSerializer<Order>().serialize(ORDERS.topic(), order)));
    }
}
