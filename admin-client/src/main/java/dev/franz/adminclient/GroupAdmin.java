package dev.franz.adminclient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberAssignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import dev.franz.common.UserFacingException;

/**
 * Consumer groups with the Admin API, what {@code kafka-consumer-groups --list/--describe/--reset-offsets}
 * do: one method per {@code groups} command, each with its own Admin client, closed when done.
 *
 * <p>Lag = the partition's end offset minus the group's committed offset. Every Admin call is
 * asynchronous and returns futures; {@code get()} waits for the broker's answer.
 */
final class GroupAdmin {

    /** Where a group stands in one partition. */
    record PartitionLag(TopicPartition partition, long committed, long end) {
        long lag() {
            return end - committed;
        }
    }

    /**
     * A group: its state, how many members it has now, and its position in each partition.
     *
     * @param streamsMembers for a Kafka Streams group of the streams protocol: each member's tasks, as the
     *                       broker assigned them (empty for a consumer group)
     */
    record GroupInfo(String group, GroupState state, int members, List<PartitionLag> partitions,
            List<StreamsMember> streamsMembers) {
        long totalLag() {
            return partitions.stream().mapToLong(PartitionLag::lag).sum();
        }
    }

    /**
     * A member of a streams group: its client id, where it answers queries (application.server, if set),
     * and its tasks as SUBTOPOLOGY_PARTITION ids (0_1: subtopology 0, partition 1).
     */
    record StreamsMember(String clientId, String endpoint, List<String> active, List<String> standby,
            List<String> warmup) {
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

    /** The client settings: bootstrap servers, and security on a secured cluster. */
    private final Properties properties;

    GroupAdmin(Properties properties) {
        this.properties = properties;
    }

    /** groups list: every group the cluster knows (consumer, share and streams groups). */
    List<String> list() throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            return get(admin.listGroups().all(), "list groups").stream().map(GroupListing::groupId).sorted().toList();
        }
    }

    /** groups describe: state and members, the committed offsets, the partitions' ends, and so the lag. */
    GroupInfo describe(String group) throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            boolean streams = get(admin.listGroups(new ListGroupsOptions().withTypes(Set.of(GroupType.STREAMS))).all(),
                    group).stream().anyMatch(listing -> listing.groupId().equals(group));
            GroupState state;
            int members;
            Map<TopicPartition, OffsetAndMetadata> committed;
            List<StreamsMember> streamsMembers = List.of();
            if (streams) {
                // A Kafka Streams application with group.protocol=streams (KIP-1071): the broker assigned its
                // tasks, so the description has them, and each member's endpoint for interactive queries.
                StreamsGroupDescription description = get(admin.describeStreamsGroups(List.of(group))
                        .describedGroups().get(group), group);
                state = description.groupState();
                members = description.members().size();
                streamsMembers = description.members().stream().map(member -> new StreamsMember(member.clientId(),
                        member.userEndpoint().map(endpoint -> endpoint.host() + ":" + endpoint.port()).orElse("-"),
                        taskIds(member.assignment().activeTasks()), taskIds(member.assignment().standbyTasks()),
                        taskIds(member.assignment().warmupTasks()))).sorted(Comparator.comparing(StreamsMember::endpoint))
                        .toList();
                committed = get(admin.listStreamsGroupOffsets(Map.of(group, new ListStreamsGroupOffsetsSpec()))
                        .partitionsToOffsetAndMetadata(group), group);
            } else {
                ConsumerGroupDescription description = get(admin.describeConsumerGroups(List.of(group))
                        .describedGroups().get(group), group);
                state = description.groupState();
                members = description.members().size();
                committed = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), group);
            }
            if (state == GroupState.DEAD && committed.isEmpty()) {
                throw new UserFacingException("Consumer group " + group + " does not exist (no members, no committed offsets).");
            }
            // The end of each partition the group has committed in: its latest offset.
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
            return new GroupInfo(group, state, members, partitions, streamsMembers);
        }
    }

    private static List<String> taskIds(List<StreamsGroupMemberAssignment.TaskIds> tasks) {
        return tasks.stream().flatMap(ids -> ids.partitions().stream().map(partition -> ids.subtopologyId() + "_"
                + partition)).sorted().toList();
    }

    /**
     * groups reset: moves a group's committed offsets for every partition of {@code topic}. Only for a
     * group with no active member: a running consumer would overwrite the new offsets with its next commit.
     *
     * @return the new offset of each partition
     */
    Map<TopicPartition, Long> reset(String group, String topic, ResetTarget target) throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            ConsumerGroupDescription description = get(admin.describeConsumerGroups(List.of(group))
                    .describedGroups().get(group), group);
            if (!description.members().isEmpty()) {
                throw new UserFacingException("Consumer group " + group + " has " + description.members().size()
                        + " active member(s). Stop its consumers first: a running consumer would overwrite the reset"
                        + " with its next commit.");
            }
            // The topic's partitions, then the offset in each for the target: earliest, latest, or the
            // first record at or after a time.
            TopicDescription described = TopicAdmin.get(admin.describeTopics(List.of(topic)).topicNameValues().get(topic),
                    topic);
            Map<TopicPartition, OffsetSpec> specs = described.partitions().stream()
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
            // Committed for the group, as its consumers would: where they start next time.
            get(admin.alterConsumerGroupOffsets(group, newOffsets).all(), group);
            return newOffsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
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

    /** Waits for a future; a missing group becomes a message a person can act on. */
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
