package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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
import dev.franz.common.events.PaymentResult;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.common.kafka.Topics;
import dev.franz.testing.BadRecords;
import dev.franz.testing.BadRecords.BadRecord;
import dev.franz.testing.CommittedRecords;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/**
 * The corpus of bad records between good orders: each bad one is dead-lettered with its reason (the
 * 1 MB one cut, headers saying so), and the good ones are paid exactly as they are without the corpus.
 */
class BadRecordsIT {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final String MARKUP_ORDER = "ord-markup";

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    /** What payment-service's rule does with each bad record of the corpus: its dead letter's reason. */
    private static final Map<String, String> EXPECTED_REASON = Map.of(
            "not JSON", "malformed",
            "valid JSON of the wrong shape", "invalid", // reads as an order with nothing in it
            "JSON null", "malformed",
            "an empty JSON array", "malformed",
            "a tombstone (no value)", "malformed",
            "bytes that are not UTF-8", "malformed",
            "a value of about 1 MB", "invalid", // {"padding": ...}: an order with nothing in it
            "a non-number where a number goes", "malformed",
            "a number of 10000 digits", "malformed"); // Jackson refuses numbers over 1,000 digits

    @Test
    void everyBadOrderIsDeadLetteredWithItsReasonAndTheGoodOnesArePaidAsWithoutThem() throws Exception {
        List<BadRecord> corpus = BadRecords.corpus(order(MARKUP_ORDER, "17.80"), amount -> order("ord-bad", amount));
        assertThat(corpus).filteredOn(bad -> !bad.expectProcessed()).extracting(BadRecord::name)
                .containsExactlyInAnyOrderElementsOf(EXPECTED_REASON.keySet());

        // The good orders alone, then the same good orders with a bad record after each.
        Run alone = new Run();
        List<ProducerRecord<String, byte[]>> good = goodOrders(alone.orders, corpus.size() + 1);
        good.add(new ProducerRecord<>(alone.orders, MARKUP_ORDER, bytes(order(MARKUP_ORDER, "17.80"))));
        alone.produce(good);
        assertThat(alone.paymentService()).isZero();

        Run mixed = new Run();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Map<Integer, BadRecord> badAt = new LinkedHashMap<>(); // offset -> bad record (one partition)
        List<ProducerRecord<String, byte[]>> goodMixed = goodOrders(mixed.orders, corpus.size() + 1);
        for (int i = 0; i < corpus.size(); i++) {
            records.add(goodMixed.get(i));
            BadRecord bad = corpus.get(i);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(mixed.orders, null,
                    bad.expectProcessed() ? MARKUP_ORDER : "bad-" + i, bad.value(), bad.headers());
            if (!bad.expectProcessed()) {
                badAt.put(records.size(), bad);
            }
            records.add(record);
        }
        records.add(goodMixed.get(corpus.size()));
        mixed.produce(records);
        assertThat(mixed.paymentService()).isZero();

        // Every good order paid once, with the same outcome as without the corpus (markup included).
        assertThat(mixed.payments()).isEqualTo(alone.payments()).hasSize(corpus.size() + 2);
        // Every bad record dead-lettered once, with its reason and where it came from.
        List<ConsumerRecord<String, byte[]>> dead = CommittedRecords.readAll(kafka.clientProperties(),
                mixed.deadLetters, new StringDeserializer(), new ByteArrayDeserializer(), READ_TIMEOUT);
        assertThat(dead).hasSize(badAt.size());
        for (ConsumerRecord<String, byte[]> letter : dead) {
            int offset = Integer.parseInt(DeadLetters.header(letter.headers(), DeadLetters.SOURCE_OFFSET));
            BadRecord bad = badAt.get(offset);
            assertThat(bad).as("dead letter of offset %d", offset).isNotNull();
            assertThat(DeadLetters.header(letter.headers(), DeadLetters.REASON)).as(bad.name())
                    .isEqualTo(EXPECTED_REASON.get(bad.name()));
            assertThat(DeadLetters.header(letter.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(mixed.orders);
            if (bad.value() != null && bad.value().length == BadRecords.NEAR_ONE_MB) {
                // Too large to go whole beside its headers: the start of it, and the headers say so.
                assertThat(DeadLetters.header(letter.headers(), DeadLetters.VALUE_TRUNCATED)).isEqualTo("true");
                assertThat(DeadLetters.header(letter.headers(), DeadLetters.VALUE_ORIGINAL_SIZE))
                        .isEqualTo(Integer.toString(BadRecords.NEAR_ONE_MB));
                assertThat(letter.value()).hasSizeLessThan(BadRecords.NEAR_ONE_MB)
                        .isEqualTo(Arrays.copyOf(bad.value(), letter.value().length));
            } else {
                assertThat(letter.headers().lastHeader(DeadLetters.VALUE_TRUNCATED)).as(bad.name()).isNull();
                assertThat(letter.value()).as(bad.name()).isEqualTo(bad.value());
            }
        }
        assertThat(dead).extracting(letter -> badAt.get(Integer.parseInt(DeadLetters.header(letter.headers(),
                DeadLetters.SOURCE_OFFSET))).name()).containsExactlyInAnyOrderElementsOf(EXPECTED_REASON.keySet());
    }

    /** One run of payment-service on topics of its own. */
    private static final class Run {
        final String orders = TestNames.unique("orders");
        final String payments = TestNames.unique("payments");
        final String deadLetters = TestNames.unique("orders.DLT");
        final String group = TestNames.unique("payment_service");

        void produce(List<ProducerRecord<String, byte[]>> records) throws Exception {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                // One partition: offsets say which record is which, and the order of results is the orders'.
                Topics.createIfMissing(admin, List.of(new NewTopic(orders, Optional.of(1), Optional.empty())),
                        READ_TIMEOUT);
            }
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                    new StringSerializer(), new ByteArraySerializer())) {
                for (ProducerRecord<String, byte[]> record : records) {
                    producer.send(record).get(30, TimeUnit.SECONDS); // in order, each one written
                }
            }
        }

        int paymentService() {
            return Cli.run(new PaymentService(), "--bootstrap-servers", kafka.bootstrapServers(),
                    "--set", "TOPIC_ORDERS=" + orders, "--set", "TOPIC_PAYMENTS=" + payments,
                    "--set", "TOPIC_ORDERS_DLT=" + deadLetters, "--group", group, "--idle-timeout", "5",
                    "--print-every", "0", "--failure-rate", "0", "--latency-ms", "0");
        }

        /** Each payment as "order: status reason amount currency", in the order they were written per key. */
        List<String> payments() {
            return CommittedRecords.readAll(kafka.clientProperties(), payments, new StringDeserializer(),
                            new JsonDeserializer<>(PaymentResult.class), READ_TIMEOUT).stream()
                    .map(record -> record.key() + ": " + record.value().status() + " " + record.value().reason() + " "
                            + record.value().amount().toPlainString() + " " + record.value().currency())
                    .sorted().toList();
        }
    }

    private static List<ProducerRecord<String, byte[]>> goodOrders(String topic, int count) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // Two over the limit of 1,000: declined, the rest approved.
            String amount = i % 5 == 4 ? "1780.00" : "17.80";
            records.add(new ProducerRecord<>(topic, "ord-" + i, bytes(order("ord-" + i, amount))));
        }
        return records;
    }

    /** An order of two mugs at 8.90 (or at amount / 2, to match), with the amount written as given. */
    private static String order(String id, String amount) {
        String unitPrice = amount.equals("1780.00") ? "890.00" : "8.90";
        return "{\"order_id\":\"" + id + "\",\"customer_id\":\"cust-1\",\"items\":[{\"sku\":\"MUG-7\",\"quantity\":2,"
                + "\"unit_price\":" + unitPrice + "}],\"amount\":" + amount + ",\"currency\":\"EUR\","
                + "\"created_at\":\"2026-11-26T18:00:00Z\"}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
