package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.cli.Cli;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.events.PaymentResult;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;
import dev.franz.testing.CommittedRecords;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.common.kafka.Topics;
import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestConsumers;
import dev.franz.testing.TestNames;

class PaymentServiceIT {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final String orders = TestNames.unique("orders");
    private final String payments = TestNames.unique("payments");
    private final String deadLetters = TestNames.unique("orders.DLT");
    private final String group = TestNames.unique("payment_service");

    @Test
    void poisonAndInvalidOrdersAreDeadLetteredWithReasonsAndEveryGoodOrderIsPaidOnce() {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            values.add(json(order("ord-" + i, "17.80")));
        }
        values.add(5, "{\"order_id\": \"ord-broken\", ".getBytes(StandardCharsets.UTF_8));
        values.add(12, json(order("ord-wrong-total", "99.00")));
        values.add(new byte[] {(byte) 0xff, 0x00});
        produce(values);

        int exitCode = runPaymentService("--failure-rate", "0", "--latency-ms", "0");

        assertThat(exitCode).isZero();
        List<ConsumerRecord<String, PaymentResult>> results = readPayments(20);
        assertThat(results).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).mapToObj(i -> "ord-" + i).toList());
        List<ConsumerRecord<String, byte[]>> dead = readDeadLetters(3);
        assertThat(dead).extracting(record -> DeadLetters.header(record.headers(), DeadLetters.REASON))
                .containsExactlyInAnyOrder("malformed", "invalid", "malformed");
        assertThat(dead).allSatisfy(record -> {
            assertThat(DeadLetters.header(record.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(orders);
            assertThat(DeadLetters.header(record.headers(), DeadLetters.SOURCE_OFFSET)).isNotNull();
            assertThat(DeadLetters.header(record.headers(), DeadLetters.ERROR_CLASS)).isNotBlank();
        });
        assertThat(dead).filteredOn(record -> "invalid".equals(DeadLetters.header(record.headers(), DeadLetters.REASON)))
                .singleElement().satisfies(record -> assertThat(DeadLetters.header(record.headers(),
                        DeadLetters.ERROR_MESSAGE)).isEqualTo("amount 99.00 is not the items' total 17.80"));
    }

    @Test
    void transientGatewayFailuresAreRetriedAndEachOrderEndsWithOneResultOrOneDeadLetter() {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            values.add(json(order("ord-" + i, "17.80")));
        }
        produce(values);

        int exitCode = runPaymentService("--failure-rate", "0.5", "--max-attempts", "3", "--backoff-ms", "1",
                "--latency-ms", "0");

        assertThat(exitCode).isZero();
        List<ConsumerRecord<String, PaymentResult>> results = CommittedRecords.readAll(kafka.clientProperties(),
                payments, new StringDeserializer(), new JsonDeserializer<>(PaymentResult.class), READ_TIMEOUT);
        List<ConsumerRecord<String, byte[]>> dead = CommittedRecords.readAll(kafka.clientProperties(),
                deadLetters, new StringDeserializer(), new ByteArrayDeserializer(), READ_TIMEOUT);
        List<String> outcomes = new ArrayList<>();
        results.forEach(record -> outcomes.add(record.key()));
        dead.forEach(record -> outcomes.add(record.key()));
        assertThat(outcomes).hasSize(60).doesNotHaveDuplicates();
        assertThat(dead).allSatisfy(record -> {
            assertThat(DeadLetters.header(record.headers(), DeadLetters.REASON)).isEqualTo("retries-exhausted");
            assertThat(DeadLetters.header(record.headers(), DeadLetters.ATTEMPTS)).isEqualTo("3");
        });
    }

    @Test
    void noBrokerIsReportedInSecondsWithExitCode1() {
        long startedAt = System.nanoTime();

        int exitCode = Cli.run(new PaymentService(), "--bootstrap-servers",
                "localhost:" + EmbeddedKafkaBroker.freePort());

        assertThat(exitCode).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(10));
    }

    private int runPaymentService(String... gatewayOptions) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "TOPIC_ORDERS=" + orders, "--set", "TOPIC_PAYMENTS=" + payments,
                "--set", "TOPIC_ORDERS_DLT=" + deadLetters, "--group", group, "--idle-timeout", "5",
                "--print-every", "0"));
        args.addAll(List.of(gatewayOptions));
        return Cli.run(new PaymentService(), args.toArray(String[]::new));
    }

    private void produce(List<byte[]> values) {
        Topics.createIfMissing(FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())),
                orders);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(orders, "key-" + i, values.get(i)));
            }
            producer.flush();
        }
    }

    private List<ConsumerRecord<String, PaymentResult>> readPayments(int expected) {
        return TestConsumers.readFromStart(kafka.clientProperties(), payments, new StringDeserializer(),
                new JsonDeserializer<>(PaymentResult.class), expected);
    }

    private List<ConsumerRecord<String, byte[]>> readDeadLetters(int expected) {
        return TestConsumers.readFromStart(kafka.clientProperties(), deadLetters, new StringDeserializer(),
                new ByteArrayDeserializer(), expected);
    }

    private static Order order(String id, String amount) {
        return new Order(id, "cust-1", List.of(new OrderItem("MUG-7", 2, new BigDecimal("8.90"))),
                new BigDecimal(amount), "EUR", Instant.parse("2026-11-26T18:00:00Z"));
    }

    private static byte[] json(Order order) {
        return new JsonSerializer<Order>().serialize("orders", order);
    }
}
