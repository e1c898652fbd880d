package dev.franz.orderproducer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.franz.common.events.Order;
import dev.franz.common.events.OrderGenerator;
import dev.franz.common.events.OrderItem;
import dev.franz.common.json.JsonSerializer;

/** The send and its callback, on a MockProducer: keyed by order id, every answer counted and shown. */
class OrderProducerSendTest {

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    private final OrderGenerator generator = new OrderGenerator(new Random(1),
            Clock.fixed(Instant.parse("2026-11-26T18:00:00Z"), ZoneOffset.UTC), 5);

    @Test
    void ordersAreKeyedByOrderIdSoEachOrderStaysOnOnePartition() {
        MockProducer<String, Order> producer = new MockProducer<>(true, new RoundRobinPartitioner(),
                new StringSerializer(), new JsonSerializer<>());
        OrderProducer sender = new OrderProducer(out, 1);

        for (int i = 0; i < 5; i++) {
            sender.send(producer, "orders", generator.next());
        }

        assertThat(producer.history()).hasSize(5)
                .allSatisfy(record -> assertThat(record.key()).isEqualTo(record.value().orderId()))
                .extracting(ProducerRecord::topic).containsOnly("orders");
        assertThat(sender.counts().acknowledged()).isEqualTo(5);
        assertThat(output.toString(StandardCharsets.UTF_8).lines()).hasSize(5).allMatch(line -> line.startsWith("order ord-"));
    }

    @Test
    void aFailedSendIsCountedAndShown() {
        MockProducer<String, Order> producer = new MockProducer<>(false, new RoundRobinPartitioner(),
                new StringSerializer(), new JsonSerializer<>());
        OrderProducer sender = new OrderProducer(out, 1);

        sender.send(producer, "orders", generator.next());
        producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("no answer"));

        assertThat(sender.counts().failed()).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("FAILED").contains("no answer");
    }

    @Test
    void anOrderAmountIsTheSumOfItsLines() {
        for (int i = 0; i < 50; i++) {
            Order order = generator.next();
            BigDecimal sum = order.items().stream()
                    .map((OrderItem item) -> item.unitPrice().multiply(BigDecimal.valueOf(item.quantity())))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(order.amount()).isEqualByComparingTo(sum);
            assertThat(order.items()).hasSizeBetween(1, 3);
            assertThat(order.currency()).isEqualTo("EUR");
        }
    }
}
