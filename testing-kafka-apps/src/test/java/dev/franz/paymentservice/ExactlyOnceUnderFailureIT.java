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
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderGenerator;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.common.kafka.Topics;
import dev.franz.testing.BadRecords;
import dev.franz.testing.CommittedRecords;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestProcesses;

/**
 * Layer 5 of the pyramid: exactly-once under failure, and bad input, as patterns to copy.
 *
 * A claim like "each order is charged exactly once, even if the service crashes" is tested by making it
 * crash: run the real program in a JVM of its own, kill -9 it in the middle of a transaction, start it
 * again with the same name, and then count what a downstream reader (read_committed) sees: every order's
 * result once, none missing, none twice. Level 3's own tests do this harder: the demo module's
 * {@code PaymentServiceCrashIT} (kill -9 three times while 4,000 orders flow) and {@code DemoKillIT},
 * payment-service's {@code BrokerRestartIT} (the broker restarted instead) and notification-service's
 * {@code PartitionMoveIT} (a partition moved to another instance mid-stream).
 *
 * Bad input is tested with a corpus: {@code BadRecords.corpus(...)} (test-support) holds what real topics
 * carry sooner or later (not JSON, the wrong shape, null, a tombstone, bytes that are not UTF-8, 1 MB, a
 * number of 10,000 digits, markup in headers). Every consumer lesson puts it between good records and checks
 * its rule for each ({@code BadRecordsIT} in payment-service, notification-service and stream-processing).
 */
class ExactlyOnceUnderFailureIT {

    private static final int ORDERS = 40;

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final String orders = TestNames.unique("orders");
    private final String payments = TestNames.unique("payments");
    private final List<TestProcesses> started = new ArrayList<>();

    @AfterEach
    void killWhatIsStillRunning() {
        started.forEach(service -> service.process().destroyForcibly());
    }

    @Test
    void afterAKillMidTransactionEveryOrderHasExactlyOneCommittedResult() throws Exception {
        Topics.createIfMissing(FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())),
                List.of(orders, payments));
        List<String> orderIds = placeOrders();
        String group = TestNames.unique("payment-service");

        // 200 ms per charge: a transaction is open for about 8 s, its results already on the log, not yet
        // visible to read_committed readers. That is the moment to kill it.
        TestProcesses first = startPaymentService(group, 200);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> everyRecordOnTheLog().size() > committedResults().size());
        first.process().destroyForcibly(); // kill -9: no close, no abort, the transaction left open
        assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(committedResults()).as("results committed before the kill: it must come mid-transaction")
                .hasSizeLessThan(ORDERS);

        // The same --instance: its producer's initTransactions() aborts what the dead one left open.
        TestProcesses second = startPaymentService(group, 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> committedResults().size() >= ORDERS);
        assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).as(() -> String.join("\n", second.lines())).isTrue();
        assertThat(second.process().exitValue()).isZero();

        // The verifier: what a read_committed reader sees. Nothing lost, nothing twice.
        List<String> committed = committedResults().stream().map(ConsumerRecord::key).toList();
        assertThat(committed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(orderIds);
        // The killed run's results are on the log, aborted: a reader that ignores transactions sees duplicates.
        assertThat(everyRecordOnTheLog()).hasSizeGreaterThan(ORDERS);
    }

    @Test
    void everyPoisonRecordIsDeadLetteredAndNoneStopsTheGoodOrdersBehindIt() {
        // The processor alone (no broker needed for the rule): a good order, then each bad record of the corpus.
        PaymentProcessor processor = new PaymentProcessor(
                new RetryingGateway(order -> Charge.approved(), RetryingGateway.Policy.of(1, Duration.ofMillis(1))),
                new PaymentProcessor.Settings("payments", "orders.DLT", 0, Duration.ofHours(1),
                        DeadLetters.DEFAULT_MAX_REQUEST_SIZE),
                Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String good = "{\"order_id\":\"ord-1\",\"customer_id\":\"cust-1\",\"items\":[{\"sku\":\"MUG-7\",\"quantity\":1,"
                + "\"unit_price\":%s}],\"amount\":%s,\"currency\":\"EUR\",\"created_at\":\"2026-11-26T18:00:00Z\"}";
        List<BadRecords.BadRecord> corpus = BadRecords.corpus(String.format(good, "10", "10"),
                number -> String.format(good, "10", number)); // the number goes where the amount goes

        long offset = 0;
        for (BadRecords.BadRecord record : corpus) {
            ProducerRecord<String, byte[]> out = processor.process(new ConsumerRecord<>("orders", 0, offset++,
                    "key", record.value()));
            if (record.expectProcessed()) {
                assertThat(out.topic()).as(record.name()).isEqualTo("payments");
            } else {
                // Dead-lettered, saying why and where it came from; small enough to be written.
                assertThat(out.topic()).as(record.name()).isEqualTo("orders.DLT");
                assertThat(DeadLetters.header(out.headers(), DeadLetters.REASON)).as(record.name()).isNotBlank();
                assertThat(DeadLetters.header(out.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo(
                        Long.toString(offset - 1));
                assertThat(out.value() == null ? 0 : out.value().length).isLessThan(DeadLetters.DEFAULT_MAX_REQUEST_SIZE);
            }
        }
        // ... and a good order after all of them is still paid.
        assertThat(processor.process(new ConsumerRecord<>("orders", 0, offset, "ord-2",
                String.format(good, "10", "10").getBytes(StandardCharsets.UTF_8))).topic()).isEqualTo("payments");
    }

    private TestProcesses startPaymentService(String group, int latencyMs) throws Exception {
        TestProcesses service = TestProcesses.java(PaymentService.class, "--bootstrap-servers", kafka.bootstrapServers(),
                "--group", group, "--instance", "1", "--set", "TOPIC_ORDERS=" + orders, "--set", "TOPIC_PAYMENTS=" + payments,
                "--set", "TOPIC_ORDERS_DLT=" + TestNames.unique("orders.DLT"), "--failure-rate", "0",
                "--latency-ms", String.valueOf(latencyMs), "--limit", "1000000", "--print-every", "0", "--idle-timeout", "2");
        started.add(service);
        return service;
    }

    private List<String> placeOrders() throws Exception {
        OrderGenerator generator = new OrderGenerator(new Random(1), Clock.systemUTC(), 5);
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, Order> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new JsonSerializer<>())) {
            for (int i = 0; i < ORDERS; i++) {
                Order order = generator.next();
                ids.add(order.orderId());
                producer.send(new ProducerRecord<>(orders, order.orderId(), order)).get(); // on the broker, or it throws
            }
        }
        return ids;
    }

    private List<ConsumerRecord<String, byte[]>> committedResults() {
        return CommittedRecords.readAll(kafka.clientProperties(), payments, new StringDeserializer(),
                new ByteArrayDeserializer(), Duration.ofSeconds(10));
    }

    /** Every result on the log, committed, aborted or still open: what a read_uncommitted reader gets. */
    private List<ConsumerRecord<String, byte[]>> everyRecordOnTheLog() {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(payments).stream()
                    .map(info -> new TopicPartition(payments, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
