package dev.franz.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.events.PaymentResult;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.testing.CommittedRecords;
import dev.franz.testing.Browser;
import dev.franz.liveview.LiveView;
import dev.franz.orderproducer.OrderProducer;
import dev.franz.paymentservice.PaymentService;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/**
 * kill -9 the payment service again and again while orders flow: exactly-once means every order
 * still ends with exactly one committed payment result, and nothing an aborted or unfinished
 * transaction wrote is visible to a read_committed reader.
 */
class PaymentServiceCrashIT {

    private static final int ORDERS = 4_000;
    private static final int CRASHES = 3;

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final String orders = TestNames.unique("orders");
    private final String payments = TestNames.unique("payments");
    private final String group = TestNames.unique("payment_service");
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    private final List<ServiceProcess> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (ServiceProcess process : processes) {
            process.close();
        }
    }

    @Test
    void everyOrderHasExactlyOneCommittedPaymentAfterRepeatedKills() throws Exception {
        List<String> connection = List.of("--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "TOPIC_ORDERS=" + orders, "--set", "TOPIC_PAYMENTS=" + payments,
                "--set", "TOPIC_ORDERS_DLT=" + TestNames.unique("orders.DLT"));
        // The live view watches, in its own JVM, as with bin/demo --live-view.
        int port = LiveViewApi.freePort();
        List<String> liveViewArgs = new ArrayList<>(connection);
        // Its most per partition: it skips ahead only when 4 times that far behind, and on a loaded machine
        // the default (20) let it skip every aborted payment, with nothing left to check.
        liveViewArgs.addAll(List.of("--port", Integer.toString(port), "--records-per-partition", "200"));
        ServiceProcess liveView = start("live-view", LiveView.class, liveViewArgs);
        assertThat(liveView.awaitLine(Demo.LIVE_VIEW_READY, Duration.ofSeconds(60))).as(output::toString).isNotNull();

        List<String> producerArgs = new ArrayList<>(List.of("--count", Integer.toString(ORDERS), "--interval", "0.002"));
        producerArgs.addAll(connection);
        ServiceProcess producer = start("order", OrderProducer.class, producerArgs);
        ServiceProcess payment = startPaymentService(connection);

        long paymentsSoFar = 0;
        for (int crash = 1; crash <= CRASHES; crash++) {
            long before = paymentsSoFar;
            // Let it commit some transactions (and be mid-way through another) before pulling the plug.
            await().atMost(Duration.ofSeconds(60)).until(() -> paymentRecordsWritten() >= before + 300);
            payment.kill();
            paymentsSoFar = paymentRecordsWritten();
            // Same --instance: the restarted service fences the dead one and takes over its partitions.
            payment = startPaymentService(connection);
        }
        assertThat(producer.waitFor(Duration.ofSeconds(60))).isZero();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> committedPayments().size() >= ORDERS);
        payment.stop();

        List<ConsumerRecord<String, byte[]>> placed = CommittedRecords.readAll(kafka.clientProperties(), orders,
                new StringDeserializer(), new ByteArrayDeserializer(), READ_TIMEOUT);
        List<ConsumerRecord<String, PaymentResult>> committed = committedPayments();
        assertThat(placed).hasSize(ORDERS);
        assertThat(committed).extracting(ConsumerRecord::key)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(placed.stream().map(ConsumerRecord::key).toList());
        assertThat(committed).allSatisfy(record -> assertThat(record.value().orderId()).isEqualTo(record.key()));
        // Kills mid-transaction leave records that were written but never committed: on the log, not for readers.
        assertThat(paymentRecordsWritten()).isGreaterThanOrEqualTo(ORDERS);

        theLiveViewShowsTheAbortedPaymentsAndOneCommittedPaymentPerOrder(new LiveViewApi(port), committed);
    }

    /**
     * The payment records the kills left uncommitted are shown as aborted, each beside the one
     * committed payment of its order: what the live view says of each record is what Kafka says.
     */
    private void theLiveViewShowsTheAbortedPaymentsAndOneCommittedPaymentPerOrder(
            LiveViewApi liveView, List<ConsumerRecord<String, PaymentResult>> committed) throws Exception {
        Set<String> committedAt = new HashSet<>();
        committed.forEach(r -> committedAt.add(r.topic() + "-" + r.partition() + "@" + r.offset()));
        List<ConsumerRecord<String, byte[]>> aborted = allPaymentRecords().stream()
                .filter(r -> !committedAt.contains(r.topic() + "-" + r.partition() + "@" + r.offset())).toList();
        assertThat(aborted).as("payment records the kills left uncommitted").isNotEmpty();

        String shown = null;
        // The last 30 first: when the live view skips ahead over a backlog (on a loaded machine), it is the
        // early records it has not read; once all of the first 30 were such records and nothing was checked.
        List<ConsumerRecord<String, byte[]>> latestFirst = new ArrayList<>(aborted);
        latestFirst.sort((a, b) -> Long.compare(b.timestamp(), a.timestamp()));
        for (ConsumerRecord<String, byte[]> record : latestFirst.subList(0, Math.min(latestFirst.size(), 30))) {
            String where = record.topic() + "-" + record.partition() + "@" + record.offset();
            JsonNode trace = await().atMost(Duration.ofSeconds(30)).until(() -> liveView.order(record.key()),
                    t -> t != null && !LiveViewApi.hops(t, "payment", true).stream().anyMatch(h -> h.endsWith(" pending")));
            List<String> payments = LiveViewApi.hops(trace, "payment", true);
            if (payments.stream().anyMatch(h -> h.endsWith(" unknown"))) {
                continue; // the live view skipped ahead over these records: it says so, and claims nothing
            }
            assertThat(payments).contains(where + " aborted");
            assertThat(payments.stream().filter(h -> h.endsWith(" committed")).toList()).as(record.key()).singleElement()
                    .satisfies(h -> assertThat(committedAt).contains(h.substring(0, h.indexOf(' '))));
            shown = shown == null ? record.key() : shown;
        }
        assertThat(shown).as("an order whose aborted payment the live view read").isNotNull();

        try (Browser browser = Browser.start()) {
            browser.open(liveView.url());
            // The flow's section appears with the first look at the cluster.
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.driver().findElement(By.id("order-id")).isDisplayed());
            browser.driver().findElement(By.id("order-id")).sendKeys(shown);
            browser.driver().findElement(By.cssSelector("#follow-form button")).click();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(browser.attributes("#order-trace tr[data-role='payment']", "data-status"))
                        .contains("aborted").containsOnlyOnce("committed");
                assertThat(browser.texts("#order-trace tr[data-status='aborted'] td")).anyMatch(t -> t.startsWith("ABORTED"));
                assertThat(browser.attributes("#transactions tr[data-transactional-id]", "data-transactional-id"))
                        .contains("payment-service-1");
            });
        }
    }

    /** Every record on the payments log, committed or not, as a read_uncommitted reader gets them. */
    private List<ConsumerRecord<String, byte[]>> allPaymentRecords() {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(payments).forEach(info -> partitions.add(new TopicPartition(payments, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private ServiceProcess startPaymentService(List<String> connection) throws IOException {
        List<String> args = new ArrayList<>(connection);
        args.addAll(List.of("--group", group, "--instance", "1", "--failure-rate", "0", "--latency-ms", "1",
                "--print-every", "0"));
        return start("payment", PaymentService.class, args);
    }

    private ServiceProcess start(String label, Class<?> mainClass, List<String> args) throws IOException {
        ServiceProcess process = ServiceProcess.start(label, mainClass, args, out);
        processes.add(process);
        return process;
    }

    private List<ConsumerRecord<String, PaymentResult>> committedPayments() {
        return CommittedRecords.readAll(kafka.clientProperties(), payments, new StringDeserializer(),
                new JsonDeserializer<>(PaymentResult.class), READ_TIMEOUT);
    }

    /** Everything on the payments log, committed or not, as a read_uncommitted reader sees it. */
    private long paymentRecordsWritten() {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(payments).forEach(info -> partitions.add(new TopicPartition(payments,
                    info.partition())));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            // End offsets also count transaction markers: fine for "is it making progress".
            return end.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
