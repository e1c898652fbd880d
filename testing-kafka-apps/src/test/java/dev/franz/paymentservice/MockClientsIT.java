package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.cli.Cli;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.json.JsonSerializer;
import dev.franz.testing.CommittedRecords;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/**
 * The companion of {@code MockClientsTest.theFakeAcceptsWhatABrokerWouldRefuse}: the same loop, the
 * whole payment-service program this time, on a real broker whose payments topic takes at most 100 bytes
 * per batch of records ({@code max.message.bytes}, a topic setting MockProducer knows nothing of).
 *
 * On the fake the order was paid. Here the broker refuses the result, the transaction aborts, the order
 * is read again and refused again, and the service stops with nothing committed: after three identical
 * failures (the rule Level 3 chose for a failure that does not pass), or sooner, when the broker fences
 * the producer after an abort (seen with Kafka 4.4: ProducerFencedException after the first or second
 * abort). Either way it fails, which is the point: the fake could not.
 */
class MockClientsIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final String orders = TestNames.unique("orders");
    private final String payments = TestNames.unique("payments");

    @Test
    void theBrokerRefusesWhatTheFakeAcceptedAndTheServiceStopsWithNothingCommitted() throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(orders, 1, (short) 1), new NewTopic(payments, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "100")))).all().get();
        }
        Order order = new Order("ord-1", "cust-1", List.of(new OrderItem("MUG-7", 1, BigDecimal.TEN)), BigDecimal.TEN,
                "EUR", Instant.parse("2026-11-26T18:00:00Z"));
        try (KafkaProducer<String, Order> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new JsonSerializer<>())) {
            producer.send(new ProducerRecord<>(orders, order.orderId(), order)).get();
        }

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        StringWriter errors = new StringWriter();
        int exitCode = Cli.run(new PaymentService(new PrintStream(output, true, StandardCharsets.UTF_8)),
                new PrintWriter(errors, true), "--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "TOPIC_ORDERS=" + orders, "--set", "TOPIC_PAYMENTS=" + payments,
                "--set", "TOPIC_ORDERS_DLT=" + TestNames.unique("orders.DLT"), "--group", TestNames.unique("payments"),
                "--failure-rate", "0", "--latency-ms", "0");

        assertThat(exitCode).as(output::toString).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("Aborted a transaction of 1 orders (" + orders + "-0@0: RecordTooLargeException");
        assertThat(errors.toString()).as("why it stopped").isNotBlank();
        // What a downstream read_committed reader sees of it: nothing.
        assertThat(CommittedRecords.readAll(kafka.clientProperties(), payments, new StringDeserializer(),
                new ByteArrayDeserializer(), Duration.ofSeconds(30))).isEmpty();
    }
}
