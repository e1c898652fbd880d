package dev.franz.adminclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.UserFacingException;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

class AdminLessonIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    @Test
    void topicsAreCreatedDescribedAndDeleted() throws Exception {
        String topic = TestNames.unique("admin-topic");
        TopicAdmin topics = new TopicAdmin(kafka.clientProperties());

        // No replication factor: the cluster's default.replication.factor (1 on the test broker), as reported.
        assertThat(topics.create(topic, 4, Optional.empty())).isEqualTo(1);
        TopicAdmin.TopicInfo info = topics.describe(topic);
        assertThat(topics.list()).contains(topic);
        assertThat(info.partitions()).hasSize(4).allSatisfy(p -> {
            assertThat(p.leader()).isNotNull();
            assertThat(p.inSyncReplicas()).isEqualTo(p.replicas());
        });

        topics.delete(topic);
        // The controller has accepted the deletion; the broker's metadata says so a moment later.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(topics.list()).doesNotContain(topic));
        assertThatThrownBy(() -> topics.describe(topic)).isInstanceOf(UserFacingException.class)
                .hasMessageStartingWith("Topic " + topic + " does not exist.");
        assertThatThrownBy(() -> topics.create(TestNames.unique("too-many-copies"), 1, Optional.of((short) 3)))
                .isInstanceOf(UserFacingException.class);
    }

    @Test
    void groupLagAndResets() throws Exception {
        String topic = TestNames.unique("admin-lag");
        String group = TestNames.unique("admin-group");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            new TopicAdmin(kafka.clientProperties()).create(topic, 2, Optional.of((short) 1));
            produce(topic, 0, 5);
            produce(topic, 1, 3);
            // The group has read 2 records of partition 0 and all of partition 1.
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2),
                    new TopicPartition(topic, 1), new OffsetAndMetadata(3))).all().get();
            GroupAdmin groups = new GroupAdmin(kafka.clientProperties());

            GroupAdmin.GroupInfo before = groups.describe(group);
            Map<TopicPartition, Long> toEarliest = groups.reset(group, topic, new GroupAdmin.ResetTarget.Earliest());
            Map<TopicPartition, Long> toLatest = groups.reset(group, topic, new GroupAdmin.ResetTarget.Latest());
            Map<TopicPartition, Long> toFuture = groups.reset(group, topic,
                    new GroupAdmin.ResetTarget.AtTime(Instant.now().plusSeconds(3600)));

            assertThat(before.members()).isZero();
            assertThat(before.partitions()).extracting(GroupAdmin.PartitionLag::lag).containsExactly(3L, 0L);
            assertThat(before.totalLag()).isEqualTo(3);
            assertThat(toEarliest).containsValues(0L, 0L);
            assertThat(toLatest).containsEntry(new TopicPartition(topic, 0), 5L).containsEntry(new TopicPartition(topic, 1), 3L);
            assertThat(toFuture).isEqualTo(toLatest);
            assertThat(groups.describe(group).totalLag()).isZero();
            assertThatThrownBy(() -> groups.describe(TestNames.unique("no-such-group")))
                    .isInstanceOf(UserFacingException.class).hasMessageContaining("does not exist");
        }
    }

    @Test
    void aGroupWithActiveMembersIsNotReset() throws Exception {
        String topic = TestNames.unique("admin-active");
        String group = TestNames.unique("admin-active-group");
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            new TopicAdmin(kafka.clientProperties()).create(topic, 1, Optional.of((short) 1));
            consumer.subscribe(List.of(topic));
            GroupAdmin groups = new GroupAdmin(kafka.clientProperties());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }

            assertThat(consumer.assignment()).isNotEmpty();
            assertThatThrownBy(() -> groups.reset(group, topic, new GroupAdmin.ResetTarget.Earliest()))
                    .isInstanceOf(UserFacingException.class)
                    .hasMessageContaining("has 1 active member(s). Stop its consumers first");
        }
    }

    private static void produce(String topic, int partition, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, partition, null, ("r" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }
}
