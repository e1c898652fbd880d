package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.cli.Cli;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderGenerator;
import dev.franz.common.events.PaymentResult;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.Topics;
import dev.franz.testing.CommittedRecords;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/**
 * Layer 4 of the pyramid: the whole payment-service program against a real broker.
 *
 * {@code KafkaBrokerExtension} (test-support) gives the test a real broker: one per test JVM, shared by
 * every test class of the module. Which broker is one setting: {@code KAFKA_TEST_BOOTSTRAP_SERVERS} points
 * the tests at yours (a real cluster); without it, a Testcontainers broker where Docker runs, otherwise a
 * real KRaft broker started in this JVM. Because the broker is shared, every test names its own topics and
 * group ({@code TestNames.unique}), and waits for a state it can read (Awaitility), never for a time.
 *
 * What it proves that the layers below cannot: the real clients, serializers, topic creation, the group
 * protocol, transactions with a coordinator and read_committed readers, together.
 */
class OnARealBrokerIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    // Unique per test: tests share the broker, and a rerun must not read the last run's records.
    private final String orders = TestNames.unique("orders");
    private final String payments = TestNames.unique("payments");
    private final String group = TestNames.unique("payment-service");

    @Test
    void everyOrderGetsExactlyOnePaymentResult() throws Exception {
        // The input: ten orders from the course's own generator (the same as order-producer's).
        // The topics first (the broker creates none by itself), as the programs create them.
        Topics.createIfMissing(FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())),
                List.of(orders, payments));
        OrderGenerator generator = new OrderGenerator(new Random(1), Clock.systemUTC(), 5);
        List<String> orderIds = new ArrayList<>();
        try (KafkaProducer<String, Order> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new JsonSerializer<>())) {
            for (int i = 0; i < 10; i++) {
                Order order = generator.next();
                orderIds.add(order.orderId());
                producer.send(new ProducerRecord<>(orders, order.orderId(), order)).get(); // checked: it is on the broker
            }
        }

        // The program, as a learner runs it, with its command-line options; in a thread, as it runs until stopped.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        CompletableFuture<Integer> service = CompletableFuture.supplyAsync(() -> Cli.run(
                new PaymentService(new PrintStream(output, true, StandardCharsets.UTF_8)),
                "--bootstrap-servers", kafka.bootstrapServers(), "--group", group,
                "--set", "TOPIC_ORDERS=" + orders, "--set", "TOPIC_PAYMENTS=" + payments,
                "--set", "TOPIC_ORDERS_DLT=" + TestNames.unique("orders.DLT"),
                "--failure-rate", "0", "--latency-ms", "0", "--limit", "1000000",
                "--idle-timeout", "2")); // ends 2 s after the last order: the test never has to stop it

        // Wait for the state that matters, read as a downstream service reads it (read_committed), at most 60 s.
        await().atMost(Duration.ofSeconds(60)).until(() -> committedPayments().size() >= orderIds.size());

        assertThat(service.get(30, TimeUnit.SECONDS)).as(output::toString).isZero();
        List<ConsumerRecord<String, PaymentResult>> results = committedPayments();
        assertThat(results).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(orderIds);
        assertThat(results).allSatisfy(result -> assertThat(result.value().orderId()).isEqualTo(result.key()));
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("committed 10 orders");
    }

    private List<ConsumerRecord<String, PaymentResult>> committedPayments() {
        return CommittedRecords.readAll(kafka.clientProperties(), payments, new StringDeserializer(),
                new JsonDeserializer<>(PaymentResult.class), Duration.ofSeconds(10));
    }
}
