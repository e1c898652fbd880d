package dev.franz.liveview;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Node;

import dev.franz.liveview.Views.BrokerView;
import dev.franz.liveview.Views.ClusterNodesView;
import dev.franz.liveview.Views.PartitionView;
import dev.franz.liveview.Views.QuorumChange;
import dev.franz.liveview.Views.QuorumReplicaView;
import dev.franz.liveview.Views.QuorumView;
import dev.franz.liveview.Views.TopicView;

/**
 * The cluster itself, asked of the Admin client once a look: {@code describeCluster().nodes()} (the
 * brokers alive now) and {@code describeMetadataQuorum()} (the controller quorum); the partitions'
 * replicas come from {@link TopicOffsets}' {@code describeTopics}. A broker that a partition names as a
 * replica but the cluster does not list is down. It remembers each broker's address, since when a
 * broker is down, and the quorum's elections.
 */
final class ClusterNodes {

    /** A voter or observer of the metadata log, as {@code describeMetadataQuorum} reports it. */
    record Replica(int id, long logEndOffset, Long lastFetch, Long lastCaughtUp) {
    }

    /** The quorum as reported: {@code leaderId} -1 when there is no leader. */
    record Quorum(int leaderId, long leaderEpoch, long highWatermark, List<Replica> voters, List<Replica> observers) {
    }

    private static final int CHANGES_KEPT = 10;

    private final Map<Integer, String> addresses = new HashMap<>();
    private final Map<Integer, Long> downSince = new HashMap<>();
    private final List<QuorumChange> changes = new ArrayList<>();
    private Quorum lastQuorum;
    private ClusterNodesView last;

    /** One look; the one before when the cluster's brokers did not answer within 3 s. */
    ClusterNodesView look(Admin admin, List<TopicView> topics) throws InterruptedException {
        Collection<Node> nodes = KafkaWatcher.getOrNull(admin.describeCluster().nodes());
        QuorumInfo quorum = KafkaWatcher.getOrNull(admin.describeMetadataQuorum().quorumInfo());
        if (nodes == null) {
            return last;
        }
        Map<Integer, String> alive = new TreeMap<>();
        nodes.forEach(n -> alive.put(n.id(), n.host() + ":" + n.port()));
        last = build(System.currentTimeMillis(), alive, quorum == null ? null : new Quorum(quorum.leaderId(),
                quorum.leaderEpoch(), quorum.highWatermark(), replicas(quorum.voters()), replicas(quorum.observers())),
                topics);
        return last;
    }

    /** The view from what Kafka said: {@code alive} broker id -> host:port, the quorum (or null), the topics. */
    ClusterNodesView build(long now, Map<Integer, String> alive, Quorum quorum, List<TopicView> topics) {
        TreeSet<Integer> ids = new TreeSet<>(alive.keySet());
        topics.forEach(t -> t.partitions().forEach(p -> ids.addAll(p.replicas())));
        alive.forEach(addresses::put);
        List<BrokerView> brokers = new ArrayList<>();
        for (int id : ids) {
            boolean up = alive.containsKey(id);
            if (up) {
                downSince.remove(id);
            } else {
                downSince.putIfAbsent(id, now);
            }
            List<String> leads = new ArrayList<>();
            List<String> outOfSync = new ArrayList<>();
            int internalLeads = 0;
            int internalOutOfSync = 0;
            int replicaCount = 0;
            for (TopicView topic : topics) {
                for (PartitionView p : topic.partitions()) {
                    String name = topic.name() + "-" + p.partition();
                    if (p.leader() != null && p.leader() == id) {
                        internalLeads += topic.internal() ? 1 : 0;
                        addUnlessInternal(leads, topic, name);
                    }
                    if (p.replicas().contains(id)) {
                        replicaCount++;
                        if (!p.inSync().contains(id)) {
                            internalOutOfSync += topic.internal() ? 1 : 0;
                            addUnlessInternal(outOfSync, topic, name);
                        }
                    }
                }
            }
            brokers.add(new BrokerView(id, addresses.get(id), up, up ? null : downSince.get(id), leads, internalLeads,
                    replicaCount, outOfSync, internalOutOfSync));
        }
        int partitions = 0;
        int internalUnderReplicated = 0;
        List<String> underReplicated = new ArrayList<>();
        List<String> noLeader = new ArrayList<>();
        for (TopicView topic : topics) {
            for (PartitionView p : topic.partitions()) {
                partitions++;
                String name = topic.name() + "-" + p.partition();
                if (p.inSync().size() < p.replicas().size()) {
                    internalUnderReplicated += topic.internal() ? 1 : 0;
                    addUnlessInternal(underReplicated, topic, name);
                }
                if (p.leader() == null) {
                    noLeader.add(name);
                }
            }
        }
        return new ClusterNodesView(brokers, partitions, underReplicated, internalUnderReplicated, noLeader,
                quorum == null ? null : quorum(now, quorum));
    }

    private QuorumView quorum(long now, Quorum quorum) {
        Integer leader = quorum.leaderId() < 0 ? null : quorum.leaderId();
        if (lastQuorum != null && (lastQuorum.leaderId() != quorum.leaderId()
                || lastQuorum.leaderEpoch() != quorum.leaderEpoch())) {
            changes.add(0, new QuorumChange(now, lastQuorum.leaderId() < 0 ? null : lastQuorum.leaderId(), leader,
                    lastQuorum.leaderEpoch(), quorum.leaderEpoch()));
            if (changes.size() > CHANGES_KEPT) {
                changes.remove(CHANGES_KEPT);
            }
        }
        lastQuorum = quorum;
        long leaderEnd = quorum.voters().stream().filter(v -> v.id() == quorum.leaderId())
                .mapToLong(Replica::logEndOffset).findFirst().orElse(quorum.highWatermark());
        return new QuorumView(leader, quorum.leaderEpoch(), quorum.highWatermark(), views(now, quorum.voters(), leaderEnd),
                views(now, quorum.observers(), leaderEnd), List.copyOf(changes));
    }

    private static List<QuorumReplicaView> views(long now, List<Replica> replicas, long leaderEnd) {
        return replicas.stream().sorted((a, b) -> Integer.compare(a.id(), b.id()))
                .map(r -> new QuorumReplicaView(r.id(), r.logEndOffset(), Math.max(0, leaderEnd - r.logEndOffset()),
                        r.lastFetch() == null ? null : Math.max(0, now - r.lastFetch()),
                        r.lastCaughtUp() == null ? null : Math.max(0, now - r.lastCaughtUp())))
                .toList();
    }

    private static List<Replica> replicas(List<QuorumInfo.ReplicaState> states) {
        return states.stream().map(s -> new Replica(s.replicaId(), s.logEndOffset(), orNull(s.lastFetchTimestamp()),
                orNull(s.lastCaughtUpTimestamp()))).toList();
    }

    private static Long orNull(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    private static void addUnlessInternal(List<String> names, TopicView topic, String name) {
        if (!topic.internal()) {
            names.add(name);
        }
    }
}
