package dev.franz.localkafka;

import static dev.franz.localkafka.LocalClusterStarterKilledIT.freeConsecutivePorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.testing.TestConsumers;

/** A broker killed with kill -9 in the middle of an acks=all stream loses no acknowledged record. */
class LocalClusterIT {

    private static final String TOPIC = "replicated";
    private static final int RECORDS = 6_000;

    @TempDir
    Path dataDir;

    @Test
    void killingABrokerLosesNoAcknowledgedRecord() throws Exception {
        int port = freeConsecutivePorts(4); // three brokers, then the controller
        try (LocalCluster cluster = LocalCluster.start(3, 1, port, port + 3, dataDir)) {
            Properties props = new Properties();
            props.put("bootstrap.servers", cluster.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get();
            }

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger failed = new AtomicInteger();
            Properties producerProps = new Properties();
            producerProps.putAll(props);
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    String value = "record-" + i;
                    producer.send(new ProducerRecord<>(TOPIC, String.valueOf(i), value), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.add(value);
                        } else {
                            failed.incrementAndGet();
                        }
                    });
                    if (i == RECORDS / 3) {
                        producer.flush();
                        cluster.kill(leaderOfPartitionZero(props));
                    }
                }
                producer.flush();
            }

            assertThat(failed.get()).isZero();
            assertThat(acknowledged).hasSize(RECORDS);
            try (Admin admin = Admin.create(props)) {
                // The dead broker leaves every partition's in-sync replicas once the controller fences it.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
                    assertThat(topic.partitions()).allSatisfy(p -> assertThat(p.isr()).hasSize(2));
                });
            }
            Set<String> read = TestConsumers.readFromStart(props, TOPIC, new StringDeserializer(), new StringDeserializer(), RECORDS).stream().map(ConsumerRecord::value).collect(Collectors.toSet());
            assertThat(read).containsAll(acknowledged);
        }
    }

    private static int leaderOfPartitionZero(Properties props) throws Exception {
        try (Admin admin = Admin.create(props)) {
            return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().get(0).leader().id();
        }
    }

}
