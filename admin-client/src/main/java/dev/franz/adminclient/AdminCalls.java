package dev.franz.adminclient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberAssignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

import dev.franz.common.UserFacingException;

/**
 * The Admin API calls of the lesson, one method per command: topics (what {@code kafka-topics
 * --create/--list/--describe/--delete} do), consumer groups ({@code kafka-consumer-groups --describe} and
 * {@code --reset-offsets}) and share groups ({@code kafka-share-groups --list/--describe}).
 *
 * <p>Every Admin call is asynchronous and returns futures; {@code get()} waits for the broker's answer.
 * Lag = the partition's end offset minus the group's committed offset. A share group has no committed
 * offset per member: per partition it has a start offset (below it, every record is acknowledged or
 * archived) and the lag behind the end.
 */
final class AdminCalls {

    private final Admin admin;

    AdminCalls(Admin admin) {
        this.admin = admin;
    }

    // ---- topics ----


    /** One partition: who leads it, who holds copies, which copies are up to date (in sync). */
    record PartitionInfo(int partition, Integer leader, List<Integer> replicas, List<Integer> inSyncReplicas) {
    }

    /** A topic as the cluster describes it, with the configs that differ from the broker's defaults. */
    record TopicInfo(String name, List<PartitionInfo> partitions, Map<String, String> overriddenConfigs) {
    }

    /** How long a topic's creation may take before the lesson says why it does not come. */
    static final Duration CREATE_TIMEOUT = Duration.ofSeconds(15);

    List<String> listTopics() throws InterruptedException {
        return getTopic(admin.listTopics().names(), "list topics").stream().sorted().toList();
    }

    /** @return the replication factor the topic got (the cluster's default when {@code replicationFactor} is empty) */
    int createTopic(String name, int partitions, Optional<Short> replicationFactor) throws InterruptedException {
        try {
            // Kafka's default waits default.api.timeout.ms (60 s) for an answer; a topic is created by the
            // active controller, and a cluster that has lost its controllers answers nothing meanwhile.
            CreateTopicsResult result = admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions),
                    replicationFactor)), new CreateTopicsOptions().timeoutMs((int) CREATE_TIMEOUT.toMillis()));
            result.all().get();
            return result.replicationFactor(name).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                throw new UserFacingException("Topic " + name + " already exists.");
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw createTimedOut(name);
            }
            throw failure("create topic " + name, e);
        }
    }

    TopicInfo describeTopic(String name) throws InterruptedException {
        TopicDescription description = getTopic(admin.describeTopics(List.of(name)).topicNameValues().get(name), name);
        List<PartitionInfo> partitions = description.partitions().stream().map(AdminCalls::partition).toList();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Config config = getTopic(admin.describeConfigs(List.of(resource)).values().get(resource), name);
        Map<String, String> overridden = config.entries().stream()
                .filter(entry -> entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
        return new TopicInfo(name, partitions, overridden);
    }

    void deleteTopic(String name) throws InterruptedException {
        getTopic(admin.deleteTopics(List.of(name)).all(), name);
    }

    private static PartitionInfo partition(TopicPartitionInfo info) {
        return new PartitionInfo(info.partition(), Optional.ofNullable(info.leader()).map(Node::id).orElse(null),
                info.replicas().stream().map(Node::id).toList(), info.isr().stream().map(Node::id).toList());
    }

    /** Waits for a future; a missing topic becomes a message a person can act on. */
    private static <T> T getTopic(KafkaFuture<T> future, String topicOrAction)
            throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UserFacingException("Topic " + topicOrAction + " does not exist."
                        + " List the topics with: ./mvnw -q compile exec:java -pl admin-client -Dexec.args=\"topics list\"");
            }
            throw failure(topicOrAction, e);
        }
    }

    private static UserFacingException failure(String what, ExecutionException e) {
        return new UserFacingException("Could not " + what + ": " + e.getCause().getMessage(), e.getCause());
    }

    /** A topic's creation that timed out, said in words: the usual cause is a cluster without its controller. */
    static UserFacingException createTimedOut(String name) {
        return new UserFacingException("Could not create topic " + name + ": no answer within " + CREATE_TIMEOUT.toSeconds()
                + " s. Brokers still serve records without their controllers, but only the active controller creates"
                + " topics: is a controller (or a majority of the controllers) running? local-kafka's output says"
                + " when one ended.");
    }

    // ---- consumer groups ----


    /** Where a group stands in one partition. */
    record PartitionLag(TopicPartition partition, long committed, long end) {
        long lag() {
            return end - committed;
        }
    }

    /** A group: its state, how many members it has now, and its position in each partition. */
    /**
     * @param streamsMembers for a Kafka Streams group of the streams protocol: each member's tasks, as the
     *                       broker assigned them (empty for a consumer group)
     */
    record GroupInfo(String group, GroupState state, int members, List<PartitionLag> partitions,
            List<StreamsMember> streamsMembers) {
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

    /**
     * A member of a streams group: its client id, where it answers queries (application.server, if set),
     * and its tasks as SUBTOPOLOGY_PARTITION ids (0_1: subtopology 0, partition 1).
     */
    record StreamsMember(String clientId, String endpoint, List<String> active, List<String> standby,
            List<String> warmup) {
    }

    List<String> listGroups() throws InterruptedException {
        return getGroup(admin.listGroups().all(), "list groups").stream().map(GroupListing::groupId).sorted().toList();
    }

    GroupInfo describeGroup(String group) throws InterruptedException {
        boolean streams = getGroup(admin.listGroups(new ListGroupsOptions().withTypes(Set.of(GroupType.STREAMS))).all(),
                group).stream().anyMatch(listing -> listing.groupId().equals(group));
        GroupState state;
        int members;
        Map<TopicPartition, OffsetAndMetadata> committed;
        List<StreamsMember> streamsMembers = List.of();
        if (streams) {
            // A Kafka Streams application with group.protocol=streams (KIP-1071): the broker assigned its
            // tasks, so the description has them, and each member's endpoint for interactive queries.
            StreamsGroupDescription description = getGroup(admin.describeStreamsGroups(List.of(group))
                    .describedGroups().get(group), group);
            state = description.groupState();
            members = description.members().size();
            streamsMembers = description.members().stream().map(member -> new StreamsMember(member.clientId(),
                    member.userEndpoint().map(endpoint -> endpoint.host() + ":" + endpoint.port()).orElse("-"),
                    taskIds(member.assignment().activeTasks()), taskIds(member.assignment().standbyTasks()),
                    taskIds(member.assignment().warmupTasks()))).sorted(Comparator.comparing(StreamsMember::endpoint))
                    .toList();
            committed = getGroup(admin.listStreamsGroupOffsets(Map.of(group, new ListStreamsGroupOffsetsSpec()))
                    .partitionsToOffsetAndMetadata(group), group);
        } else {
            ConsumerGroupDescription description = groupDescription(group);
            state = description.groupState();
            members = description.members().size();
            committed = getGroup(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), group);
        }
        if (state == GroupState.DEAD && committed.isEmpty()) {
            throw new UserFacingException("Consumer group " + group + " does not exist (no members, no committed offsets).");
        }
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> ends = getGroup(admin.listOffsets(latest).all(), group);
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

    private static List<String> taskIds(List<StreamsGroupMemberAssignment.TaskIds> tasks) {
        return tasks.stream().flatMap(ids -> ids.partitions().stream().map(partition -> ids.subtopologyId() + "_"
                + partition)).sorted().toList();
    }

    /**
     * Moves a group's committed offsets for every partition of {@code topic}. Only for a group with
     * no active member: a running consumer would overwrite the new offsets with its next commit.
     *
     * @return the new offset of each partition
     */
    Map<TopicPartition, Long> resetOffsets(String group, String topic, ResetTarget target) throws InterruptedException {
        ConsumerGroupDescription description = groupDescription(group);
        if (!description.members().isEmpty()) {
            throw new UserFacingException("Consumer group " + group + " has " + description.members().size()
                    + " active member(s). Stop its consumers first: a running consumer would overwrite the reset"
                    + " with its next commit.");
        }
        Map<TopicPartition, OffsetSpec> specs = describeTopic(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> spec(target)));
        Map<TopicPartition, ListOffsetsResultInfo> found = getGroup(admin.listOffsets(specs).all(), group);
        Map<TopicPartition, OffsetAndMetadata> newOffsets = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResultInfo> entry : found.entrySet()) {
            long offset = entry.getValue().offset();
            if (offset < 0) {
                // No record at or after that time: start at the end.
                offset = getGroup(admin.listOffsets(Map.of(entry.getKey(), OffsetSpec.latest())).all(), group)
                        .get(entry.getKey()).offset();
            }
            newOffsets.put(entry.getKey(), new OffsetAndMetadata(offset));
        }
        getGroup(admin.alterConsumerGroupOffsets(group, newOffsets).all(), group);
        return newOffsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private ConsumerGroupDescription groupDescription(String group) throws InterruptedException {
        return getGroup(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group), group);
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

    private static <T> T getGroup(KafkaFuture<T> future, String group) throws InterruptedException {
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

    // ---- share groups ----


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

    List<String> listShareGroups() throws InterruptedException {
        return getShareGroup(admin.listGroups(ListGroupsOptions.forShareGroups()).all(),
                "list share groups").stream().map(GroupListing::groupId).sorted().toList();
    }

    ShareGroupInfo describeShareGroup(String group) throws InterruptedException {
        ShareGroupDescription description = getShareGroup(admin.describeShareGroups(List.of(group)).describedGroups().get(group),
                group);
        List<Member> members = new ArrayList<>();
        for (ShareMemberDescription member : description.members()) {
            List<TopicPartition> partitions = member.assignment().topicPartitions().stream()
                    .sorted(Comparator.comparing(TopicPartition::toString)).toList();
            members.add(new Member(member.clientId(), partitions));
        }
        members.sort(Comparator.comparing(Member::clientId));
        Map<TopicPartition, SharePartitionOffsetInfo> offsets = getShareGroup(admin.listShareGroupOffsets(
                Map.of(group, new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo(group), group);
        List<PartitionState> partitions = new ArrayList<>();
        offsets.forEach((partition, info) -> partitions.add(info == null ? new PartitionState(partition, null, null)
                : new PartitionState(partition, info.startOffset(), info.lag().orElse(null))));
        partitions.sort(Comparator.comparing(p -> p.partition().toString()));
        return new ShareGroupInfo(group, description.groupState().toString(), members, partitions);
    }

    private static <T> T getShareGroup(KafkaFuture<T> future, String what) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new UserFacingException("Could not describe share group " + what + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    // ---- ACLs ----

    /**
     * One rule: {@code principal} may do {@code operation} on the resource. {@code PREFIXED} matches every
     * name that starts with the resource name (each instance's transactional id: payment-service-1, -2, ...).
     */
    static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
                            AclOperation operation) {
        // Host "*": from any address. DENY rules exist too; the lesson needs none, as no ACL already means no.
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /**
     * Level 3's least privilege: each service may do what it does and nothing else. Names come from the
     * configuration (topics) and the services' defaults (groups, transactional ids).
     */
    static List<AclBinding> levelThreeAcls(String orders, String payments, String ordersDlt, String notifications) {
        String producer = "User:order-producer";
        String payment = "User:payment-service";
        String notification = "User:notification-service";
        return List.of(
                // WRITE on a topic is enough for an idempotent producer (Kafka's default) since Kafka 3.0;
                // the cluster-wide IDEMPOTENT_WRITE it once needed is not granted.
                allow(producer, ResourceType.TOPIC, orders, PatternType.LITERAL, AclOperation.WRITE),
                // A consumer needs READ on the topic and READ on its group (join, fetch and commit offsets).
                allow(payment, ResourceType.TOPIC, orders, PatternType.LITERAL, AclOperation.READ),
                allow(payment, ResourceType.GROUP, "payment_service", PatternType.LITERAL, AclOperation.READ),
                allow(payment, ResourceType.TOPIC, payments, PatternType.LITERAL, AclOperation.WRITE),
                allow(payment, ResourceType.TOPIC, ordersDlt, PatternType.LITERAL, AclOperation.WRITE),
                // A transactional producer needs WRITE on its transactional id (payment-service-1, -2, ...).
                allow(payment, ResourceType.TRANSACTIONAL_ID, "payment-service-", PatternType.PREFIXED,
                        AclOperation.WRITE),
                allow(notification, ResourceType.TOPIC, orders, PatternType.LITERAL, AclOperation.READ),
                allow(notification, ResourceType.TOPIC, payments, PatternType.LITERAL, AclOperation.READ),
                // It reads its own notifications back at start, to know what it already sent.
                allow(notification, ResourceType.TOPIC, notifications, PatternType.LITERAL, AclOperation.READ),
                allow(notification, ResourceType.TOPIC, notifications, PatternType.LITERAL, AclOperation.WRITE),
                allow(notification, ResourceType.GROUP, "notification_service", PatternType.LITERAL,
                        AclOperation.READ),
                allow(notification, ResourceType.TRANSACTIONAL_ID, "notification-service-", PatternType.PREFIXED,
                        AclOperation.WRITE));
    }

    /** Adds these rules (adding one that exists changes nothing). */
    void createAcls(List<AclBinding> acls) throws InterruptedException {
        try {
            admin.createAcls(acls).all().get();
        } catch (ExecutionException e) {
            throw failure("add the ACLs", e);
        }
    }

    /** Removes the rules that match these exactly; returns those removed. */
    List<AclBinding> deleteAcls(List<AclBinding> acls) throws InterruptedException {
        try {
            return new ArrayList<>(admin.deleteAcls(acls.stream().map(AclBinding::toFilter).toList()).all().get());
        } catch (ExecutionException e) {
            throw failure("remove the ACLs", e);
        }
    }

    /** Every rule the cluster has, or only {@code principal}'s. */
    List<AclBinding> describeAcls(Optional<String> principal) throws InterruptedException {
        AclBindingFilter filter = new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
                principal.orElse(null), null, AclOperation.ANY, AclPermissionType.ANY));
        try {
            return admin.describeAcls(filter).values().get().stream()
                    .sorted(Comparator.comparing((AclBinding b) -> b.entry().principal())
                            .thenComparing(b -> b.pattern().resourceType().toString())
                            .thenComparing(b -> b.pattern().name())
                            .thenComparing(b -> b.entry().operation().toString()))
                    .toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SecurityDisabledException) {
                throw new UserFacingException("This cluster has no authorizer, so no ACLs: every client may do"
                        + " everything. Start the secured local broker: local-kafka --secure (docs/security.md).");
            }
            throw failure("list the ACLs", e);
        }
    }
}
