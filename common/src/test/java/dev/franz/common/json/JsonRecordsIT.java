package dev.franz.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.kafka.Topics;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestConsumers;
import dev.franz.testing.TestNames;

/** Events go through a real broker and come back equal, with their keys, partitions and headers. */
class JsonRecordsIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private static final int PARTITIONS = 3;
    private static final int ORDERS = 30;

    @Test
    void ordersRoundTripWithKeysPartitionsAndHeaders() throws Exception {
        String topic = TestNames.unique("json-orders");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Topics.createIfMissing(admin, List.of(new NewTopic(topic, PARTITIONS, (short) 1)), Duration.ofSeconds(30));
        }

        List<Order> sent = new ArrayList<>();
        List<RecordMetadata> sentTo = new ArrayList<>();
        try (KafkaProducer<String, Order> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new JsonSerializer<>())) {
            for (int i = 0; i < ORDERS; i++) {
                // Ten orders per customer key; the key decides the partition.
                Order order = order("ord-" + i, "cust-" + (i % 3));
                ProducerRecord<String, Order> record = new ProducerRecord<>(topic, order.customerId(), order);
                record.headers().add("source", "JsonRecordsIT".getBytes(StandardCharsets.UTF_8));
                sentTo.add(producer.send(record).get());
                sent.add(order);
            }
        }

        List<ConsumerRecord<String, Order>> received = TestConsumers.readFromStart(kafka.clientProperties(), topic, new StringDeserializer(),
                new JsonDeserializer<>(Order.class), ORDERS);

        assertThat(received).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(sent);
        for (ConsumerRecord<String, Order> record : received) {
            assertThat(record.key()).isEqualTo(record.value().customerId());
            assertThat(new String(record.headers().lastHeader("source").value(), StandardCharsets.UTF_8))
                    .isEqualTo("JsonRecordsIT");
            int index = sent.indexOf(record.value());
            assertThat(record.partition()).isEqualTo(sentTo.get(index).partition());
            assertThat(record.offset()).isEqualTo(sentTo.get(index).offset());
        }
        // Same key, same partition: each customer's orders all landed on one partition.
        assertThat(received.stream().map(r -> r.key() + "@" + r.partition()).distinct()).hasSize(3);
    }

    private static Order order(String orderId, String customerId) {
        return new Order(orderId, customerId, List.of(new OrderItem("BOOK-42", 2, new BigDecimal("12.50"))),
                new BigDecimal("25.00"), "EUR", Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }
}
