package dev.franz.notificationservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.events.Notification;
import dev.franz.common.events.NotificationKind;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;
import dev.franz.testing.CommittedRecords;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestProcesses;

/**
 * Two instances in their own JVMs; the second stops and its partitions move to the first. Orders the
 * second notified are then seen again (produced twice upstream) on those partitions: the first must
 * know they were notified, from the notifications topic, and send nothing again.
 */
class PartitionMoveIT {

    private static final int ORDERS = 20;

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final String orders = TestNames.unique("orders");
    private final String payments = TestNames.unique("payments");
    private final String notifications = TestNames.unique("notifications");
    private final String group = TestNames.unique("notification-service");

    @Test
    void ordersSeenAgainAfterTheirPartitionMovedToAnotherInstanceAreNotNotifiedTwice() throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(orders, 2, (short) 1), new NewTopic(payments, 2, (short) 1),
                    new NewTopic(notifications, 2, (short) 1))).all().get();
        }
        TestProcesses first = start(1);
        TestProcesses second = null;
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.printed("Partitions assigned"));
            second = start(2);
            TestProcesses secondInstance = second;
            // The second instance's arrival moves one partition of each topic to it.
            await().atMost(Duration.ofSeconds(60)).until(() -> secondInstance.printed("Partitions assigned"));
            int secondsPartition = secondsOrdersPartition(secondInstance);

            List<Order> placed = new ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                placed.add(new Order("ord-move-" + i, "cust-" + i, List.of(new OrderItem("sku-1", 1, BigDecimal.TEN)),
                        BigDecimal.TEN, "EUR", Instant.now()));
            }
            Map<String, Integer> partitionOf = send(placed);
            long movingOrders = partitionOf.values().stream().filter(p -> p == secondsPartition).count();
            assertThat(movingOrders).as("orders on the second instance's partition").isBetween(1L, (long) ORDERS - 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> orderReceived().size() == ORDERS);

            long assignmentsBefore = assignments(first).size();
            second.process().toHandle().destroy(); // SIGTERM, as Ctrl-C
            assertThat(second.process().waitFor(20, TimeUnit.SECONDS)).as("second instance stopped").isTrue();
            // Static membership: its partitions move after its session timeout (10 s), not at once.
            await().atMost(Duration.ofSeconds(60)).until(() -> assignments(first).stream().skip(assignmentsBefore)
                    .anyMatch(line -> line.contains(orders + "-" + secondsPartition)));
            String readOn = String.format("Read on in the notifications topic: %d notifications sent meanwhile by"
                    + " other instances, not sent again.", movingOrders);
            await().atMost(Duration.ofSeconds(30)).until(() -> first.printed(readOn));

            send(placed); // every order once more, on the same partitions: a duplicate upstream
            await().atMost(Duration.ofSeconds(60)).until(() -> committedOffsetsOf(orders) == 2L * ORDERS);

            Map<String, Long> notifiedPerOrder = orderReceived().stream()
                    .collect(Collectors.groupingBy(Notification::orderId, TreeMap::new, Collectors.counting()));
            assertThat(notifiedPerOrder).as("order_received notifications per order").hasSize(ORDERS)
                    .allSatisfy((order, count) -> assertThat(count).as(order).isEqualTo(1L));
            first.process().toHandle().destroy();
            assertThat(first.process().waitFor(20, TimeUnit.SECONDS)).as("first instance stopped").isTrue();
            assertThat(first.lines()).as(String.join("\n", first.lines())).contains("  duplicates skipped: " + ORDERS);
        } finally {
            for (TestProcesses instance : new TestProcesses[] {first, second}) {
                if (instance != null) {
                    instance.process().toHandle().destroy();
                    instance.process().waitFor(20, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static List<String> assignments(TestProcesses instance) {
        return instance.lines().stream().filter(line -> line.startsWith("Partitions assigned")).toList();
    }

    private TestProcesses start(int instance) throws Exception {
        return TestProcesses.java(NotificationService.class, "--instance", Integer.toString(instance),
                "--group", group, "--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "TOPIC_ORDERS=" + orders, "--set", "TOPIC_PAYMENTS=" + payments,
                "--set", "TOPIC_NOTIFICATIONS=" + notifications);
    }

    /** The partition of orders in the second instance's first "Partitions assigned" line. */
    private int secondsOrdersPartition(TestProcesses second) {
        String line = second.lines().stream().filter(l -> l.startsWith("Partitions assigned")).findFirst().orElseThrow();
        Set<Integer> partitions = Arrays.stream(line.replaceAll(".*\\[|\\]", "").split(", "))
                .filter(partition -> partition.startsWith(orders + "-"))
                .map(partition -> Integer.parseInt(partition.substring(orders.length() + 1)))
                .collect(Collectors.toSet());
        assertThat(partitions).as(line).hasSize(1);
        return partitions.iterator().next();
    }

    /** Sends each order keyed by its id, waiting for each acknowledgement; returns order id -> partition. */
    private Map<String, Integer> send(List<Order> placed) throws Exception {
        Map<String, Integer> partitionOf = new TreeMap<>();
        try (KafkaProducer<String, Order> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new JsonSerializer<>())) {
            for (Order order : placed) {
                RecordMetadata metadata = producer.send(new ProducerRecord<>(orders, order.orderId(), order)).get();
                partitionOf.put(order.orderId(), metadata.partition());
            }
        }
        return partitionOf;
    }

    private List<Notification> orderReceived() {
        return CommittedRecords.readAll(kafka.clientProperties(), notifications, new StringDeserializer(),
                        new JsonDeserializer<>(Notification.class), Duration.ofSeconds(10)).stream()
                .map(ConsumerRecord::value).filter(n -> n.kind() == NotificationKind.ORDER_RECEIVED).toList();
    }

    /** The group's committed offsets on {@code topic}, summed. */
    private long committedOffsetsOf(String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return committed.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }
}
