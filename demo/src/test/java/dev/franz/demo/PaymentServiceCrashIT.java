package dev.franz.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

import dev.franz.common.events.PaymentResult;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.CommittedRecords;
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
        List<String> producerArgs = new ArrayList<>(List.of(Integer.toString(ORDERS), "0.002"));
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
