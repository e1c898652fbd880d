package dev.franz.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.franz.diagnosis.Evidence.Asked;
import dev.franz.diagnosis.Evidence.GapRead;
import dev.franz.diagnosis.Evidence.Group;
import dev.franz.diagnosis.Evidence.Member;
import dev.franz.diagnosis.Evidence.OpenTransaction;
import dev.franz.diagnosis.Evidence.Partition;
import dev.franz.diagnosis.Evidence.SecondLook;
import dev.franz.diagnosis.Evidence.Topic;
import dev.franz.diagnosis.Finding.Code;

/** Each cause from planted evidence, and healthy evidence that gives no cause at all. */
class DiagnosisTest {

    private static final long NOW = 1_800_000_000_000L;

    @Test
    void aGroupReadingWithMembersIsHealthyInOneLineAndNothingElse() {
        Group g = group("reader", "Stable", List.of(member("m1", "reader-1", tp("t", 0), tp("t", 1))),
                Map.of(tp("t", 0), 3L, tp("t", 1), 4L));
        List<Finding> findings = Diagnosis.diagnose(evidence(Asked.everything(), List.of(topic("t", part(0, 0, 10),
                part(1, 0, 10))), List.of(g)));

        assertThat(codes(findings)).containsExactly(Code.HEALTHY, Code.HEALTHY);
        assertThat(findings.get(0).subject()).isEqualTo("group reader");
        assertThat(findings.get(0).found()).contains("Stable, 1 member(s) own 2 partition(s), lag 13");
        assertThat(findings.get(1).subject()).isEqualTo("topics");
    }

    @Test
    void aGroupAtTheEndIsAtEndWithTheNewestRecordsTime() {
        Group g = group("done", "Empty", List.of(), Map.of(tp("t", 0), 10L));
        List<Finding> findings = Diagnosis.diagnose(evidence(new Asked("done", null, null),
                List.of(topic("t", part(0, 0, 10))), List.of(g)));

        assertThat(codes(findings)).containsExactly(Code.AT_END);
        assertThat(findings.get(0).evidence()).containsExactly(
                "t-0: committed 10, end 10; newest record written 07:59:00 UTC (60 s ago)");
    }

    @Test
    void membersOwningPartitionsWithRecordsAndNoCommitStartedAtLatest() {
        Group g = group("late", "Stable", List.of(member("m1", "late-1", tp("t", 0))), Map.of());
        List<Finding> findings = Diagnosis.diagnose(evidence(new Asked("late", null, null),
                List.of(topic("t", part(0, 0, 10))), List.of(g)));

        assertThat(codes(findings)).containsExactly(Code.STARTED_AT_LATEST);
        assertThat(findings.get(0).evidence()).singleElement().asString().startsWith("t-0: records 0..9");
    }

    @Test
    void aShareGroupAtTheLatestOffsetByDefaultIsSaidSoAndAtEarliestItIsAtEnd() {
        Group latest = new Group("jobs", "share", "Stable", 2, List.of(member("m1", "worker-1", tp("t", 0))),
                Map.of(tp("t", 0), 10L), null, null, List.of());
        Group earliest = new Group("jobs", "share", "Stable", 2, List.of(member("m1", "worker-1", tp("t", 0))),
                Map.of(tp("t", 0), 10L), "earliest", null, List.of());
        List<Topic> topics = List.of(topic("t", part(0, 0, 10)));

        List<Finding> atLatest = Diagnosis.diagnose(evidence(new Asked("jobs", null, null), topics, List.of(latest)));
        List<Finding> atEnd = Diagnosis.diagnose(evidence(new Asked("jobs", null, null), topics, List.of(earliest)));

        assertThat(codes(atLatest)).containsExactly(Code.SHARE_STARTED_AT_LATEST);
        assertThat(atLatest.get(0).evidence()).first().isEqualTo("share.auto.offset.reset=latest (the default)");
        assertThat(codes(atEnd)).containsExactly(Code.AT_END);
    }

    @Test
    void twoProgramsInOneGroupAreFoundButCopiesOfOneProgramAreNot() {
        Group shared = group("g", "Stable", List.of(member("m1", "billing-1", tp("a", 0)),
                member("m2", "reports-1", tp("b", 0))), Map.of(tp("a", 0), 5L, tp("b", 0), 5L));
        Group copies = group("g", "Stable", List.of(member("m1", "billing-1", tp("a", 0)),
                member("m2", "billing-2", tp("a", 1))), Map.of(tp("a", 0), 5L, tp("a", 1), 5L));
        List<Topic> topics = List.of(topic("a", part(0, 0, 10), part(1, 0, 10)), topic("b", part(0, 0, 10)));

        List<Finding> sharedFindings = Diagnosis.diagnose(evidence(new Asked("g", null, null), topics, List.of(shared)));
        List<Finding> copiesFindings = Diagnosis.diagnose(evidence(new Asked("g", null, null), topics, List.of(copies)));

        assertThat(codes(sharedFindings)).containsExactly(Code.GROUP_SHARED);
        assertThat(sharedFindings.get(0).found()).contains("[billing, reports]").contains("on 2 topics");
        assertThat(codes(copiesFindings)).containsExactly(Code.HEALTHY);
        assertThat(Diagnosis.program("basic-consumer-8474-1")).isEqualTo(Diagnosis.program("basic-consumer-9120-1"))
                .isEqualTo("basic-consumer");
    }

    @Test
    void moreMembersThanPartitionsLeavesSomeIdle() {
        Group g = group("g", "Stable", List.of(member("m1", "app-1", tp("t", 0)), member("m2", "app-2", tp("t", 1)),
                member("m3", "app-3")), Map.of(tp("t", 0), 5L, tp("t", 1), 5L));
        List<Finding> findings = Diagnosis.diagnose(evidence(new Asked("g", null, null),
                List.of(topic("t", part(0, 0, 10), part(1, 0, 10))), List.of(g)));

        assertThat(codes(findings)).containsExactly(Code.IDLE_MEMBERS);
        assertThat(findings.get(0).evidence()).containsExactly("3 members, 2 partition(s) in t",
                "member app-3 at /127.0.0.1 owns no partition");
    }

    @Test
    void anOpenTransactionPastItsTimeoutIsFoundWithHowToAbortIt() {
        OpenTransaction open = new OpenTransaction(1000, 0, 5, NOW - 100_000, "writer", "Ongoing", NOW - 120_000, 60_000);
        Partition held = new Partition(0, 1, List.of(1), List.of(1), 0, 9, 5, NOW, List.of(open));
        Group g = group("g", "Stable", List.of(member("m1", "app-1", tp("t", 0))), Map.of(tp("t", 0), 5L));
        List<Finding> findings = Diagnosis.diagnose(evidence(new Asked("g", null, null),
                List.of(new Topic("t", 1, 604_800_000L, List.of(held))), List.of(g)));

        assertThat(codes(findings)).containsExactly(Code.OPEN_TRANSACTION);
        Finding f = findings.get(0);
        assertThat(f.evidence()).first().isEqualTo("t-0: last stable offset 5 < end 9: 4 offset(s) from 5 wait for a"
                + " transaction's end");
        assertThat(f.evidence().get(1)).contains("transactional id writer, Ongoing since 07:58:00 UTC (2 min ago)");
        assertThat(f.fixes()).anySatisfy(fix -> assertThat(fix).contains("find-hanging --broker-id 1")
                .contains("abort --topic t --partition 0 --start-offset 5"));
    }

    @Test
    void aLagOfOnlyTransactionMarkersIsMarkerLagAndALagOfRecordsIsNot() {
        Map<TopicPartition, Long> committed = Map.of(tp("t", 0), 9L);
        Group markers = new Group("g", "consumer", "Empty", 3, List.of(), committed, null, null,
                List.of(new GapRead(tp("t", 0), 9, 10, 0, 10)));
        Group records = new Group("g", "consumer", "Empty", 3, List.of(), committed, null, null,
                List.of(new GapRead(tp("t", 0), 9, 10, 1, 10)));
        List<Topic> topics = List.of(topic("t", part(0, 0, 10)));

        List<Finding> markerFindings = Diagnosis.diagnose(evidence(new Asked("g", null, null), topics, List.of(markers)));
        List<Finding> recordFindings = Diagnosis.diagnose(evidence(new Asked("g", null, null), topics, List.of(records)));

        assertThat(codes(markerFindings)).containsExactly(Code.MARKER_LAG);
        assertThat(codes(recordFindings)).containsExactly(Code.NO_MEMBERS);
        assertThat(recordFindings.get(0).found()).startsWith("1 record(s) wait for this group");
    }

    @Test
    void aGroupWhoseEpochGrowsByALeaveAndAJoinIsRebalancingAndOneThatSettlesOnceIsNot() {
        Member m = member("m1", "app-1", tp("t", 0));
        Group moving = new Group("g", "consumer", "Stable", 5, List.of(m), Map.of(tp("t", 0), 3L), null,
                new SecondLook(3, "Reconciling", 8, Set.of("m1")), List.of());
        Group still = new Group("g", "consumer", "Stable", 5, List.of(m), Map.of(tp("t", 0), 3L), null,
                new SecondLook(3, "Stable", 6, Set.of("m1")), List.of());
        List<Topic> topics = List.of(topic("t", part(0, 0, 10)));

        List<Finding> rebalancing = Diagnosis.diagnose(evidence(new Asked("g", null, null), topics, List.of(moving)));

        assertThat(codes(rebalancing)).containsExactly(Code.REBALANCING);
        assertThat(rebalancing.get(0).evidence()).containsExactly("first look: Stable, epoch 5, 1 member(s)",
                "3 s later: Reconciling, epoch 8, 1 member(s)");
        assertThat(codes(Diagnosis.diagnose(evidence(new Asked("g", null, null), topics, List.of(still)))))
                .containsExactly(Code.HEALTHY);
    }

    @Test
    void aGroupWhoseLastMemberLeftOrWhoseFirstJoinedIsNotRebalancingButOneWhoseMembersChangedIs() {
        Member m = member("m1", "app-1", tp("t", 0));
        // A classic group (no epoch): the stopped program's static member is removed when its session ends.
        Group emptied = new Group("g", "classic", "Stable", -1, List.of(m), Map.of(tp("t", 0), 10L), null,
                new SecondLook(3, "Empty", -1, Set.of()), List.of());
        Group started = new Group("g", "classic", "Empty", -1, List.of(), Map.of(tp("t", 0), 10L), null,
                new SecondLook(3, "Stable", -1, Set.of("m1")), List.of());
        Group replaced = new Group("g", "classic", "Stable", -1, List.of(m), Map.of(tp("t", 0), 10L), null,
                new SecondLook(3, "Stable", -1, Set.of("m2")), List.of());
        List<Topic> topics = List.of(topic("t", part(0, 0, 10)));

        assertThat(codes(Diagnosis.diagnose(evidence(new Asked("g", null, null), topics, List.of(emptied)))))
                .doesNotContain(Code.REBALANCING);
        assertThat(codes(Diagnosis.diagnose(evidence(new Asked("g", null, null), topics, List.of(started)))))
                .doesNotContain(Code.REBALANCING);
        assertThat(codes(Diagnosis.diagnose(evidence(new Asked("g", null, null), topics, List.of(replaced)))))
                .contains(Code.REBALANCING);
    }

    @Test
    void tooFewInSyncReplicasWithABrokerDownAndAPartitionWithoutLeader() {
        Partition under = new Partition(0, 1, List.of(1, 2), List.of(1), 0, 5, 5, -1, List.of());
        Partition leaderless = new Partition(1, -1, List.of(2), List.of(), 0, 0, 0, -1, List.of());
        List<Finding> findings = Diagnosis.diagnose(evidence(new Asked(null, "t", null),
                List.of(new Topic("t", 2, 604_800_000L, List.of(under, leaderless))), List.of()));

        assertThat(codes(findings)).containsExactly(Code.NO_LEADER, Code.UNDER_MIN_ISR);
        assertThat(findings.get(1).evidence()).containsExactly("t-0: replicas [1, 2], in sync [1], min.insync.replicas=2",
                "brokers answering: [1]; replicas on brokers that do not answer: [2]");
        assertThat(findings.get(1).cause()).isEqualTo("a broker is down: [2]");
    }

    @Test
    void aRefusedCallIsNotAuthorizedNamingOperationAndResourceAndNotANotFound() {
        Evidence.Denied denied = new Evidence.Denied("describeConsumerGroups", "DESCRIBE", "GROUP payments",
                "Not authorized to access group: payments", "User:guest");
        Evidence.Denied offsets = new Evidence.Denied("listConsumerGroupOffsets", "DESCRIBE", "GROUP payments",
                "Not authorized to access group: payments", "User:guest");
        Evidence e = new Evidence("localhost:9092", NOW, new Asked("payments", null, null), Set.of(1), Set.of(),
                Set.of(), List.of(), List.of(), List.of(), List.of(denied, offsets));

        List<Finding> findings = Diagnosis.diagnose(e);

        assertThat(codes(findings)).containsExactly(Code.NOT_AUTHORIZED);
        assertThat(findings.get(0).subject()).isEqualTo("group payments");
        assertThat(findings.get(0).found()).isEqualTo("the cluster refused describeConsumerGroups,"
                + " listConsumerGroupOffsets: User:guest may not DESCRIBE GROUP payments");
        assertThat(findings.get(0).fixes().get(0)).contains("--allow-principal User:guest --operation DESCRIBE"
                + " --group payments");
    }

    @Test
    void aMissingTopicOrGroupNamesTheCloseNames() {
        Evidence topicAsked = new Evidence("localhost:9092", NOW, new Asked(null, "user-events", null), Set.of(1),
                Set.of("user_events", "orders"), Set.of(), List.of(), List.of(), List.of(), List.of());
        Evidence groupAsked = new Evidence("localhost:9092", NOW, new Asked("basic-consumr", null, null), Set.of(1),
                Set.of(), Set.of("basic-consumer", "payment-service"), List.of(), List.of(), List.of(), List.of());

        List<Finding> topic = Diagnosis.diagnose(topicAsked);
        List<Finding> group = Diagnosis.diagnose(groupAsked);

        assertThat(codes(topic)).containsExactly(Code.TOPIC_NOT_FOUND);
        assertThat(topic.get(0).found()).isEqualTo("topic user-events does not exist (did you mean user_events?)");
        assertThat(codes(group)).containsExactly(Code.GROUP_NOT_FOUND);
        assertThat(group.get(0).evidence()).contains("close names: basic-consumer");
        assertThat(Diagnosis.closeNames("Orders", List.of("orders", "order", "payments", "ORDERS.v2")))
                .containsExactly("order", "orders");
        assertThat(Diagnosis.closeNames("abc", List.of("abd", "xyz"))).containsExactly("abd");
    }

    @Test
    void aCommittedOffsetBelowTheLogStartIsRecordsRemoved() {
        Group g = group("slow", "Empty", List.of(), Map.of(tp("t", 0), 3L));
        List<Finding> findings = Diagnosis.diagnose(evidence(new Asked("slow", null, null),
                List.of(topic("t", part(0, 10, 20))), List.of(g)));

        assertThat(codes(findings)).containsExactly(Code.RECORDS_REMOVED);
        assertThat(findings.get(0).evidence()).containsExactly(
                "t-0: committed 3, log start 10: 7 offset(s) removed before the group read them",
                "topic t: retention.ms=604800000 (7 d)");
    }

    @Test
    void aTransactionalIdOngoingClosedOrUnknown() {
        Evidence.Transaction ongoing = new Evidence.Transaction("writer", "Ongoing", 7, 1, NOW - 5_000, 60_000,
                Set.of(tp("t", 0)));
        Evidence.Transaction closed = new Evidence.Transaction("writer", "CompleteCommit", 7, 1, -1, 60_000, Set.of());

        OpenTransaction open = new OpenTransaction(7, 1, 2, NOW - 5_000, "writer", "Ongoing", NOW - 5_000, 60_000);
        Partition held = new Partition(0, 1, List.of(1), List.of(1), 0, 4, 2, NOW, List.of(open));
        Partition done = new Partition(0, 1, List.of(1), List.of(1), 0, 4, 4, NOW, List.of());

        List<Finding> found = Diagnosis.diagnose(transactionEvidence(held, List.of(ongoing)));
        assertThat(codes(found)).containsExactly(Code.OPEN_TRANSACTION);
        assertThat(found.get(0).subject()).isEqualTo("transactional id writer");
        assertThat(found.get(0).evidence()).contains("t-0: last stable offset 2, end 4");
        List<Finding> healthy = Diagnosis.diagnose(transactionEvidence(done, List.of(closed)));
        assertThat(codes(healthy)).containsExactly(Code.HEALTHY);
        assertThat(healthy.get(0).found()).isEqualTo("CompleteCommit (producer id 7, epoch 1): no transaction open");
        assertThat(codes(Diagnosis.diagnose(transactionEvidence(done, List.of())))).containsExactly(Code.TRANSACTION_NOT_FOUND);
    }

    @Test
    void aHealthyClusterOfSeveralGroupsAndTopicsGivesOnlyHealthyLines() {
        List<Group> groups = List.of(
                group("a", "Stable", List.of(member("m1", "a-1", tp("t", 0)), member("m2", "a-2", tp("t", 1))),
                        Map.of(tp("t", 0), 1L, tp("t", 1), 2L)),
                group("b", "Stable", List.of(member("m3", "b-1", tp("u", 0))), Map.of(tp("u", 0), 0L)));
        Evidence e = evidence(Asked.everything(), List.of(topic("t", part(0, 0, 5), part(1, 0, 5)),
                topic("u", part(0, 0, 3)), topic("empty", part(0, 0, 0))), groups);

        assertThat(codes(Diagnosis.diagnose(e))).containsOnly(Code.HEALTHY).hasSize(3);
    }

    // ---------------------------------------------------------------- planted evidence

    @Test
    void theInstancesAndThreadsOfOneStreamsApplicationOnTheClassicProtocolAreOneProgram() {
        Group streams = group("word-count", "Stable", List.of(
                member("m1", "word-count-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-StreamThread-1-consumer", tp("words", 0)),
                member("m2", "word-count-9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4-StreamThread-2-consumer", tp("words", 1))),
                Map.of(tp("words", 0), 5L, tp("words", 1), 5L));
        List<Topic> topics = List.of(topic("words", part(0, 0, 10), part(1, 0, 10)));

        List<Finding> findings = Diagnosis.diagnose(evidence(new Asked("word-count", null, null), topics, List.of(streams)));

        assertThat(codes(findings)).containsExactly(Code.HEALTHY);
        assertThat(Diagnosis.program("word-count-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-StreamThread-1-consumer"))
                .isEqualTo("word-count");
    }

    @Test
    void aStreamsGroupOnTheStreamsProtocolIsPointedAtNotDiagnosed() {
        Group streams = new Group("word-count", "streams", "unknown", -1, List.of(), Map.of(), null, null, List.of());

        List<Finding> findings = Diagnosis.diagnose(evidence(new Asked("word-count", null, null), List.of(),
                List.of(streams)));

        assertThat(codes(findings)).containsExactly(Code.STREAMS_GROUP);
        assertThat(findings.get(0).see()).anyMatch(command -> command.startsWith("bin/kafka-streams-groups"));
    }

    private static Evidence transactionEvidence(Partition partition, List<Evidence.Transaction> transactions) {
        return new Evidence("localhost:9092", NOW, new Asked(null, null, "writer"), Set.of(1), Set.of("t"), Set.of(),
                List.of(topic("t", partition)), List.of(), transactions, List.of());
    }

    private static Evidence evidence(Asked asked, List<Topic> topics, List<Group> groups) {
        Set<String> names = new TreeSet<>();
        topics.forEach(t -> names.add(t.name()));
        Set<String> ids = new TreeSet<>();
        groups.forEach(g -> ids.add(g.id()));
        return new Evidence("localhost:9092", NOW, asked, Set.of(1), names, ids, topics, groups, List.of(), List.of());
    }

    private static Topic topic(String name, Partition... partitions) {
        return new Topic(name, 1, 604_800_000L, List.of(partitions));
    }

    /** A healthy partition on broker 1: records from {@code start} to {@code end}, the newest a minute old. */
    private static Partition part(int partition, long start, long end) {
        return new Partition(partition, 1, List.of(1), List.of(1), start, end, end, end > start ? NOW - 60_000 : -1,
                List.of());
    }

    private static Group group(String id, String state, List<Member> members, Map<TopicPartition, Long> committed) {
        return new Group(id, "consumer", state, 5, members, new HashMap<>(committed), null, null, List.of());
    }

    private static Member member(String id, String clientId, TopicPartition... owns) {
        return new Member(id, clientId, "/127.0.0.1", Set.copyOf(Arrays.asList(owns)));
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    private static List<Code> codes(List<Finding> findings) {
        List<Code> codes = new ArrayList<>();
        findings.forEach(f -> codes.add(f.code()));
        return codes;
    }
}
