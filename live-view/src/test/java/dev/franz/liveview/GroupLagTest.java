package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.franz.liveview.Views.GroupPartitionView;

class GroupLagTest {

    @Test
    void theOldestUnreadIsUnknownWhenALaggingPartitionsIsUnknownAndNeverTheAgeOfAPartitionWithNoLag() {
        GroupPartitionView readToTheEnd = partition(0, 0L, 0.0);
        GroupPartitionView lagging = partition(1, 3L, null); // its oldest unread record not found (yet)

        assertThat(GroupLag.oldestUnreadSeconds(List.of(readToTheEnd, lagging))).isNull();
        assertThat(GroupLag.oldestUnreadSeconds(List.of(readToTheEnd, partition(2, 2L, 4.5), partition(3, 1L, 1.5))))
                .isEqualTo(4.5);
        assertThat(GroupLag.oldestUnreadSeconds(List.of(readToTheEnd, partition(4, null, null)))).isEqualTo(0.0);
    }

    private static GroupPartitionView partition(int partition, Long lag, Double lagSeconds) {
        return new GroupPartitionView("payments", partition, lag == null ? null : 10 - lag, 10, lag, lagSeconds, null, null);
    }
}
