package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.franz.liveview.Views.GroupPartitionView;
import dev.franz.liveview.Views.MemberView;

class GroupFiguresTest {

    @Test
    void theOldestUnreadIsUnknownWhenALaggingPartitionsIsUnknownAndNeverTheAgeOfAPartitionWithNoLag() {
        GroupPartitionView readToTheEnd = partition(0, 0L, 0.0);
        GroupPartitionView lagging = partition(1, 3L, null); // its oldest unread record not found (yet)

        assertThat(GroupFigures.oldestUnreadSeconds(List.of(readToTheEnd, lagging))).isNull();
        assertThat(GroupFigures.oldestUnreadSeconds(List.of(readToTheEnd, partition(2, 2L, 4.5), partition(3, 1L, 1.5))))
                .isEqualTo(4.5);
        assertThat(GroupFigures.oldestUnreadSeconds(List.of(readToTheEnd, partition(4, null, null)))).isEqualTo(0.0);
    }

    @Test
    void membersWithTheSameClientIdAreNamedWithTheirHostOrMemberId() {
        List<MemberView> named = GroupFigures.named(List.of(
                new MemberView("aaaa1111-one", "consumer-basic-consumer-1", "/10.0.0.1", null, List.of("t-0")),
                new MemberView("bbbb2222-two", "consumer-basic-consumer-1", "/10.0.0.2", null, List.of("t-1")),
                new MemberView("cccc3333-three", "reader", "/10.0.0.1", null, List.of()),
                new MemberView("dddd4444-four", "worker", "/10.0.0.3", null, List.of()),
                new MemberView("eeee5555-five", "worker", "/10.0.0.3", null, List.of())));

        assertThat(named).extracting(MemberView::name).containsExactly(
                "consumer-basic-consumer-1 on /10.0.0.1", "consumer-basic-consumer-1 on /10.0.0.2", "reader",
                "worker (member dddd4444-four)", "worker (member eeee5555-five)");
    }

    private static GroupPartitionView partition(int partition, Long lag, Double lagSeconds) {
        return new GroupPartitionView("payments", partition, lag == null ? null : 10 - lag, 10, lag, lagSeconds, null, null);
    }
}
