package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.events.PaymentResult;
import dev.franz.common.events.PaymentStatus;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.DeadLetters;

class PaymentProcessorTest {

    private static final Instant NOW = Instant.parse("2026-11-26T18:00:00Z");
    private static final RetryingGateway.Policy NO_WAIT = RetryingGateway.Policy.of(3, Duration.ofMillis(1));

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    /** Answers scripted per call: a Charge, or a GatewayUnavailableException to throw. */
    private final Deque<Object> script = new ArrayDeque<>();
    private final PaymentGateway scriptedGateway = order -> {
        Object next = script.isEmpty() ? Charge.approved() : script.poll();
        if (next instanceof GatewayUnavailableException e) {
            throw e;
        }
        return (Charge) next;
    };
    private final PaymentProcessor processor = new PaymentProcessor(new RetryingGateway(scriptedGateway, NO_WAIT),
            new PaymentProcessor.Settings("payments", "orders.DLT", 1, Duration.ofSeconds(5),
                    DeadLetters.DEFAULT_MAX_REQUEST_SIZE),
            Clock.fixed(NOW, ZoneOffset.UTC), out);

    @Test
    void writesOneResultPerOrderKeyedByOrderId() {
        script.add(Charge.approved());
        script.add(Charge.declined("customer cust-13 is blocked"));

        List<ProducerRecord<String, byte[]>> outputs = processAll(batch(
                json(order("ord-1", "cust-1")), json(order("ord-2", "cust-13"))));

        assertThat(outputs).extracting(ProducerRecord::topic).containsOnly("payments");
        assertThat(outputs).extracting(ProducerRecord::key).containsExactly("ord-1", "ord-2");
        PaymentResult declined = new JsonDeserializer<>(PaymentResult.class).deserialize("payments",
                outputs.get(1).value());
        assertThat(declined.status()).isEqualTo(PaymentStatus.DECLINED);
        assertThat(declined.reason()).isEqualTo("customer cust-13 is blocked");
        assertThat(declined.processedAt()).isEqualTo(NOW);
    }

    @Test
    void malformedJsonGoesToTheDeadLetterTopicUnchangedWithHeadersSayingWhy() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);

        ProducerRecord<String, byte[]> deadLetter = processAll(batch(garbage)).get(0);

        assertThat(deadLetter.topic()).isEqualTo("orders.DLT");
        assertThat(deadLetter.value()).isEqualTo(garbage);
        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.REASON)).isEqualTo("malformed");
        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.ERROR_CLASS))
                .isEqualTo("org.apache.kafka.common.errors.SerializationException");
        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.ERROR_MESSAGE)).contains("Not a valid Order JSON");
        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo("orders");
        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.ATTEMPTS)).isEqualTo("0");
    }

    @Test
    void anInvalidOrderIsDeadLetteredWithoutChargingIt() {
        Order noItems = new Order("ord-1", "cust-1", List.of(), new BigDecimal("10.00"), "EUR", NOW);
        script.add(new GatewayUnavailableException("must not be called"));

        ProducerRecord<String, byte[]> deadLetter = processAll(batch(json(noItems))).get(0);

        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.REASON)).isEqualTo("invalid");
        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.ERROR_MESSAGE))
                .contains("an order needs at least one item");
        assertThat(script).hasSize(1);
    }

    @Test
    void transientFailuresAreRetriedAndTheOrderIsPaid() {
        script.add(new GatewayUnavailableException("503"));
        script.add(new GatewayUnavailableException("503"));
        script.add(Charge.approved());

        ProducerRecord<String, byte[]> result = processAll(batch(json(order("ord-1", "cust-1")))).get(0);
        processor.committed();

        assertThat(result.topic()).isEqualTo("payments");
        assertThat(processor.stats().retried()).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("approved").contains("3 attempts");
    }

    @Test
    void anOrderOutOfRetriesIsDeadLetteredWithItsAttempts() {
        for (int i = 0; i < 3; i++) {
            script.add(new GatewayUnavailableException("503 #" + i));
        }

        ProducerRecord<String, byte[]> deadLetter = processAll(batch(json(order("ord-1", "cust-1")))).get(0);

        assertThat(deadLetter.topic()).isEqualTo("orders.DLT");
        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.REASON)).isEqualTo("retries-exhausted");
        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.ATTEMPTS)).isEqualTo("3");
        assertThat(DeadLetters.header(deadLetter.headers(), DeadLetters.ERROR_MESSAGE)).isEqualTo("503 #2");
    }

    @Test
    void onlyCommittedBatchesAreCountedAndPrinted() {
        processAll(batch(json(order("ord-1", "cust-1"))));
        processor.aborted("a test");
        processAll(batch(json(order("ord-1", "cust-1"))));
        processor.committed();

        assertThat(processor.stats().processed()).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8)).containsOnlyOnce("ord-1 ");
    }

    /** What PaymentService sends for each record of a batch, inside its transaction. */
    private List<ProducerRecord<String, byte[]>> processAll(ConsumerRecords<String, byte[]> records) {
        List<ProducerRecord<String, byte[]>> outputs = new ArrayList<>();
        records.forEach(record -> outputs.add(processor.process(record)));
        return outputs;
    }

    private static Order order(String id, String customer) {
        return new Order(id, customer, List.of(new OrderItem("MUG-7", 2, new BigDecimal("8.90"))),
                new BigDecimal("17.80"), "EUR", NOW);
    }

    private static byte[] json(Order order) {
        return new JsonSerializer<Order>().serialize("orders", order);
    }

    private static ConsumerRecords<String, byte[]> batch(byte[]... values) {
        TopicPartition partition = new TopicPartition("orders", 0);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            records.add(new ConsumerRecord<>("orders", 0, i, "key-" + i, values[i]));
        }
        return new ConsumerRecords<>(Map.of(partition, records), Map.of());
    }
}
