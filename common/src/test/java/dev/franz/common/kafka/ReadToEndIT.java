package dev.franz.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/** Reading a topic to its end: committed records only, and on from where the last read stopped. */
class ReadToEndIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void readsEveryCommittedRecordOfEachPartitionAndThenOnFromWhereItStopped() throws Exception {
        String topic = TestNames.unique("read-to-end");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Topics.createIfMissing(admin, List.of(new NewTopic(topic, Optional.of(3), Optional.empty())), TIMEOUT);
        }
        Properties transactional = kafka.clientProperties();
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestNames.unique("read-to-end-tx"));
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new StringSerializer());
             KafkaProducer<String, String> inTransactions = new KafkaProducer<>(transactional,
                     new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 6; i++) {
                plain.send(new ProducerRecord<>(topic, i % 3, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
            inTransactions.initTransactions();
            inTransactions.beginTransaction();
            inTransactions.send(new ProducerRecord<>(topic, 0, "aborted", "never seen"));
            inTransactions.abortTransaction();

            Map<TopicPartition, Long> next = new HashMap<>();
            List<ConsumerRecord<String, String>> first = ReadToEnd.from(kafka.clientProperties(), topic, next,
                    new StringDeserializer(), new StringDeserializer(), TIMEOUT);

            assertThat(first).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5");
            assertThat(next).hasSize(3);

            plain.send(new ProducerRecord<>(topic, 1, "k6", "v6")).get(30, TimeUnit.SECONDS);
            List<ConsumerRecord<String, String>> second = ReadToEnd.from(kafka.clientProperties(), topic, next,
                    new StringDeserializer(), new StringDeserializer(), TIMEOUT);

            assertThat(second).extracting(ConsumerRecord::value).containsExactly("v6");
            assertThat(ReadToEnd.fromStart(kafka.clientProperties(), topic, new StringDeserializer(),
                    new StringDeserializer(), TIMEOUT)).hasSize(7);
        }
    }
}
