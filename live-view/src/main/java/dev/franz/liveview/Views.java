package dev.franz.liveview;

import java.util.List;

/**
 * What the page is sent, as JSON: plain data, no Kafka types. The page renders every string as
 * text ({@code textContent}), never as markup.
 */
final class Views {

    private Views() {
    }

    /** The cluster as the Admin API reported it at {@code time}, about once a second. */
    record ClusterView(long time, String bootstrapServers, boolean brokerUp, String problem, Long problemSince,
                       List<TopicView> topics, List<GroupView> groups, List<TimelineEvent> timeline,
                       List<TransactionView> transactions, FlowView flow, List<ShareGroupView> shareGroups,
                       ClusterNodesView cluster, List<TopologyView> topologies) {
    }

    /**
     * A share group as a mechanism: its settings on the broker (Admin {@code describeConfigs} on the
     * group), and its dead-letter topic: how many records it holds and the newest, with the delivery
     * count at which the broker gave each up. Its members and start offsets are in its {@link GroupView}.
     */
    record ShareGroupView(String group, String deliveryLimit, String lockMs, String autoOffsetReset,
                          String deadLetterTopic, Long deadLetterCount, List<DeadLetterView> deadLetters) {
    }

    /** A record of a share group's dead-letter topic, with what its {@code __dlq.errors.*} headers say. */
    record DeadLetterView(int partition, long offset, long timestamp, String key, String value, String deliveryCount,
                          String reason, String source) {
    }

    /**
     * A transactional id as the transaction coordinator reports it (Admin {@code listTransactions} and
     * {@code describeTransactions}): its state (Empty, Ongoing, PrepareCommit, CompleteCommit,
     * PrepareAbort, CompleteAbort...), producer id and epoch (bumped each time a producer with this id
     * calls {@code initTransactions()}, which fences the one before), the partitions of the open
     * transaction, and since when it is open.
     */
    record TransactionView(String transactionalId, String state, long producerId, int producerEpoch,
                           List<String> partitions, Long openSince, long timeoutMs) {
    }

    /**
     * Level 3's flow (orders -> payments or dead letters -> notifications), drawn only from what the
     * broker reports: {@code present} is false when none of its topics exists.
     */
    record FlowView(boolean present, List<FlowTopicView> topics, List<FlowReaderView> readers,
                    List<OrderSummaryView> recentOrders, String skipped) {
    }

    /**
     * One topic of the flow: {@code role} is orders, payments, dead letters or notifications;
     * {@code offsetsPerSecond} how fast its log grew over the last seconds (records, and transaction
     * markers on topics written in transactions); {@code writers} the producers the broker lists on
     * its partitions (Admin {@code describeProducers}).
     */
    record FlowTopicView(String role, String name, boolean exists, long offsets, Double offsetsPerSecond,
                         List<WriterView> writers) {
    }

    /**
     * A producer that wrote to the topic: its producer id and epoch, and its transactional id when the
     * transaction coordinator knows one for that producer id (null: an idempotent producer, which the
     * broker knows by its producer id only). {@code lastWrite}: the time of its last batch.
     */
    record WriterView(long producerId, int producerEpoch, String transactionalId, long lastWrite,
                      List<Integer> partitions) {
    }

    /**
     * A group that reads a flow topic: its members (client id, static member id) and lag, and the
     * transactional ids that share a member's name (the services use one name for both), with the
     * flow topics those transactional ids wrote to.
     */
    record FlowReaderView(String topic, String group, String type, String state, List<String> members, long lag,
                          List<String> writesAs) {
    }

    /** One of the newest orders the live view saw, and how far it got. */
    record OrderSummaryView(String orderId, long timestamp, String progress) {
    }

    /**
     * What the live view saw of one order, on every flow topic, in offset order per topic.
     * {@code paymentNotRead}: why its payment result may exist unseen (records older than the live
     * view's first read of a payments partition), or null.
     */
    record OrderTrace(String orderId, List<HopView> hops, Long paymentAfterMs, Long lastNotificationAfterMs,
                      String paymentNotRead) {
    }

    /**
     * One record of an order: {@code status} committed (visible to read_committed readers), aborted,
     * pending (its transaction still open, or not read by the committed reader yet), or unknown (the
     * live view skipped ahead before its committed reader got there);
     * {@code afterOrderMs}: its timestamp minus the order's.
     */
    record HopView(String role, String topic, int partition, long offset, long timestamp, String status,
                   Long afterOrderMs, String value, List<HeaderView> headers) {
    }

    /**
     * {@code recordsRead}: false for internal topics, whose records the live view does not read.
     * {@code findings}: the doctor's about this topic ({@link PageDoctor}), null when it has not looked yet.
     */
    record TopicView(String name, boolean internal, boolean recordsRead, List<PartitionView> partitions,
                     List<PageDoctor.FindingView> findings) {
        TopicView(String name, boolean internal, boolean recordsRead, List<PartitionView> partitions) {
            this(name, internal, recordsRead, partitions, null);
        }
    }

    /**
     * The three offsets of a partition's log; {@code lastStableOffset} is where read_committed readers stop.
     * Its copies, as broker ids: {@code replicas} (the leader's first), {@code inSync} (the ISR), and the
     * eligible leader replicas of KIP-966 ({@code eligibleLeaders}: copies that left the ISR while it was
     * below {@code min.insync.replicas} and still have every committed record; {@code lastKnownEligible}:
     * the last of them known, when none is left).
     */
    record PartitionView(int partition, long logStartOffset, long highWatermark, long lastStableOffset, Integer leader,
                         List<Integer> replicas, List<Integer> inSync, List<Integer> eligibleLeaders,
                         List<Integer> lastKnownEligible) {
        PartitionView(int partition, long logStartOffset, long highWatermark, long lastStableOffset, Integer leader) {
            this(partition, logStartOffset, highWatermark, lastStableOffset, leader, List.of(), List.of(), List.of(),
                    List.of());
        }
    }

    /**
     * A group of any kind: classic or consumer protocol, share group, Kafka Streams. {@code epoch} is
     * the group epoch where the broker reports one (consumer, share and streams groups).
     * {@code maxLagSeconds}: the age of its oldest unread record, from its partitions' {@code lagSeconds};
     * null when a partition with lag has an unknown age. {@code findings}: the doctor's about this group
     * ({@link PageDoctor}), null when it has not looked yet.
     */
    record GroupView(String id, String type, String protocol, String state, Integer epoch, List<MemberView> members,
                     List<GroupPartitionView> partitions, long totalLag, Double maxLagSeconds,
                     List<long[]> lagHistory, List<PageDoctor.FindingView> findings) {
        GroupView(String id, String type, String protocol, String state, Integer epoch, List<MemberView> members,
                  List<GroupPartitionView> partitions, long totalLag, Double maxLagSeconds, List<long[]> lagHistory) {
            this(id, type, protocol, state, epoch, members, partitions, totalLag, maxLagSeconds, lagHistory, null);
        }
    }

    /**
     * A member of a group. {@code name}: how the page names it, its client id, with its host or member
     * id when another member of the group has the same client id.
     */
    record MemberView(String memberId, String clientId, String host, String instanceId, List<String> partitions,
                      String name) {
        MemberView(String memberId, String clientId, String host, String instanceId, List<String> partitions) {
            this(memberId, clientId, host, instanceId, partitions, clientId);
        }
    }

    /**
     * One partition a group reads: its committed offset (a share group's start offset), the log's end,
     * the lag in records, and in seconds: how old the oldest unread record is. {@code ownerClientId}:
     * the names ({@link MemberView#name()}) of the members that own it.
     */
    record GroupPartitionView(String topic, int partition, Long committed, long end, Long lag, Double lagSeconds,
                              String ownerClientId, String ownerMemberId) {
    }

    /** A change in a group between two looks: members joining or leaving, partitions moving, a new epoch. */
    record TimelineEvent(long time, String group, String text) {
    }

    /** The newest records of one partition, as cells of its log, sent when they change. */
    record PartitionRecords(String topic, int partition, long windowStart, List<CellView> cells) {
    }

    /**
     * A record (status visible, aborted, pending, unknown) or a transaction marker ({@code marker} says
     * commit, abort or unknown). {@code key} is the key as short text, or null.
     */
    record CellView(long offset, String kind, String status, String marker, String key, Long timestamp, Integer size) {
    }

    /** Everything about one record, for the detail panel. */
    record RecordDetails(String topic, int partition, long offset, String status, long timestamp, String key,
                         String keyFormat, List<HeaderView> headers, String valueFormat, String value, int valueSize,
                         boolean valueCut) {
    }

    record HeaderView(String key, String value) {
    }

    /**
     * The cluster itself: its brokers (up or down), its partitions' copies, and its controller quorum
     * (null when the quorum did not answer). Partitions are named as the page names them ("orders-2");
     * those of Kafka's internal topics are counted, not named.
     */
    record ClusterNodesView(List<BrokerView> brokers, int partitions, List<String> underReplicated,
                            int internalUnderReplicated, List<String> noLeader, QuorumView quorum) {
    }

    /**
     * A broker: {@code up} when the cluster lists it alive (Admin {@code describeCluster}); down when only a
     * partition's replicas name it, since {@code downSince}. {@code address} is its host:port, the last seen
     * for a broker that is down (null if never seen). {@code leads} and {@code outOfSync}: the partitions it
     * leads, and those where it is a replica but not in sync; {@code replicaCount} counts all its copies.
     */
    record BrokerView(int id, String address, boolean up, Long downSince, List<String> leads, int internalLeads,
                      int replicaCount, List<String> outOfSync, int internalOutOfSync) {
    }

    /**
     * The KRaft controller quorum (Admin {@code describeMetadataQuorum}): the active controller
     * ({@code leaderId}, null when there is none), its epoch (up by one at each election) and the
     * metadata log's high watermark; the voters (the controllers) and observers (brokers reading the
     * metadata log); {@code changes}: the elections seen, newest first.
     */
    record QuorumView(Integer leaderId, long leaderEpoch, long highWatermark, List<QuorumReplicaView> voters,
                      List<QuorumReplicaView> observers, List<QuorumChange> changes) {
    }

    /**
     * A voter or observer of the metadata log: its log end offset, how many offsets it is behind the
     * leader's, and how long ago it last fetched from the leader and was last caught up (null: not known).
     */
    record QuorumReplicaView(int id, long logEndOffset, long lag, Long lastFetchAgoMs, Long lastCaughtUpAgoMs) {
    }

    /** A new active controller or epoch seen between two looks. */
    record QuorumChange(long time, Integer fromLeader, Integer toLeader, long fromEpoch, long toEpoch) {
    }

    /**
     * A Kafka Streams application ({@link StreamsGroups}). {@code protocol} "streams": its
     * subtopologies and members' tasks, as the broker knows them (Admin {@code describeStreamsGroups});
     * "classic": a consumer group with Streams' assignor, whose topology the broker cannot know (both
     * lists empty).
     */
    record TopologyView(String group, String protocol, String state, Integer epoch, int memberCount,
                        List<SubtopologyView> subtopologies, List<StreamsMemberView> members) {
    }

    /**
     * One subtopology: the topics it reads ({@code inputs}: source and repartition topics), the
     * repartition topics it writes ({@code outputs}), the changelog topics of its state stores, and its
     * tasks, one per partition of its inputs.
     */
    record SubtopologyView(String id, List<TopologyRefView> inputs, List<TopologyRefView> outputs,
                           List<TopologyRefView> changelogs, List<TaskView> tasks) {
    }

    /**
     * A topic of a subtopology: {@code kind} source, repartition or changelog; {@code partitions} when
     * known; {@code otherEnds}: for a repartition topic, the subtopologies at its other end (those that
     * write it, for an input; those that read it, for an output).
     */
    record TopologyRefView(String topic, String kind, Integer partitions, List<String> otherEnds) {
    }

    /**
     * A task ("0_1": subtopology 0, partition 1) and the members (their labels) that hold it as active
     * (processes its records), standby (keeps a copy of its state from the changelog) and warm-up
     * (restores its state before taking it over). No active member: nobody processes it now.
     */
    record TaskView(String id, int partition, List<String> active, List<String> standby, List<String> warmup) {
    }

    /**
     * A member of a streams group: {@code label}, how the topology names it (its application.server
     * when it has one, else the start of its process id); its counts of active, standby and warm-up tasks.
     */
    record StreamsMemberView(String memberId, String label, String clientId, String host, String processId,
                             String endpoint, int active, int standby, int warmup) {
    }
}
