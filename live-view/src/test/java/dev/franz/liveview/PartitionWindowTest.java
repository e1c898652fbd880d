package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.franz.liveview.PartitionWindow.Cell;
import dev.franz.liveview.PartitionWindow.Status;
import dev.franz.liveview.PartitionWindow.Stored;

/** What two readers of one partition (read_uncommitted, read_committed) tell about each offset. */
class PartitionWindowTest {

    private static Stored record(long offset) {
        return new Stored(offset, 1000 + offset, new byte[] {'k'}, new byte[] {'v'}, 1, List.of(), 0);
    }

    @Test
    void recordsBothReadersGotAreVisibleWhicheverReadFirst() {
        PartitionWindow window = new PartitionWindow(20, 0);
        // The committed reader gets there first...
        for (long offset = 0; offset < 5; offset++) {
            window.addCommitted(offset);
        }
        // ...then the uncommitted one.
        for (long offset = 0; offset < 5; offset++) {
            window.addUncommitted(record(offset));
        }
        window.positions(5, 5);
        window.lastStableOffset(5);

        assertThat(window.cells()).extracting(Cell::status).containsOnly(Status.VISIBLE).hasSize(5);
    }

    @Test
    void aRecordReadAgainIsKeptOnceByItsOffset() {
        PartitionWindow window = new PartitionWindow(20, 3);
        for (long offset : new long[] {3, 4, 5, 4, 5}) { // the reader went back to 4 and read on
            window.addUncommitted(record(offset));
        }
        window.positions(6, 6);

        assertThat(window.cells()).extracting(Cell::offset).containsExactly(3L, 4L, 5L);
    }

    @Test
    void aTransactionAbortedBetweenTwoCommittedOnesShowsAbortedRecordsAndThreeMarkers() {
        PartitionWindow window = new PartitionWindow(20, 0);
        // Log: 0 1 commit-marker(2) 3 4 abort-marker(5) 6 commit-marker(7); high watermark 8.
        for (long offset : new long[] {0, 1, 3, 4, 6}) {
            window.addUncommitted(record(offset));
        }
        for (long offset : new long[] {0, 1, 6}) {
            window.addCommitted(offset);
        }
        window.positions(8, 8);
        window.lastStableOffset(8);

        List<Cell> cells = window.cells();
        assertThat(cells).extracting(Cell::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(cells).extracting(Cell::kind)
                .containsExactly("record", "record", "marker", "record", "record", "marker", "record", "marker");
        assertThat(cells).filteredOn(c -> c.kind().equals("marker")).extracting(Cell::markerOf)
                .containsExactly("commit", "abort", "commit");
        assertThat(cells).filteredOn(c -> c.kind().equals("record")).extracting(Cell::status)
                .containsExactly(Status.VISIBLE, Status.VISIBLE, Status.ABORTED, Status.ABORTED, Status.VISIBLE);
    }

    @Test
    void recordsOfAnOpenTransactionArePendingNotAborted() {
        PartitionWindow window = new PartitionWindow(20, 0);
        window.addUncommitted(record(0));
        window.addUncommitted(record(1));
        window.positions(2, 0); // the committed reader stops at the last stable offset
        window.lastStableOffset(0);

        assertThat(window.cells()).extracting(Cell::status).containsExactly(Status.PENDING, Status.PENDING);
    }

    @Test
    void theWindowKeepsTheNewestRecordsOnly() {
        PartitionWindow window = new PartitionWindow(3, 0);
        for (long offset = 0; offset < 10; offset++) {
            window.addUncommitted(record(offset));
            window.addCommitted(offset);
        }
        window.positions(10, 10);

        assertThat(window.cells()).extracting(Cell::offset).containsExactly(7L, 8L, 9L);
        assertThat(window.cells()).extracting(Cell::status).containsOnly(Status.VISIBLE);
        assertThat(window.find(3)).isNull();
        assertThat(window.firstAtOrAfter(5).offset()).isEqualTo(7);
    }

    @Test
    void aGroupsOldestUnreadRecordIsOnlyTakenFromTheWindowWhileTheWindowStillHoldsIt() {
        PartitionWindow window = new PartitionWindow(3, 0);
        for (long offset = 0; offset < 10; offset++) {
            window.addUncommitted(record(offset));
        }
        // A group committed at 5 has not read 5 and 6, which left the window: the window's oldest record
        // (7) is newer than the group's oldest unread one, so the window must not answer.
        assertThat(window.oldestFrom(5)).isNull();
        assertThat(window.oldestFrom(6)).isNull();
        assertThat(window.oldestFrom(7).offset()).isEqualTo(7);
        assertThat(window.oldestFrom(8).offset()).isEqualTo(8);
        assertThat(window.oldestFrom(10)).isNull();
    }

    @Test
    void aCommittedOffsetOnATransactionMarkerHasTheNextRecordAsItsOldestUnread() {
        PartitionWindow window = new PartitionWindow(20, 0);
        window.addUncommitted(record(0));
        window.addUncommitted(record(2)); // offset 1 held a commit marker
        assertThat(window.oldestFrom(1).offset()).isEqualTo(2);
    }

    @Test
    void beforeWhereTheReadersStartedNothingIsKnown() {
        PartitionWindow window = new PartitionWindow(20, 100);
        assertThat(window.statusOf(99)).isEqualTo(Status.UNKNOWN);
    }
}
