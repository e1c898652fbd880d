package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.franz.liveview.ClusterNodes.Quorum;
import dev.franz.liveview.ClusterNodes.Replica;
import dev.franz.liveview.Views.BrokerView;
import dev.franz.liveview.Views.ClusterNodesView;
import dev.franz.liveview.Views.PartitionView;
import dev.franz.liveview.Views.QuorumView;
import dev.franz.liveview.Views.TopicView;

/** Brokers up and down, under-replicated partitions and the quorum, from planted answers of the Admin client. */
class ClusterNodesTest {

    private static final Map<Integer, String> ALL_UP = Map.of(1, "localhost:9092", 2, "localhost:9093", 3, "localhost:9094");
    private static final Map<Integer, String> TWO_DOWN = Map.of(1, "localhost:9092", 3, "localhost:9094");

    @Test
    void aBrokerNamedAsAReplicaButNotAliveIsDownWithItsLastAddressAndSince() {
        ClusterNodes nodes = new ClusterNodes();
        ClusterNodesView before = nodes.build(1_000, ALL_UP, null, List.of(replicatedAllInSync()));
        assertThat(before.brokers()).extracting(BrokerView::up).containsExactly(true, true, true);
        assertThat(before.underReplicated()).isEmpty();

        ClusterNodesView after = nodes.build(5_000, TWO_DOWN, null, List.of(replicatedWithoutTwo()));
        BrokerView two = after.brokers().get(1);
        assertThat(two.id()).isEqualTo(2);
        assertThat(two.up()).isFalse();
        assertThat(two.address()).as("the address last seen").isEqualTo("localhost:9093");
        assertThat(two.downSince()).isEqualTo(5_000);
        assertThat(two.leads()).isEmpty();
        assertThat(two.replicaCount()).isEqualTo(3);
        assertThat(two.outOfSync()).containsExactly("replicated-0", "replicated-1", "replicated-2");
        assertThat(after.underReplicated()).containsExactly("replicated-0", "replicated-1", "replicated-2");
        assertThat(after.brokers().get(0).leads()).containsExactly("replicated-1");
        assertThat(after.brokers().get(2).leads()).containsExactly("replicated-0", "replicated-2");
        assertThat(after.brokers().get(0).outOfSync()).isEmpty();

        // Still down a second later: down since the first look that missed it.
        assertThat(nodes.build(6_000, TWO_DOWN, null, List.of(replicatedWithoutTwo())).brokers().get(1).downSince())
                .isEqualTo(5_000);
        // Back: up, in sync again.
        ClusterNodesView back = nodes.build(9_000, ALL_UP, null, List.of(replicatedAllInSync()));
        assertThat(back.brokers().get(1).up()).isTrue();
        assertThat(back.brokers().get(1).downSince()).isNull();
        assertThat(back.underReplicated()).isEmpty();
    }

    @Test
    void internalTopicsAreCountedNotNamedAndAPartitionWithoutLeaderIsListed() {
        TopicView offsets = new TopicView("__consumer_offsets", true, false, List.of(
                partition(0, 1, List.of(1, 2), List.of(1)), partition(1, 1, List.of(1, 2), List.of(1))));
        TopicView lost = new TopicView("lost", false, true, List.of(partition(0, null, List.of(2), List.of(2))));
        ClusterNodesView view = new ClusterNodes().build(1_000, Map.of(1, "localhost:9092"), null, List.of(offsets, lost));
        assertThat(view.partitions()).isEqualTo(3);
        assertThat(view.underReplicated()).isEmpty();
        assertThat(view.internalUnderReplicated()).isEqualTo(2);
        assertThat(view.noLeader()).containsExactly("lost-0");
        BrokerView one = view.brokers().get(0);
        assertThat(one.leads()).isEmpty();
        assertThat(one.internalLeads()).isEqualTo(2);
        BrokerView two = view.brokers().get(1);
        assertThat(two.up()).isFalse();
        assertThat(two.address()).as("never seen").isNull();
        assertThat(two.internalOutOfSync()).isEqualTo(2);
        assertThat(two.outOfSync()).as("in sync on lost-0, its only copy").isEmpty();
    }

    @Test
    void aControllerThatIsNotABrokerIsNotListedAsADownBroker() {
        Quorum quorum = new Quorum(100, 3, 500, List.of(new Replica(100, 500, 1_000L, 1_000L),
                new Replica(101, 490, 900L, 800L), new Replica(102, 500, 950L, 950L)),
                List.of(new Replica(1, 500, 990L, 990L)));
        ClusterNodesView view = new ClusterNodes().build(1_000, ALL_UP, quorum, List.of(replicatedAllInSync()));
        assertThat(view.brokers()).extracting(BrokerView::id).containsExactly(1, 2, 3);
        QuorumView q = view.quorum();
        assertThat(q.leaderId()).isEqualTo(100);
        assertThat(q.voters()).extracting(v -> v.id() + " lag " + v.lag() + " fetched " + v.lastFetchAgoMs()
                + " caught up " + v.lastCaughtUpAgoMs())
                .containsExactly("100 lag 0 fetched 0 caught up 0", "101 lag 10 fetched 100 caught up 200",
                        "102 lag 0 fetched 50 caught up 50");
        assertThat(q.observers()).extracting(v -> v.id()).containsExactly(1);
    }

    @Test
    void anElectionIsRememberedWithTheOldAndNewLeaderAndEpoch() {
        ClusterNodes nodes = new ClusterNodes();
        List<Replica> voters = List.of(new Replica(100, 50, null, null), new Replica(101, 50, null, null));
        nodes.build(1_000, ALL_UP, new Quorum(100, 3, 50, voters, List.of()), List.of());
        assertThat(nodes.build(2_000, ALL_UP, new Quorum(100, 3, 50, voters, List.of()), List.of()).quorum().changes())
                .as("same leader, same epoch: no change").isEmpty();
        nodes.build(3_000, ALL_UP, new Quorum(-1, 4, 50, voters, List.of()), List.of());
        QuorumView after = nodes.build(4_000, ALL_UP, new Quorum(101, 5, 51, voters, List.of()), List.of()).quorum();
        assertThat(after.leaderId()).isEqualTo(101);
        assertThat(after.changes()).extracting(c -> c.time() + ": " + c.fromLeader() + " -> " + c.toLeader() + ", epoch "
                + c.fromEpoch() + " -> " + c.toEpoch())
                .containsExactly("4000: null -> 101, epoch 4 -> 5", "3000: 100 -> null, epoch 3 -> 4");
        assertThat(after.voters().get(0).lastFetchAgoMs()).as("not reported").isNull();
    }

    private static TopicView replicatedAllInSync() {
        return new TopicView("replicated", false, true, List.of(partition(0, 3, List.of(3, 1, 2), List.of(3, 1, 2)),
                partition(1, 1, List.of(1, 2, 3), List.of(1, 2, 3)), partition(2, 2, List.of(2, 3, 1), List.of(2, 3, 1))));
    }

    private static TopicView replicatedWithoutTwo() {
        return new TopicView("replicated", false, true, List.of(partition(0, 3, List.of(3, 1, 2), List.of(3, 1)),
                partition(1, 1, List.of(1, 2, 3), List.of(1, 3)), partition(2, 3, List.of(2, 3, 1), List.of(3, 1))));
    }

    private static PartitionView partition(int partition, Integer leader, List<Integer> replicas, List<Integer> inSync) {
        return new PartitionView(partition, 0, 10, 10, leader, replicas, inSync, List.of(), List.of());
    }
}
