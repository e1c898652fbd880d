package dev.franz.diagnosis;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * What {@link ClusterLook} read from the cluster, as plain values: the numbers the Admin API returned, and
 * nothing reasoned yet. {@link Diagnosis} reasons over these alone, so a test can plant any situation.
 *
 * @param bootstrapServers the address asked, for the commands a finding shows
 * @param nowMs            when the first look was taken (epoch milliseconds)
 * @param asked            what the learner asked about
 * @param brokers          the ids of the brokers that answer (Admin describeCluster)
 * @param topicNames       every topic name the cluster has, to find close names
 * @param groupIds         every group id the cluster knows
 * @param topics           the topics looked at closely
 * @param groups           the groups looked at closely
 * @param transactions     the transactional ids described (Admin describeTransactions)
 * @param denied           the calls the cluster refused for lack of an ACL
 */
public record Evidence(String bootstrapServers, long nowMs, Asked asked, Set<Integer> brokers, Set<String> topicNames,
        Set<String> groupIds, List<Topic> topics, List<Group> groups, List<Transaction> transactions,
        List<Denied> denied) {

    /** What the learner asked about: everything, or one group, topic or transactional id. */
    public record Asked(String group, String topic, String transactionalId) {
        public static Asked everything() {
            return new Asked(null, null, null);
        }

        public boolean isEverything() {
            return group == null && topic == null && transactionalId == null;
        }
    }

    /**
     * A topic: its min.insync.replicas and retention.ms (describeConfigs) and its partitions.
     */
    public record Topic(String name, int minInsyncReplicas, long retentionMs, List<Partition> partitions) {
    }

    /**
     * A partition: leader (-1: none), replicas and in-sync replicas (describeTopics); its log start,
     * end (high watermark) and last stable offset (listOffsets earliest, latest, and latest with
     * read_committed); the timestamp of its newest record (listOffsets maxTimestamp, -1 if none); and the
     * transactions open on it (describeProducers).
     */
    public record Partition(int partition, int leader, List<Integer> replicas, List<Integer> inSync, long logStart,
            long end, long lastStable, long newestTimestamp, List<OpenTransaction> open) {
    }

    /**
     * A producer with a transaction open on a partition (describeProducers: its first offset), with what
     * its transaction coordinator says (listTransactions, describeTransactions), when known.
     *
     * @param transactionalId null when no coordinator lists the producer id (a hanging transaction)
     */
    public record OpenTransaction(long producerId, int producerEpoch, long firstOffset, long lastTimestamp,
            String transactionalId, String state, long startTimeMs, long timeoutMs) {
    }

    /**
     * A group: its type (consumer, classic, share), state, epoch (-1 if the broker reports none), members,
     * committed offsets (a share group: its start offsets), share.auto.offset.reset for a share group, the
     * second look when one was taken, and the reads between a committed offset and the end.
     */
    public record Group(String id, String type, String state, int epoch, List<Member> members,
            Map<TopicPartition, Long> committed, String shareAutoOffsetReset, SecondLook secondLook,
            List<GapRead> gapReads) {
    }

    /** A member: its id, client id, host and the partitions it owns now. */
    public record Member(String memberId, String clientId, String host, Set<TopicPartition> assigned) {
    }

    /** The same group described again {@code seconds} later. */
    public record SecondLook(long seconds, String state, int epoch, Set<String> memberIds) {
    }

    /**
     * A read_committed consumer with no group, assigned to a partition and placed at the group's committed
     * offset: how many records it got before its position reached {@code end}, and where it stopped.
     */
    public record GapRead(TopicPartition partition, long from, long end, int records, long positionAfter) {
    }

    /** A transactional id as its coordinator describes it. */
    public record Transaction(String transactionalId, String state, long producerId, int producerEpoch,
            long startTimeMs, long timeoutMs, Set<TopicPartition> partitions) {
    }

    /**
     * A call the cluster refused (an authorization error).
     *
     * @param call      the Admin call, e.g. describeConsumerGroups
     * @param operation the ACL operation it needs, e.g. DESCRIBE
     * @param resource  the resource, e.g. GROUP payment-service
     * @param principal who asked, as the broker sees it (User:NAME)
     */
    public record Denied(String call, String operation, String resource, String message, String principal) {
    }
}
