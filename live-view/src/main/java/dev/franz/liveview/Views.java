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
                       List<TopicView> topics, List<GroupView> groups, List<TimelineEvent> timeline) {
    }

    /** {@code recordsRead}: false for internal topics, whose records the live view does not read. */
    record TopicView(String name, boolean internal, boolean recordsRead, List<PartitionView> partitions) {
    }

    /** The three offsets of a partition's log; {@code lastStableOffset} is where read_committed readers stop. */
    record PartitionView(int partition, long logStartOffset, long highWatermark, long lastStableOffset, Integer leader) {
    }

    /**
     * A group of any kind: classic or consumer protocol, share group, Kafka Streams. {@code epoch} is
     * the group epoch where the broker reports one (consumer, share and streams groups).
     */
    record GroupView(String id, String type, String protocol, String state, Integer epoch, List<MemberView> members,
                     List<GroupPartitionView> partitions, long totalLag, Double maxLagSeconds,
                     List<long[]> lagHistory) {
    }

    record MemberView(String memberId, String clientId, String host, String instanceId, List<String> partitions) {
    }

    /**
     * One partition a group reads: its committed offset (a share group's start offset), the log's end,
     * the lag in records, and in seconds: how old the oldest unread record is.
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
}
