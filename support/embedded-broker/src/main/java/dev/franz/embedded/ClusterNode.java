package dev.franz.embedded;

import java.nio.file.Path;
import java.util.Properties;

/**
 * One node of a local multi-node cluster: controller-only nodes (the KRaft quorum: node 0 alone, or
 * nodes 100, 101, 102) and broker-only nodes (ids 1, 2, 3, ...). Separate roles let every broker stop
 * and start on its own, and let the whole cluster stop cleanly: brokers first, then the controllers.
 *
 * @param nodeId       the controller's id (0, or 100..), 1.. for brokers
 * @param port         the broker's client port, or the controller's own port
 * @param quorumVoters every controller as {@code id@host:port}, comma-separated: how each node finds the quorum
 * @param brokers      how many brokers the cluster has: the replication factor of internal topics
 */
public record ClusterNode(int nodeId, boolean isController, int port, String quorumVoters, int brokers,
                          String clusterId, Path dataDir) {

    /** {@code controller.quorum.voters} for controllers {@code ids} on {@code ports}, in that order. */
    public static String voters(int[] ids, int[] ports) {
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            voters.append(i == 0 ? "" : ",").append(ids[i]).append('@').append(HOST).append(':').append(ports[i]);
        }
        return voters.toString();
    }

    private static final String HOST = "localhost";

    Properties serverProperties(Path absoluteDataDir) {
        Properties p = new Properties();
        p.put("node.id", String.valueOf(nodeId));
        p.put("log.dirs", absoluteDataDir.toString());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        // A static quorum: the controllers, known to every node. With three, one can fail: the other
        // two are a majority, which elects a new leader and goes on.
        p.put("controller.quorum.voters", quorumVoters);
        int copies = Math.min(3, brokers);
        int minInSync = Math.max(1, copies - 1);
        // Real-cluster durability: an acks=all write needs 2 in-sync copies to succeed, so one broker
        // can fail without losing acknowledged data. On the controller too: in KRaft it applies the
        // cluster's default (KIP-966).
        p.put("min.insync.replicas", String.valueOf(minInSync));
        if (isController) {
            // Topics created without a replication factor get 3 copies; the controller decides.
            p.put("default.replication.factor", String.valueOf(copies));
            p.put("process.roles", "controller");
            p.put("listeners", "CONTROLLER://" + HOST + ":" + port);
            // A broker that stops heartbeating is fenced after 3 s (default 9 s): leaders move sooner.
            p.put("broker.session.timeout.ms", "3000");
            p.put("broker.heartbeat.interval.ms", "1000");
            return p;
        }
        p.put("process.roles", "broker");
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("broker.heartbeat.interval.ms", "1000");
        // The internal topics (consumer offsets, transactions, share groups) alike.
        p.put("offsets.topic.replication.factor", String.valueOf(copies));
        p.put("transaction.state.log.replication.factor", String.valueOf(copies));
        p.put("transaction.state.log.min.isr", String.valueOf(minInSync));
        p.put("share.coordinator.state.topic.replication.factor", String.valueOf(copies));
        p.put("share.coordinator.state.topic.min.isr", String.valueOf(minInSync));
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // Clients push their own metrics to whichever broker they talk to (KIP-714); each broker's
        // receiver writes them to the one topic (set up by the cluster's starter, once all brokers run).
        p.putAll(ClientMetrics.brokerProperties(HOST + ":" + port, new Properties()));
        return p;
    }
}
