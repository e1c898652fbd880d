package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.franz.liveview.Views.FlowView;
import dev.franz.liveview.Views.GroupPartitionView;
import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.MemberView;
import dev.franz.liveview.Views.PartitionView;
import dev.franz.liveview.Views.TopicView;
import dev.franz.liveview.Views.TransactionView;

class Level3FlowTest {

    private final Level3Flow flow = new Level3Flow(new Level3Flow.Topics("orders", "payments", "orders.DLT", "notifications"));

    @Test
    void writersAreNamedByTheirTransactionalIdAndJoinedToAGroupMemberOfTheSameNameOnly() {
        List<TopicView> topics = List.of(topic("orders", 10), topic("payments", 4));
        GroupView payment = new GroupView("payment_service", "classic", "range", "Stable", null,
                List.of(new MemberView("m-1", "payment-service-1", "/127.0.0.1", "payment-service-1", List.of("orders-0"))),
                List.of(new GroupPartitionView("orders", 0, 8L, 10, 2L, 0.5, "payment-service-1", "m-1")), 2, 0.5, List.of());
        List<Level3Flow.Producer> producers = List.of(
                new Level3Flow.Producer("orders", 0, 7, 0, 2_000),
                new Level3Flow.Producer("payments", 0, 3, 4, 2_500),
                new Level3Flow.Producer("orders", 0, 6, 0, 1_000)); // an earlier run of order-producer
        List<TransactionView> transactions = List.of(
                new TransactionView("payment-service-1", "CompleteCommit", 3, 4, List.of(), null, 60_000));

        FlowView view = flow.build(10_000, topics, List.of(payment), producers, transactions, List.of(), null);

        assertThat(view.present()).isTrue();
        assertThat(view.topics()).extracting(Views.FlowTopicView::name, Views.FlowTopicView::exists)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("orders", true),
                        org.assertj.core.groups.Tuple.tuple("payments", true),
                        org.assertj.core.groups.Tuple.tuple("orders.DLT", false),
                        org.assertj.core.groups.Tuple.tuple("notifications", false));
        assertThat(view.topics().get(0).writers()).extracting(Views.WriterView::producerId, Views.WriterView::transactionalId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(7L, null), org.assertj.core.groups.Tuple.tuple(6L, null));
        assertThat(view.topics().get(1).writers()).singleElement()
                .satisfies(w -> assertThat(w.transactionalId()).isEqualTo("payment-service-1"));
        assertThat(view.readers()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("orders");
            assertThat(r.lag()).isEqualTo(2);
            assertThat(r.members()).containsExactly("payment-service-1 (static member payment-service-1)");
            assertThat(r.writesAs()).containsExactly("payment-service-1 -> payments");
        });
    }

    @Test
    void readersWithTheSameClientIdAreToldApartAndTheTimelineSaysWhichGotAPartition() {
        List<MemberView> members = GroupFigures.named(List.of(
                new MemberView("m-1", "consumer-basic-consumer-1", "/10.0.0.1", null, List.of("orders-0")),
                new MemberView("m-2", "consumer-basic-consumer-1", "/10.0.0.2", null, List.of())));
        GroupView before = new GroupView("g", "consumer", "", "Stable", 1, members, List.of(), 0, 0.0, List.of());
        GroupView after = new GroupView("g", "consumer", "", "Stable", 1, List.of(members.get(0),
                new MemberView("m-2", "consumer-basic-consumer-1", "/10.0.0.2", null, List.of("orders-1"),
                        members.get(1).name())),
                List.of(new GroupPartitionView("orders", 0, 1L, 1, 0L, 0.0, null, null)), 0, 0.0, List.of());

        FlowView view = flow.build(0, List.of(topic("orders", 1)), List.of(after), List.of(), List.of(), List.of(), null);
        GroupTimeline timeline = new GroupTimeline();
        timeline.update(List.of(before), true);

        assertThat(view.readers()).singleElement().satisfies(r -> assertThat(r.members())
                .containsExactly("consumer-basic-consumer-1 on /10.0.0.1", "consumer-basic-consumer-1 on /10.0.0.2"));
        assertThat(timeline.update(List.of(after), true)).first().satisfies(e -> assertThat(e.text())
                .isEqualTo("orders-1: nobody -> consumer-basic-consumer-1 on /10.0.0.2"));
    }

    @Test
    void theRateIsTheLogsGrowthOverTheLastSecondsAndNoFlowTopicMeansNoFlow() {
        assertThat(flow.build(0, List.of(topic("orders", 100)), List.of(), List.of(), List.of(), List.of(), null)
                .topics().get(0).offsetsPerSecond()).isNull();
        flow.build(1_000, List.of(topic("orders", 110)), List.of(), List.of(), List.of(), List.of(), null);
        FlowView later = flow.build(4_000, List.of(topic("orders", 160)), List.of(), List.of(), List.of(), List.of(), null);
        assertThat(later.topics().get(0).offsetsPerSecond()).isEqualTo(15.0); // 60 offsets in 4 s

        assertThat(flow.build(5_000, List.of(topic("user_events", 5)), List.of(), List.of(), List.of(), List.of(), null)
                .present()).isFalse();
    }

    private static TopicView topic(String name, long end) {
        return new TopicView(name, false, true, List.of(new PartitionView(0, 0, end, end, 1)));
    }
}
