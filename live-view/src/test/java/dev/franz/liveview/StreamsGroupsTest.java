package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberAssignment;
import org.apache.kafka.clients.admin.StreamsGroupMemberAssignment.TaskIds;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;
import org.apache.kafka.clients.admin.StreamsGroupSubtopologyDescription;
import org.apache.kafka.clients.admin.StreamsGroupSubtopologyDescription.TopicInfo;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;

import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.StreamsMemberView;
import dev.franz.liveview.Views.SubtopologyView;
import dev.franz.liveview.Views.TaskView;
import dev.franz.liveview.Views.TopologyRefView;
import dev.franz.liveview.Views.TopologyView;

/**
 * The topology view built from a planted streams group description, shaped as Level 2's stateful
 * topology: subtopology 0 reads user_events, keeps the totals and writes the repartition topic that
 * subtopology 1 reads to count the event types.
 */
class StreamsGroupsTest {

    private static final String REPARTITION = "app-by-event-type-repartition";

    private static final List<StreamsGroupSubtopologyDescription> SUBTOPOLOGIES = List.of(
            // Listed out of order: the view puts them in Kafka Streams' order.
            new StreamsGroupSubtopologyDescription("1", List.of(), List.of(),
                    Map.of("app-counts-changelog", new TopicInfo(3, 1, Map.of())), Map.of(REPARTITION, new TopicInfo(3, 1, Map.of()))),
            new StreamsGroupSubtopologyDescription("0", List.of("user_events"), List.of(REPARTITION),
                    Map.of("app-totals-changelog", new TopicInfo(3, 1, Map.of())), Map.of()));

    private static StreamsGroupMemberDescription member(String memberId, String processId, String thread, String endpoint,
                                                        StreamsGroupMemberAssignment assignment) {
        return new StreamsGroupMemberDescription(memberId, 5, Optional.empty(), Optional.empty(),
                "app-" + processId + "-StreamThread-" + thread + "-consumer", "/127.0.0.1", 1, processId,
                Optional.ofNullable(endpoint).map(e -> new StreamsGroupMemberDescription.Endpoint(e.split(":")[0],
                        Integer.parseInt(e.split(":")[1]))), Map.of(), List.of(), List.of(), assignment, assignment, false);
    }

    private static StreamsGroupMemberAssignment tasks(List<TaskIds> active, List<TaskIds> standby, List<TaskIds> warmup) {
        return new StreamsGroupMemberAssignment(active, standby, warmup);
    }

    private static StreamsGroupDescription group(List<StreamsGroupMemberDescription> members) {
        return new StreamsGroupDescription("app", 7, 7, 1, SUBTOPOLOGIES, members, GroupState.STABLE, Node.noNode(), Set.of());
    }

    @Test
    void subtopologiesAreLinkedByTheirRepartitionTopicAndEachTaskNamesItsMembersAndRoles() {
        TopologyView view = StreamsGroups.view(group(List.of(
                member("m-1", "11111111-aaaa", "1", "localhost:7070", tasks(
                        List.of(new TaskIds("0", List.of(0, 1)), new TaskIds("1", List.of(2))),
                        List.of(new TaskIds("0", List.of(2))), List.of())),
                member("m-2", "22222222-bbbb", "1", null, tasks(
                        List.of(new TaskIds("0", List.of(2)), new TaskIds("1", List.of(0, 1))),
                        List.of(), List.of(new TaskIds("0", List.of(0))))))), Map.of("user_events", 3, REPARTITION, 3));

        assertThat(view.group()).isEqualTo("app");
        assertThat(view.protocol()).isEqualTo("streams");
        assertThat(view.state()).isEqualTo("Stable");
        assertThat(view.epoch()).isEqualTo(7);
        assertThat(view.subtopologies()).extracting(SubtopologyView::id).containsExactly("0", "1");

        SubtopologyView first = view.subtopologies().get(0);
        assertThat(first.inputs()).containsExactly(new TopologyRefView("user_events", "source", 3, List.of()));
        assertThat(first.outputs()).containsExactly(new TopologyRefView(REPARTITION, "repartition", 3, List.of("1")));
        assertThat(first.changelogs()).containsExactly(new TopologyRefView("app-totals-changelog", "changelog", 3, List.of()));
        // The member with an application.server is named by it; the other by the start of its process id.
        assertThat(first.tasks()).containsExactly(
                new TaskView("0_0", 0, List.of("localhost:7070"), List.of(), List.of("22222222")),
                new TaskView("0_1", 1, List.of("localhost:7070"), List.of(), List.of()),
                new TaskView("0_2", 2, List.of("22222222"), List.of("localhost:7070"), List.of()));

        SubtopologyView second = view.subtopologies().get(1);
        assertThat(second.inputs()).containsExactly(new TopologyRefView(REPARTITION, "repartition", 3, List.of("0")));
        assertThat(second.outputs()).isEmpty();
        assertThat(second.tasks()).extracting(TaskView::active)
                .containsExactly(List.of("22222222"), List.of("22222222"), List.of("localhost:7070"));

        assertThat(view.members()).extracting(StreamsMemberView::label, StreamsMemberView::active, StreamsMemberView::standby,
                StreamsMemberView::warmup).containsExactly(
                org.assertj.core.groups.Tuple.tuple("22222222", 3, 0, 1),
                org.assertj.core.groups.Tuple.tuple("localhost:7070", 3, 1, 0));
    }

    @Test
    void aTaskNoMemberHoldsIsListedWithNoActiveMemberAndTwoThreadsOfOneInstanceAreToldApart() {
        TopologyView view = StreamsGroups.view(group(List.of(
                member("m-1", "33333333-cccc", "1", null, tasks(List.of(new TaskIds("0", List.of(0))), List.of(), List.of())),
                member("m-2", "33333333-cccc", "2", null, tasks(List.of(new TaskIds("1", List.of(0))), List.of(), List.of())))),
                Map.of("user_events", 2));

        assertThat(view.members()).extracting(StreamsMemberView::label)
                .containsExactly("33333333 thread 1", "33333333 thread 2");
        // user_events has 2 partitions: task 0_1 exists, and nobody runs it (a rebalance in progress).
        assertThat(view.subtopologies().get(0).tasks()).containsExactly(
                new TaskView("0_0", 0, List.of("33333333 thread 1"), List.of(), List.of()),
                new TaskView("0_1", 1, List.of(), List.of(), List.of()));
        // The repartition topic's partitions come from the description (3), not from the topic list.
        assertThat(view.subtopologies().get(1).tasks()).extracting(TaskView::id).containsExactly("1_0", "1_1", "1_2");
    }

    @Test
    void aStreamsApplicationOnTheClassicProtocolIsListedWithoutATopologyAndOtherClassicGroupsAreNot() throws Exception {
        GroupView streamsOnClassic = new GroupView("counts-classic", "classic", "stream", "Stable", null, List.of(), List.of(),
                0, 0.0, List.of());
        GroupView consumers = new GroupView("readers", "classic", "range", "Stable", null, List.of(), List.of(), 0, 0.0,
                List.of());

        // No streams group: no Admin call is made.
        List<TopologyView> views = StreamsGroups.look(null, List.of(streamsOnClassic, consumers), List.of());

        assertThat(views).containsExactly(new TopologyView("counts-classic", "classic", "Stable", null, 0, List.of(),
                List.of()));
    }

    @Test
    void aGroupWithNoMemberKeepsItsTopology() {
        TopologyView view = StreamsGroups.view(group(List.of()), Map.of());

        assertThat(view.memberCount()).isZero();
        assertThat(view.subtopologies()).hasSize(2);
        assertThat(view.subtopologies().get(0).inputs()).containsExactly(new TopologyRefView("user_events", "source", null,
                List.of()));
        assertThat(view.subtopologies().get(0).tasks()).as("no partition count known for user_events").isEmpty();
        assertThat(view.subtopologies().get(1).tasks()).allSatisfy(task -> assertThat(task.active()).isEmpty());
    }

    @Test
    void anInternalTopicWhosePartitionsTheDescriptionDoesNotGiveTakesThemFromTheTopicOrLeavesThemUnknown() {
        StreamsGroupDescription d = new StreamsGroupDescription("app", 1, 1, 1, List.of(
                new StreamsGroupSubtopologyDescription("0", List.of(), List.of(),
                        Map.of("app-a-changelog", new TopicInfo(0, 0, Map.of())),
                        Map.of("app-a-repartition", new TopicInfo(0, 0, Map.of()))),
                new StreamsGroupSubtopologyDescription("1", List.of(), List.of(),
                        Map.of(), Map.of("app-b-repartition", new TopicInfo(0, 0, Map.of())))),
                List.of(), GroupState.EMPTY, Node.noNode(), Set.of());

        TopologyView view = StreamsGroups.view(d, Map.of("app-a-repartition", 4));

        SubtopologyView first = view.subtopologies().get(0);
        assertThat(first.inputs()).extracting(TopologyRefView::partitions).containsExactly(4);
        assertThat(first.changelogs()).extracting(TopologyRefView::partitions).containsNull();
        assertThat(first.tasks()).hasSize(4);
        assertThat(view.subtopologies().get(1).tasks()).isEmpty();
    }
}
