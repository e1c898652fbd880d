package dev.franz.liveview;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberAssignment;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;
import org.apache.kafka.clients.admin.StreamsGroupSubtopologyDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;

import dev.franz.liveview.PartitionWindow.Stored;
import dev.franz.liveview.Views.GroupPartitionView;
import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.MemberView;

/**
 * Groups of every kind (consumer, classic, share, streams) and their lag, asked of the Admin client
 * once a look: each group's members and the partitions they own, its committed offsets (a share
 * group's start offsets), the lag of each partition in records and in seconds (how old the oldest
 * unread record is), and five minutes of lag history per group.
 */
final class GroupLag {

    /** Lag history kept per group: the last five minutes, one point a second. */
    static final int LAG_HISTORY_POINTS = 300;

    private final NewestRecords records;
    private final Map<String, ArrayDeque<long[]>> lagHistory = new HashMap<>();
    /** partition -> [offset, timestamp of the record there], as the lag probe read it. */
    private final Map<TopicPartition, long[]> timestampAt = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TopicPartition, long[]> eldest) {
            return size() > 5000;
        }
    };

    GroupLag(NewestRecords records) {
        this.records = records;
    }

    /** A group as described by the Admin API, before lag is worked out. */
    private record Described(String type, String protocol, String state, Integer epoch, List<MemberView> members,
                             Map<TopicPartition, Long> committed) {
    }

    /**
     * The groups, sorted by id; {@code ends}: each partition's high watermark, from this look;
     * {@code probe}: a consumer of the watcher's own, for the timestamps of records not shown.
     */
    List<GroupView> look(Admin admin, KafkaConsumer<byte[], byte[]> probe, Map<TopicPartition, Long> ends)
            throws ExecutionException, TimeoutException, InterruptedException {
        Collection<GroupListing> listings = admin.listGroups().all().get(3, TimeUnit.SECONDS);
        List<String> consumerGroups = new ArrayList<>();
        List<String> shareGroups = new ArrayList<>();
        List<String> streamsGroups = new ArrayList<>();
        for (GroupListing listing : listings) {
            GroupType type = listing.type().orElse(GroupType.CLASSIC);
            if (type == GroupType.SHARE) {
                shareGroups.add(listing.groupId());
            } else if (type == GroupType.STREAMS) {
                streamsGroups.add(listing.groupId());
            } else if (type == GroupType.CONSUMER || listing.protocol().isEmpty() || listing.protocol().equals("consumer")) {
                consumerGroups.add(listing.groupId()); // classic groups of other kinds (Connect workers) are left out
            }
        }
        Map<String, Described> described = new HashMap<>();
        if (!consumerGroups.isEmpty()) {
            var descriptions = admin.describeConsumerGroups(consumerGroups).describedGroups();
            Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
            consumerGroups.forEach(id -> specs.put(id, new ListConsumerGroupOffsetsSpec()));
            var offsets = admin.listConsumerGroupOffsets(specs);
            for (String id : consumerGroups) {
                ConsumerGroupDescription d = KafkaWatcher.getOrNull(descriptions.get(id));
                if (d == null) {
                    continue;
                }
                List<MemberView> members = new ArrayList<>();
                for (MemberDescription m : d.members()) {
                    members.add(new MemberView(m.consumerId(), m.clientId(), m.host(), m.groupInstanceId().orElse(null),
                            KafkaWatcher.names(m.assignment().topicPartitions())));
                }
                described.put(id, new Described(d.type() == GroupType.CONSUMER ? "consumer" : "classic",
                        d.partitionAssignor(), d.groupState().toString(), d.groupEpoch().orElse(null), GroupFigures.named(members),
                        committedOffsets(KafkaWatcher.getOrNull(offsets.partitionsToOffsetAndMetadata(id)))));
            }
        }
        if (!shareGroups.isEmpty()) {
            var descriptions = admin.describeShareGroups(shareGroups).describedGroups();
            Map<String, ListShareGroupOffsetsSpec> specs = new HashMap<>();
            shareGroups.forEach(id -> specs.put(id, new ListShareGroupOffsetsSpec()));
            var offsets = admin.listShareGroupOffsets(specs);
            for (String id : shareGroups) {
                ShareGroupDescription d = KafkaWatcher.getOrNull(descriptions.get(id));
                if (d == null) {
                    continue;
                }
                List<MemberView> members = new ArrayList<>();
                for (ShareMemberDescription m : d.members()) {
                    members.add(new MemberView(m.consumerId(), m.clientId(), m.host(), null,
                            KafkaWatcher.names(m.assignment().topicPartitions())));
                }
                // A share group has no committed offset per consumer: its start offset is the first
                // record not yet acknowledged by all (records before it are done).
                Map<TopicPartition, SharePartitionOffsetInfo> start = KafkaWatcher.getOrNull(offsets.partitionsToOffsetInfo(id));
                Map<TopicPartition, Long> startOffsets = new HashMap<>();
                if (start != null) {
                    start.forEach((tp, info) -> {
                        if (info != null) {
                            startOffsets.put(tp, info.startOffset());
                        }
                    });
                }
                described.put(id, new Described("share", "", d.groupState().toString(), d.groupEpoch(), GroupFigures.named(members),
                        startOffsets));
            }
        }
        if (!streamsGroups.isEmpty()) {
            var descriptions = admin.describeStreamsGroups(streamsGroups).describedGroups();
            Map<String, ListStreamsGroupOffsetsSpec> specs = new HashMap<>();
            streamsGroups.forEach(id -> specs.put(id, new ListStreamsGroupOffsetsSpec()));
            var offsets = admin.listStreamsGroupOffsets(specs);
            for (String id : streamsGroups) {
                StreamsGroupDescription d = KafkaWatcher.getOrNull(descriptions.get(id));
                if (d == null) {
                    continue;
                }
                Map<String, List<String>> sources = new HashMap<>();
                for (StreamsGroupSubtopologyDescription sub : d.subtopologies()) {
                    List<String> topics = new ArrayList<>(sub.sourceTopics());
                    topics.addAll(sub.repartitionSourceTopics().keySet());
                    sources.put(sub.subtopologyId(), topics);
                }
                List<MemberView> members = new ArrayList<>();
                for (StreamsGroupMemberDescription m : d.members()) {
                    // A Streams member owns tasks (a subtopology and a partition number): a task reads
                    // that partition of each source topic of its subtopology.
                    Set<TopicPartition> tps = new HashSet<>();
                    for (StreamsGroupMemberAssignment.TaskIds task : m.assignment().activeTasks()) {
                        for (String topic : sources.getOrDefault(task.subtopologyId(), List.of())) {
                            task.partitions().forEach(p -> tps.add(new TopicPartition(topic, p)));
                        }
                    }
                    members.add(new MemberView(m.memberId(), m.clientId(), m.clientHost(), m.instanceId().orElse(null),
                            KafkaWatcher.names(tps)));
                }
                described.put(id, new Described("streams", "", d.groupState().toString(), d.groupEpoch(), GroupFigures.named(members),
                        committedOffsets(KafkaWatcher.getOrNull(offsets.partitionsToOffsetAndMetadata(id)))));
            }
        }

        long now = System.currentTimeMillis();
        Map<String, Long> oldestUnread = oldestUnreadTimestamps(probe, described.values(), ends);
        List<GroupView> groups = new ArrayList<>();
        for (Map.Entry<String, Described> entry : described.entrySet()) {
            String id = entry.getKey();
            Described d = entry.getValue();
            Map<String, List<MemberView>> owners = new HashMap<>();
            d.members().forEach(m -> m.partitions().forEach(tp -> owners.computeIfAbsent(tp, k -> new ArrayList<>()).add(m)));
            Set<TopicPartition> all = new HashSet<>(d.committed().keySet());
            d.members().forEach(m -> m.partitions().forEach(tp -> all.add(parse(tp))));
            List<GroupPartitionView> parts = new ArrayList<>();
            long totalLag = 0;
            for (TopicPartition tp : all.stream().sorted(Comparator.comparing(TopicPartition::topic)
                    .thenComparing(TopicPartition::partition)).toList()) {
                Long committed = d.committed().get(tp);
                long end = ends.getOrDefault(tp, 0L);
                Long lag = committed == null ? null : Math.max(0, end - committed);
                Double lagSeconds = null;
                if (lag != null) {
                    totalLag += lag;
                    Long timestamp = oldestUnread.get(tp + "@" + committed);
                    lagSeconds = lag == 0 ? Double.valueOf(0) : timestamp == null ? null : Math.max(0, now - timestamp) / 1000.0;
                }
                List<MemberView> owner = owners.getOrDefault(tp.toString(), List.of());
                parts.add(new GroupPartitionView(tp.topic(), tp.partition(), committed, end, lag, lagSeconds,
                        owner.isEmpty() ? null : owner.stream().map(MemberView::name).collect(Collectors.joining(", ")),
                        owner.isEmpty() ? null : owner.stream().map(MemberView::memberId).collect(Collectors.joining(", "))));
            }
            ArrayDeque<long[]> history = lagHistory.computeIfAbsent(id, k -> new ArrayDeque<>());
            history.addLast(new long[] {now, totalLag});
            while (history.size() > LAG_HISTORY_POINTS) {
                history.removeFirst();
            }
            groups.add(new GroupView(id, d.type(), d.protocol(), d.state(), d.epoch(), d.members(), parts, totalLag,
                    GroupFigures.oldestUnreadSeconds(parts), List.copyOf(history)));
        }
        lagHistory.keySet().retainAll(described.keySet());
        groups.sort(Comparator.comparing(GroupView::id));
        return groups;
    }

    /** "orders-2" back to a TopicPartition (topic names may contain '-'). */
    private static TopicPartition parse(String name) {
        int dash = name.lastIndexOf('-');
        return new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
    }

    private static Map<TopicPartition, Long> committedOffsets(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> committed = new HashMap<>();
        if (offsets != null) {
            offsets.forEach((tp, offset) -> {
                if (offset != null) {
                    committed.put(tp, offset.offset());
                }
            });
        }
        return committed;
    }

    /**
     * For each group partition with lag, the timestamp of the oldest record the group has not read
     * (at its committed offset): from the records already shown when they hold it, else read with a
     * consumer of its own (assign, seek, one poll), and remembered: a record's timestamp never changes.
     */
    private Map<String, Long> oldestUnreadTimestamps(KafkaConsumer<byte[], byte[]> probe, Collection<Described> groups,
                                                     Map<TopicPartition, Long> ends) {
        Map<String, Long> found = new HashMap<>();
        Map<TopicPartition, Long> toRead = new HashMap<>();
        for (Described group : groups) {
            for (Map.Entry<TopicPartition, Long> c : group.committed().entrySet()) {
                TopicPartition tp = c.getKey();
                long offset = c.getValue();
                Long end = ends.get(tp);
                if (end == null || end <= offset) {
                    continue;
                }
                String key = tp + "@" + offset;
                long[] cached = timestampAt.get(tp);
                if (cached != null && cached[0] == offset) {
                    found.put(key, cached[1]);
                    continue;
                }
                PartitionWindow window = records.window(tp);
                Stored stored = null;
                if (window != null) {
                    synchronized (window) {
                        stored = window.oldestFrom(offset);
                    }
                }
                if (stored != null) {
                    found.put(key, stored.timestamp());
                } else if (!toRead.containsKey(tp) || toRead.get(tp) > offset) {
                    toRead.put(tp, offset);
                }
            }
        }
        if (toRead.isEmpty()) {
            return found;
        }
        probe.assign(toRead.keySet());
        toRead.forEach(probe::seek);
        Set<TopicPartition> missing = new HashSet<>(toRead.keySet());
        long deadline = System.nanoTime() + 500_000_000L;
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : probe.poll(Duration.ofMillis(100))) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (missing.remove(tp)) {
                    long offset = toRead.get(tp);
                    timestampAt.put(tp, new long[] {offset, record.timestamp()});
                    found.put(tp + "@" + offset, record.timestamp());
                    probe.pause(List.of(tp));
                }
            }
        }
        probe.resume(probe.paused());
        return found;
    }
}
