package dev.franz.notificationservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.events.Notification;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.Topics;
import dev.franz.testing.BadRecords;
import dev.franz.testing.BadRecords.BadRecord;
import dev.franz.testing.CommittedRecords;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/**
 * The corpus of bad records between good payment results: each bad one is skipped with one SKIPPED
 * line saying why (notification-service's rule: payment-service dead-letters, this one only reads),
 * and every good one is notified exactly once, as without the corpus.
 */
class BadRecordsIT {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final String MARKUP_ORDER = "ord-markup";
    private static final String NOT_A_PAYMENT = "Not a valid PaymentResult JSON";
    private static final String NOTHING = "no value or no order id";

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    /** The start of the reason on each bad record's SKIPPED line. */
    private static final Map<String, String> EXPECTED_REASON = Map.of(
            "not JSON", NOT_A_PAYMENT,
            "valid JSON of the wrong shape", NOTHING, // reads as a payment with nothing in it
            "JSON null", NOTHING,
            "an empty JSON array", NOT_A_PAYMENT,
            "a tombstone (no value)", NOTHING,
            "bytes that are not UTF-8", NOT_A_PAYMENT,
            "a value of about 1 MB", NOTHING, // {"padding": ...}
            "a non-number where a number goes", NOT_A_PAYMENT,
            "a number of 10000 digits", NOT_A_PAYMENT); // Jackson refuses numbers over 1,000 digits

    @Test
    void everyBadPaymentIsSkippedWithItsReasonAndTheGoodOnesAreNotifiedAsWithoutThem() throws Exception {
        List<BadRecord> corpus = BadRecords.corpus(payment(MARKUP_ORDER, "17.80"), amount -> payment("ord-bad", amount));
        assertThat(corpus).filteredOn(bad -> !bad.expectProcessed()).extracting(BadRecord::name)
                .containsExactlyInAnyOrderElementsOf(EXPECTED_REASON.keySet());

        Run alone = new Run();
        List<ProducerRecord<String, byte[]>> good = goodPayments(alone.payments, corpus.size() + 1);
        good.add(new ProducerRecord<>(alone.payments, MARKUP_ORDER, bytes(payment(MARKUP_ORDER, "17.80"))));
        alone.produce(good);
        assertThat(alone.notificationService()).isZero();

        Run mixed = new Run();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Map<Integer, BadRecord> badAt = new LinkedHashMap<>(); // offset -> bad record (one partition)
        List<ProducerRecord<String, byte[]>> goodMixed = goodPayments(mixed.payments, corpus.size() + 1);
        for (int i = 0; i < corpus.size(); i++) {
            records.add(goodMixed.get(i));
            BadRecord bad = corpus.get(i);
            if (!bad.expectProcessed()) {
                badAt.put(records.size(), bad);
            }
            records.add(new ProducerRecord<>(mixed.payments, null, bad.expectProcessed() ? MARKUP_ORDER : "bad-" + i,
                    bad.value(), bad.headers()));
        }
        records.add(goodMixed.get(corpus.size()));
        mixed.produce(records);
        assertThat(mixed.notificationService()).isZero();

        // Every good payment notified once, with the same notification as without the corpus.
        assertThat(mixed.notifications()).isEqualTo(alone.notifications()).hasSize(corpus.size() + 2);
        // One SKIPPED line per bad record, saying why; none for a good one.
        List<String> skipped = mixed.output().lines().filter(line -> line.startsWith("SKIPPED")).toList();
        assertThat(skipped).hasSize(badAt.size());
        badAt.forEach((offset, bad) -> assertThat(skipped).as(bad.name()).anySatisfy(line -> assertThat(line)
                .startsWith(ConsoleLines.skipped(mixed.payments, 0, offset, EXPECTED_REASON.get(bad.name())))));
        assertThat(mixed.output()).contains("unreadable records skipped");
        // The markup of the headers is never printed: they are not part of a notification.
        assertThat(mixed.output()).doesNotContain("<script>");
    }

    /** One run of notification-service on topics of its own. */
    private static final class Run {
        final String orders = TestNames.unique("orders");
        final String payments = TestNames.unique("payments");
        final String notifications = TestNames.unique("notifications");
        final String group = TestNames.unique("notification_service");
        final ByteArrayOutputStream console = new ByteArrayOutputStream();

        void produce(List<ProducerRecord<String, byte[]>> records) throws Exception {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                // One partition each: offsets say which record is which.
                Topics.createIfMissing(admin, List.of(new NewTopic(orders, Optional.of(1), Optional.empty()),
                        new NewTopic(payments, Optional.of(1), Optional.empty())), READ_TIMEOUT);
            }
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                    new StringSerializer(), new ByteArraySerializer())) {
                for (ProducerRecord<String, byte[]> record : records) {
                    producer.send(record).get(30, TimeUnit.SECONDS); // in order, each one written
                }
            }
        }

        int notificationService() {
            return Cli.run(new NotificationService(new PrintStream(console, true, StandardCharsets.UTF_8)),
                    "--bootstrap-servers", kafka.bootstrapServers(), "--set", "TOPIC_ORDERS=" + orders,
                    "--set", "TOPIC_PAYMENTS=" + payments, "--set", "TOPIC_NOTIFICATIONS=" + notifications,
                    "--group", group, "--idle-timeout", "5", "--print-every", "1");
        }

        String output() {
            return console.toString(StandardCharsets.UTF_8);
        }

        /** Each notification as "order kind customer: message", sorted. */
        List<String> notifications() {
            return CommittedRecords.readAll(kafka.clientProperties(), notifications, new StringDeserializer(),
                            new JsonDeserializer<>(Notification.class), READ_TIMEOUT).stream()
                    .map(record -> record.key() + " " + record.value().kind() + " " + record.value().customerId() + ": "
                            + record.value().message())
                    .sorted().toList();
        }
    }

    private static List<ProducerRecord<String, byte[]>> goodPayments(String topic, int count) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new ProducerRecord<>(topic, "ord-" + i, bytes(payment("ord-" + i, i % 3 == 2 ? "1780.00"
                    : "17.80"))));
        }
        return records;
    }

    /** A payment result, approved (declined over 1,000), with the amount written as given. */
    private static String payment(String id, String amount) {
        boolean declined = amount.equals("1780.00");
        return "{\"order_id\":\"" + id + "\",\"customer_id\":\"cust-1\",\"status\":\""
                + (declined ? "declined\",\"reason\":\"amount over limit\"" : "approved\",\"reason\":null")
                + ",\"amount\":" + amount + ",\"currency\":\"EUR\",\"processed_at\":\"2026-11-26T18:00:01Z\"}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
