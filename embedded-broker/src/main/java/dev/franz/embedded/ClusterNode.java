package dev.franz.embedded;

import java.nio.file.Path;
import java.util.Properties;

/**
 * One node of a local multi-node cluster: one controller-only node (the KRaft quorum, node id 0) and
 * broker-only nodes (ids 1, 2, 3, ...). Separate roles let every broker stop and start on its own,
 * and let the whole cluster stop cleanly: brokers first, then the controller.
 *
 * @param nodeId         0 for the controller, 1.. for brokers
 * @param port           the broker's client port (unused for the controller)
 * @param controllerPort the controller's port, which every node uses to reach the quorum
 * @param brokers        how many brokers the cluster has: the replication factor of internal topics
 */
public record ClusterNode(int nodeId, boolean isController, int port, int controllerPort, int brokers, String clusterId,
                          Path dataDir) {

    private static final String HOST = "localhost";

    Properties serverProperties(Path absoluteDataDir) {
        Properties p = new Properties();
        p.put("node.id", String.valueOf(nodeId));
        p.put("log.dirs", absoluteDataDir.toString());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        // A static quorum: the one controller, known to every node.
        p.put("controller.quorum.voters", "0@" + HOST + ":" + controllerPort);
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
            p.put("listeners", "CONTROLLER://" + HOST + ":" + controllerPort);
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
        return p;
    }
}
