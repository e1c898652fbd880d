package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.franz.common.UserFacingException;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.DeadLetters;
import picocli.CommandLine;

/** PaymentService's transaction loop, on MockConsumer and MockProducer. */
class PaymentServiceLoopTest {

    private static final TopicPartition ORDERS = new TopicPartition("orders", 0);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<String, byte[]> producer = newProducer();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    private final PaymentProcessor processor = new PaymentProcessor(
            new RetryingGateway(order -> Charge.approved(), RetryingGateway.Policy.of(1, Duration.ofMillis(1))),
            new PaymentProcessor.Settings("payments", "orders.DLT", 1, Duration.ofHours(1),
                    DeadLetters.DEFAULT_MAX_REQUEST_SIZE), Clock.systemUTC(), out);
    private final PaymentService service = service();

    @Test
    void resultsAndOffsetsAreCommittedInOneTransactionPerPoll() {
        consumer.schedulePollTask(() -> {
            assign();
            addOrders("ord-1", "ord-2");
        });
        consumer.schedulePollTask(consumer::wakeup);

        service.run(consumer, producer, processor, ORDERS.topic());

        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("ord-1", "ord-2");
        assertThat(producer.consumerGroupOffsetsHistory()).hasSize(1);
        assertThat(producer.consumerGroupOffsetsHistory().get(0).values().iterator().next())
                .isEqualTo(Map.of(ORDERS, new OffsetAndMetadata(2)));
        assertThat(producer.transactionCommitted()).isTrue();
        assertThat(processor.stats().processed()).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("Partitions assigned: [orders-0]");
    }

    @Test
    void anAbortableErrorAbortsRewindsAndProcessesTheOrdersAgain() {
        producer.commitTransactionException = new KafkaException("simulated: the commit failed");
        consumer.schedulePollTask(() -> {
            assign();
            addOrders("ord-1", "ord-2");
        });
        consumer.schedulePollTask(() -> {
            producer.commitTransactionException = null;
            // Delivered again only if the loop went back to offset 0 (the last committed position).
            addOrders("ord-1", "ord-2");
        });
        consumer.schedulePollTask(consumer::wakeup);

        service.run(consumer, producer, processor, ORDERS.topic());

        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("ord-1", "ord-2");
        assertThat(processor.stats().processed()).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("Aborted a transaction of 2 orders");
    }

    @Test
    void anOrderWhoseSendFailsTheSameWayEveryTimeIsNamedWithItsCauseAndStopsTheServiceUncommitted() {
        MockProducer<String, byte[]> refusing = new MockProducer<>(false, new RoundRobinPartitioner(),
                new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
                // What KafkaProducer does with a record over max.request.size: a failed future, no exception.
                return "ord-2".equals(record.key()) ? CompletableFuture.failedFuture(new RecordTooLargeException(
                        "The message is 1048700 bytes when serialized which is larger than 1048576"))
                        : super.send(record, callback);
            }
        };
        // ... and the transaction's next call says only this, with the real cause inside.
        refusing.sendOffsetsToTransactionException = new KafkaException(
                "Cannot execute transactional method because we are in an error state",
                new RecordTooLargeException("The message is 1048700 bytes"));
        for (int poll = 1; poll <= PaymentService.MAX_SAME_FAILURES; poll++) {
            consumer.schedulePollTask(() -> {
                assign();
                addOrders("ord-1", "ord-2");
            });
        }

        assertThatThrownBy(() -> service.run(consumer, refusing, processor, ORDERS.topic()))
                .isInstanceOf(UserFacingException.class)
                .hasMessageStartingWith("The same failure aborted 3 transactions in a row (orders-0@1:"
                        + " RecordTooLargeException: The message is 1048700 bytes when serialized")
                .hasMessageContaining("not committed, so none is skipped");
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("Aborted a transaction of 2 orders (orders-0@1: RecordTooLargeException: The message is")
                .doesNotContain("error state");
        assertThat(refusing.consumerGroupOffsetsHistory()).isEmpty();
        assertThat(processor.stats().processed()).isZero();
    }

    @Test
    void aFailureWithNoFailedSendIsNamedByItsRootCause() {
        producer.sendOffsetsToTransactionException = new KafkaException("wrapped",
                new TimeoutException("Timeout expired after 60000ms"));
        consumer.schedulePollTask(() -> {
            assign();
            addOrders("ord-1");
        });
        consumer.schedulePollTask(() -> {
            producer.sendOffsetsToTransactionException = null;
            addOrders("ord-1");
        });
        consumer.schedulePollTask(consumer::wakeup);

        service.run(consumer, producer, processor, ORDERS.topic());

        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("Aborted a transaction of 1 orders (TimeoutException: Timeout expired after 60000ms)");
        assertThat(processor.stats().processed()).isEqualTo(1);
    }

    @Test
    void beingFencedStopsTheServiceWithAClearMessage() {
        producer.commitTransactionException = new ProducerFencedException("a newer producer has the same id");
        consumer.schedulePollTask(() -> {
            assign();
            addOrders("ord-1");
        });

        assertThatThrownBy(() -> service.run(consumer, producer, processor, ORDERS.topic()))
                .isInstanceOf(UserFacingException.class)
                .hasMessageContaining("Another instance with the same name took over, or the broker aborted")
                .hasMessageContaining("(ProducerFencedException); this one stops");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aFatalErrorStopsTheServiceWithoutAbortingOrRetrying() {
        producer.commitTransactionException = new InvalidConfigurationException("simulated: not authorized");
        consumer.schedulePollTask(() -> {
            assign();
            addOrders("ord-1");
        });

        assertThatThrownBy(() -> service.run(consumer, producer, processor, ORDERS.topic()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("not authorized");
        assertThat(producer.transactionAborted()).isFalse();
        assertThat(producer.history()).isEmpty();
        assertThat(processor.stats().processed()).isZero();
    }

    @Test
    void aCommitThatTimesOutIsRetriedNotAborted() {
        MockProducer<String, byte[]> slowToCommit = new MockProducer<>(false, new RoundRobinPartitioner(),
                new StringSerializer(), new ByteArraySerializer()) {
            private boolean timedOut;

            @Override
            public void commitTransaction() {
                if (!timedOut) {
                    timedOut = true;
                    throw new TimeoutException("simulated: no answer within max.block.ms");
                }
                super.commitTransaction();
            }
        };
        consumer.schedulePollTask(() -> {
            assign();
            addOrders("ord-1");
        });
        consumer.schedulePollTask(consumer::wakeup);

        service.run(consumer, slowToCommit, processor, ORDERS.topic());

        assertThat(slowToCommit.transactionAborted()).isFalse();
        assertThat(slowToCommit.history()).extracting(ProducerRecord::key).containsExactly("ord-1");
        assertThat(processor.stats().processed()).isEqualTo(1);
    }

    @Test
    void anotherConsumerWithOurInstanceIdStopsTheServiceWithAClearMessage() {
        consumer.setPollException(new FencedInstanceIdException("another consumer has this group.instance.id"));

        assertThatThrownBy(() -> service.run(consumer, producer, processor, ORDERS.topic()))
                .isInstanceOf(UserFacingException.class)
                .hasMessageContaining("(FencedInstanceIdException); this one stops");
    }

    @Test
    void stopsAfterMaxMessagesCommittedOrders() {
        PaymentService limited = service("--max-messages", "2");
        consumer.schedulePollTask(() -> {
            assign();
            addOrders("ord-1", "ord-2");
        });
        // No wakeup scheduled: only the limit can end the loop.

        limited.run(consumer, producer, processor, ORDERS.topic());

        assertThat(processor.stats().processed()).isEqualTo(2);
    }

    @Test
    void batchesAreSizedSoThatTheWorstCaseFitsInTheTransaction() {
        RetryingGateway.Policy policy = RetryingGateway.Policy.of(4, Duration.ofMillis(100));
        // 4 x 20 ms + 1,050 ms = 1,130 ms per order at worst: 17 orders in 20 s
        assertThat(PaymentServiceOptions.maxPollRecords(policy, Duration.ofMillis(20), 0.1)).isEqualTo(17);
        // No failures possible and no latency: the largest batch
        assertThat(PaymentServiceOptions.maxPollRecords(policy, Duration.ZERO, 0)).isEqualTo(PaymentServiceOptions.MAX_BATCH);
    }

    private PaymentService service(String... args) {
        PaymentService service = new PaymentService(out);
        new CommandLine(service).parseArgs(args);
        return service;
    }

    private static MockProducer<String, byte[]> newProducer() {
        return new MockProducer<>(false, new RoundRobinPartitioner(), new StringSerializer(), new ByteArraySerializer());
    }

    private void assign() {
        consumer.rebalance(List.of(ORDERS));
        consumer.updateBeginningOffsets(Map.of(ORDERS, 0L));
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
