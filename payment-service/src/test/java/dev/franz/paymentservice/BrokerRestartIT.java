package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.common.cli.Cli;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.events.PaymentResult;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;
import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.CommittedRecords;
import dev.franz.testing.TestNames;

/**
 * The broker stopped and started again while payment-service is busy (orders keep coming, so it is
 * inside a transaction call most of the time): it says within seconds that the broker is gone, though
 * a commit can wait a minute for it, says when it is back, and every order still has exactly one
 * committed payment. Its own broker, on fixed ports, so that it can restart.
 */
class BrokerRestartIT {

    /**
     * The service stops after this many (--max-messages): enough to still be running when the broker
     * stops, 15 s of orders at 100/s. (With 400 it once had them all committed before a loaded build
     * machine's test saw the first 50 paid, and stopped before the broker did.)
     */
    private static final int ORDERS = 1_500;

    @TempDir
    Path dataDir;

    @Test
    void aBrokerGoneWhileTransactionsRunIsReportedInSecondsAndEveryOrderIsPaidOnce() throws Exception {
        int port = EmbeddedKafkaBroker.freePort();
        int controllerPort = EmbeddedKafkaBroker.freePort();
        String bootstrap = "localhost:" + port;
        String orders = TestNames.unique("orders");
        String payments = TestNames.unique("payments");
        FranzConfig config = FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap));
        AtomicReference<EmbeddedKafkaBroker> broker =
                new AtomicReference<>(EmbeddedKafkaBroker.start(port, controllerPort, dataDir, Map.of()));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        AtomicBoolean producing = new AtomicBoolean(true);
        CompletableFuture<Integer> service = null;
        CompletableFuture<Void> placing = null;
        try {
            try (Admin admin = Admin.create(config.clientProperties())) {
                admin.createTopics(List.of(new NewTopic(orders, 3, (short) 1))).all().get();
            }
            service = CompletableFuture.supplyAsync(() -> Cli.run(new PaymentService(out), "--bootstrap-servers",
                    bootstrap, "--set", "TOPIC_ORDERS=" + orders, "--set", "TOPIC_PAYMENTS=" + payments,
                    "--set", "TOPIC_ORDERS_DLT=" + orders + ".DLT", "--group", TestNames.unique("payment_service"),
                    "--max-messages", Integer.toString(ORDERS), "--failure-rate", "0", "--latency-ms", "0",
                    "--print-every", "0"));
            // Orders at about 100/s, through the restart (the test's producer retries while the broker is away).
            placing = CompletableFuture.runAsync(() -> place(config, orders, producing));
            await().atMost(Duration.ofSeconds(60)).until(() -> paid(config, payments) >= 50);

            broker.get().close();
            long stoppedAt = System.nanoTime();
            // Seconds, not the minute a commit waits for the broker (max.block.ms); 20 s leaves room for a
            // loaded build machine, and the service's output is in the message if it does not come.
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> output.toString(StandardCharsets.UTF_8)
                        .contains("Lost the connection to the broker at " + bootstrap));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("No lost line within 20 s; the service printed:\n" + output, e);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).as("lost line after").isLessThan(Duration.ofSeconds(20));
            broker.set(EmbeddedKafkaBroker.start(port, controllerPort, dataDir, Map.of()));

            assertThat(service.get(120, TimeUnit.SECONDS)).as(output.toString(StandardCharsets.UTF_8)).isZero();
            producing.set(false);
            placing.get(30, TimeUnit.SECONDS);
            String printed = output.toString(StandardCharsets.UTF_8);
            assertThat(printed).containsOnlyOnce("Lost the connection")
                    .containsPattern("Broker back at " + bootstrap + " after \\d+\\.\\d s");
            List<String> paidOrders = CommittedRecords.readAll(config.clientProperties(), payments,
                            new StringDeserializer(), new JsonDeserializer<>(PaymentResult.class), Duration.ofSeconds(30))
                    .stream().map(ConsumerRecord::key).toList();
            assertThat(paidOrders).as("one committed payment per order").hasSizeGreaterThanOrEqualTo(ORDERS)
                    .doesNotHaveDuplicates();
        } finally {
            producing.set(false); // (after a failure its last send may wait for a broker that is gone: not joined)
            broker.get().close();
        }
    }

    /** Places orders ord-0, ord-1, ... until told to stop. */
    private static void place(FranzConfig config, String topic, AtomicBoolean producing) {
        KafkaProducer<String, Order> producer = new KafkaProducer<>(config.clientProperties(),
                new StringSerializer(), new JsonSerializer<>());
        try {
            for (int i = 0; producing.get(); i++) {
                Order order = new Order("ord-" + i, "cust-1", List.of(new OrderItem("MUG-7", 1, new BigDecimal("8.90"))),
                        new BigDecimal("8.90"), "EUR", Instant.now());
                producer.send(new ProducerRecord<>(topic, order.orderId(), order));
                TimeUnit.MILLISECONDS.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            producer.close(Duration.ofSeconds(5)); // a test that failed while the broker was away ends anyway
        }
    }

    private static long paid(FranzConfig config, String payments) {
        try {
            return CommittedRecords.readAll(config.clientProperties(), payments, new StringDeserializer(),
                    new StringDeserializer(), Duration.ofSeconds(5)).size();
        } catch (RuntimeException e) {
            return 0; // not created yet
        }
    }
}
