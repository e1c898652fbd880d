package dev.franz.adminclient;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

import dev.franz.common.UserFacingException;

/**
 * Share groups with the Admin API, what {@code kafka-share-groups --list/--describe} do: one method per
 * {@code share-groups} command, each with its own Admin client, closed when done.
 *
 * <p>A share group has no committed offset per member: per partition it has a start offset (below it,
 * every record is acknowledged or archived) and the lag behind the end.
 */
final class ShareGroupAdmin {

    /** One member: its client id and the partitions it fetches from (several members share one partition). */
    record Member(String clientId, List<TopicPartition> partitions) {
    }

    /**
     * One partition: where the group starts, and how many records are not acknowledged yet; both null
     * until the broker has initialized the group's state for the partition (its first fetch).
     */
    record PartitionState(TopicPartition partition, Long startOffset, Long lag) {
    }

    record ShareGroupInfo(String group, String state, List<Member> members, List<PartitionState> partitions) {
    }

    /** The client settings: bootstrap servers, and security on a secured cluster. */
    private final Properties properties;

    ShareGroupAdmin(Properties properties) {
        this.properties = properties;
    }

    /** share-groups list: the groups of type share only. */
    List<String> list() throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            return get(admin.listGroups(ListGroupsOptions.forShareGroups()).all(), "list share groups").stream()
                    .map(GroupListing::groupId).sorted().toList();
        }
    }

    /** share-groups describe: the members with their partitions, then each partition's start offset and lag. */
    ShareGroupInfo describe(String group) throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            ShareGroupDescription description = get(admin.describeShareGroups(List.of(group)).describedGroups()
                    .get(group), group);
            List<Member> members = new ArrayList<>();
            for (ShareMemberDescription member : description.members()) {
                List<TopicPartition> partitions = member.assignment().topicPartitions().stream()
                        .sorted(Comparator.comparing(TopicPartition::toString)).toList();
                members.add(new Member(member.clientId(), partitions));
            }
            members.sort(Comparator.comparing(Member::clientId));
            Map<TopicPartition, SharePartitionOffsetInfo> offsets = get(admin.listShareGroupOffsets(
                    Map.of(group, new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo(group), group);
            List<PartitionState> partitions = new ArrayList<>();
            offsets.forEach((partition, info) -> partitions.add(info == null ? new PartitionState(partition, null, null)
                    : new PartitionState(partition, info.startOffset(), info.lag().orElse(null))));
            partitions.sort(Comparator.comparing(p -> p.partition().toString()));
            return new ShareGroupInfo(group, description.groupState().toString(), members, partitions);
        }
    }

    private static <T> T get(KafkaFuture<T> future, String what) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new UserFacingException("Could not describe share group " + what + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
    }
}
