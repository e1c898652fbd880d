package dev.franz.adminclient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import dev.franz.common.UserFacingException;

/**
 * Consumer groups through the Admin API: what {@code kafka-consumer-groups --describe} and
 * {@code --reset-offsets} do. Lag = the partition's end offset minus the group's committed offset.
 */
final class GroupAdmin {

    /** Where a group stands in one partition. */
    record PartitionLag(TopicPartition partition, long committed, long end) {
        long lag() {
            return end - committed;
        }
    }

    /** A group: its state, how many members it has now, and its position in each partition. */
    record GroupInfo(String group, GroupState state, int members, List<PartitionLag> partitions) {
        long totalLag() {
            return partitions.stream().mapToLong(PartitionLag::lag).sum();
        }
    }

    /** Where to move a group's offsets: the first record, the end, or the first record at a time. */
    sealed interface ResetTarget {
        record Earliest() implements ResetTarget {
        }

        record Latest() implements ResetTarget {
        }

        record AtTime(Instant time) implements ResetTarget {
        }
    }

    private final Admin admin;

    GroupAdmin(Admin admin) {
        this.admin = admin;
    }

    List<String> list() throws InterruptedException {
        return get(admin.listGroups().all(), "list groups").stream().map(GroupListing::groupId).sorted().toList();
    }

    GroupInfo describe(String group) throws InterruptedException {
        ConsumerGroupDescription description = description(group);
        Map<TopicPartition, OffsetAndMetadata> committed =
                get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), group);
        if (description.groupState() == GroupState.DEAD && committed.isEmpty()) {
            throw new UserFacingException("Consumer group " + group + " does not exist (no members, no committed offsets).");
        }
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> ends = get(admin.listOffsets(latest).all(), group);
        List<PartitionLag> partitions = new ArrayList<>();
        committed.forEach((partition, offset) -> {
            if (offset != null) {
                partitions.add(new PartitionLag(partition, offset.offset(), ends.get(partition).offset()));
            }
        });
        partitions.sort(Comparator.comparing((PartitionLag p) -> p.partition().topic())
                .thenComparingInt(p -> p.partition().partition()));
        return new GroupInfo(group, description.groupState(), description.members().size(), partitions);
    }

    /**
     * Moves a group's committed offsets for every partition of {@code topic}. Only for a group with
     * no active member: a running consumer would overwrite the new offsets with its next commit.
     *
     * @return the new offset of each partition
     */
    Map<TopicPartition, Long> resetOffsets(String group, String topic, ResetTarget target) throws InterruptedException {
        ConsumerGroupDescription description = description(group);
        if (!description.members().isEmpty()) {
            throw new UserFacingException("Consumer group " + group + " has " + description.members().size()
                    + " active member(s). Stop its consumers first: a running consumer would overwrite the reset"
                    + " with its next commit.");
        }
        TopicAdmin topics = new TopicAdmin(admin);
        Map<TopicPartition, OffsetSpec> specs = topics.describe(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> spec(target)));
        Map<TopicPartition, ListOffsetsResultInfo> found = get(admin.listOffsets(specs).all(), group);
        Map<TopicPartition, OffsetAndMetadata> newOffsets = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResultInfo> entry : found.entrySet()) {
            long offset = entry.getValue().offset();
            if (offset < 0) {
                // No record at or after that time: start at the end.
                offset = get(admin.listOffsets(Map.of(entry.getKey(), OffsetSpec.latest())).all(), group)
                        .get(entry.getKey()).offset();
            }
            newOffsets.put(entry.getKey(), new OffsetAndMetadata(offset));
        }
        get(admin.alterConsumerGroupOffsets(group, newOffsets).all(), group);
        return newOffsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private ConsumerGroupDescription description(String group) throws InterruptedException {
        return get(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group), group);
    }

    private static OffsetSpec spec(ResetTarget target) {
        if (target instanceof ResetTarget.Earliest) {
            return OffsetSpec.earliest();
        }
        if (target instanceof ResetTarget.AtTime atTime) {
            return OffsetSpec.forTimestamp(atTime.time().toEpochMilli());
        }
        return OffsetSpec.latest();
    }

    private static <T> T get(KafkaFuture<T> future, String group) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                throw new UserFacingException("Consumer group " + group + " does not exist.");
            }
            if (e.getCause() instanceof UserFacingException userFacing) {
                throw userFacing;
            }
            throw new UserFacingException("Could not query consumer group " + group + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
    }
}
