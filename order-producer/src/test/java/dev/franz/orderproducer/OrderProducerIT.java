package dev.franz.orderproducer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.cli.Cli;
import dev.franz.common.events.Order;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestConsumers;
import dev.franz.testing.TestNames;

class OrderProducerIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    @Test
    void placesEveryOrderOnTheOrdersTopicKeyedByOrderId() {
        String topic = TestNames.unique("orders");

        int exitCode = Cli.run(new OrderProducer(), "--count", "30", "--interval", "0", "--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "TOPIC_ORDERS=" + topic, "--seed", "3");

        assertThat(exitCode).isZero();
        List<ConsumerRecord<String, Order>> records = TestConsumers.readFromStart(kafka.clientProperties(), topic,
                new StringDeserializer(), new JsonDeserializer<>(Order.class), 30);

        assertThat(records).hasSize(30).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo(record.value().orderId());
            assertThat(record.value().items()).isNotEmpty();
        });
        assertThat(records.stream().map(ConsumerRecord::key).distinct()).hasSize(30);
    }
}
