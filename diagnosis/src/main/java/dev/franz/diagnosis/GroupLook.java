package dev.franz.diagnosis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.franz.diagnosis.Evidence.Group;
import dev.franz.diagnosis.Evidence.Member;
import dev.franz.diagnosis.Evidence.Partition;

/**
 * A group as the doctor reads it: its description and committed offsets (Admin), and for a lag of a few
 * offsets, a read of them by a consumer with no group (records, or only transaction markers?).
 */
final class GroupLook {

    private GroupLook() {
    }

    /** A group: its description and committed offsets (a share group: its start offsets and settings). */
    static Group group(Admin admin, Answers answers, String id, String type) throws InterruptedException {
        String resource = "GROUP " + id;
        List<Member> members = new ArrayList<>();
        Map<TopicPartition, Long> committed = new HashMap<>();
        if (type.equals("share")) {
            var d = answers.answer(admin.describeShareGroups(List.of(id)).describedGroups().get(id), "describeShareGroups",
                    "DESCRIBE", resource);
            var offsets = answers.answer(admin.listShareGroupOffsets(Map.of(id, new ListShareGroupOffsetsSpec()))
                    .partitionsToOffsetInfo(id), "listShareGroupOffsets", "DESCRIBE", resource);
            ConfigResource settings = new ConfigResource(ConfigResource.Type.GROUP, id);
            Map<ConfigResource, Config> configs = answers.answer(admin.describeConfigs(List.of(settings)).all(),
                    "describeConfigs", "DESCRIBE_CONFIGS", resource);
            Config config = configs == null ? null : configs.get(settings);
            if (d == null) {
                return null;
            }
            d.members().forEach(m -> members.add(new Member(m.consumerId(), m.clientId(), m.host(),
                    m.assignment().topicPartitions())));
            if (offsets != null) {
                offsets.forEach((tp, info) -> {
                    if (info != null) {
                        committed.put(tp, info.startOffset());
                    }
                });
            }
            ConfigEntry reset = config == null ? null : config.get("share.auto.offset.reset");
            return new Group(id, type, d.groupState().toString(), d.groupEpoch(), members, committed,
                    reset == null || reset.isDefault() ? null : reset.value(), null, List.of());
        }
        if (type.equals("streams")) {
            // A Kafka Streams group (streams protocol): its tasks are not partitions owned by members, and
            // the doctor does not diagnose it; Diagnosis says so and where to look.
            return new Group(id, type, "unknown", -1, List.of(), Map.of(), null, null, List.of());
        }
        var d = answers.answer(admin.describeConsumerGroups(List.of(id)).describedGroups().get(id), "describeConsumerGroups",
                "DESCRIBE", resource);
        Map<TopicPartition, OffsetAndMetadata> offsets = answers.answer(admin.listConsumerGroupOffsets(id)
                .partitionsToOffsetAndMetadata(), "listConsumerGroupOffsets", "DESCRIBE", resource);
        if (d == null || d.groupState().toString().equalsIgnoreCase("Dead") && (offsets == null || offsets.isEmpty())) {
            return null;
        }
        d.members().forEach(m -> members.add(new Member(m.consumerId(), m.clientId(), m.host(),
                m.assignment().topicPartitions())));
        if (offsets != null) {
            offsets.forEach((tp, offset) -> {
                if (offset != null) {
                    committed.put(tp, offset.offset());
                }
            });
        }
        return new Group(id, d.type().name().toLowerCase(Locale.ROOT), d.groupState().toString(), d.groupEpoch().orElse(-1),
                members, committed, null, null, List.of());
    }

    /**
     * A read_committed consumer with no group, assigned to each partition and placed at the group's committed
     * offset, reads until its position reaches the end (at most 3 s): how many records were there?
     */
    static List<Evidence.GapRead> readGaps(Properties connection, Answers answers, Map<TopicPartition, Long> from,
            Map<String, Partition> partitions) {
        Properties props = new Properties();
        props.putAll(connection);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // What a group reading transactions sees: committed records only; markers are never delivered.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<TopicPartition, Integer> counted = new HashMap<>();
        Map<TopicPartition, Long> positions = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            Set<TopicPartition> reading = new HashSet<>(from.keySet());
            while (!reading.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < partitions.get(tp.toString()).end()) {
                        counted.merge(tp, 1, Integer::sum);
                    }
                }
                for (TopicPartition tp : from.keySet()) {
                    positions.put(tp, consumer.position(tp));
                    if (positions.get(tp) >= partitions.get(tp.toString()).end()) {
                        reading.remove(tp);
                    }
                }
            }
        } catch (AuthorizationException e) {
            answers.refused("poll", "READ", "TOPIC " + from.keySet().iterator().next().topic(), e);
        }
        List<Evidence.GapRead> reads = new ArrayList<>();
        from.forEach((tp, offset) -> reads.add(new Evidence.GapRead(tp, offset, partitions.get(tp.toString()).end(),
                counted.getOrDefault(tp, 0), positions.getOrDefault(tp, offset))));
        return reads;
    }
}
