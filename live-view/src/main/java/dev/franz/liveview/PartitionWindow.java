package dev.franz.liveview;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The newest records of one partition as two readers see them: one with {@code read_uncommitted}
 * (every record in the log) and one with {@code read_committed} (no aborted record, nothing past the
 * last stable offset). Comparing the two tells what a transaction did to each offset:
 * <ul>
 *   <li>a record both readers got is <b>visible</b> to everyone (committed, or not transactional);</li>
 *   <li>a record only the uncommitted reader got, at an offset the committed reader has moved past,
 *       is <b>aborted</b>;</li>
 *   <li>a record at or past the last stable offset is <b>pending</b>: its transaction is still open;</li>
 *   <li>an offset that neither reader got a record for, inside what the uncommitted reader has read,
 *       is a <b>transaction marker</b>: the control record Kafka writes when a transaction commits or
 *       aborts, which no consumer ever returns.</li>
 * </ul>
 * Holds at most {@code capacity} records; not thread-safe (the reader thread owns it, the web side
 * gets copies through {@link #cells()}).
 */
final class PartitionWindow {

    /** What the live view knows of one offset. */
    enum Status { VISIBLE, ABORTED, PENDING, UNKNOWN }

    /**
     * One stored record, bounded whatever its size: the value cut to {@link RecordText#STORED_VALUE_BYTES},
     * the key and each header to a few hundred bytes, at most {@link RecordText#STORED_HEADERS} headers
     * of the record's {@code headerCount}.
     */
    record Stored(long offset, long timestamp, byte[] key, byte[] value, int valueSize, List<Header> headers,
                  int headerCount) {
    }

    record Header(String key, byte[] value) {
    }

    /** A cell of the partition's log on the page: a record or a marker. */
    record Cell(long offset, String kind, Status status, String markerOf, Stored record) {
    }

    private final int capacity;
    private final ArrayDeque<Stored> records = new ArrayDeque<>();
    /** Offsets the read_committed reader returned, within the window. */
    private final NavigableSet<Long> committedSeen = new TreeSet<>();
    /** Where both readers started (the last seek): below it the live view knows nothing. */
    private long start;
    /** From this offset on the window holds every record read (older ones left it, the window is full). */
    private long coveredFrom;
    /** Next offset each reader will fetch. */
    private long uncommittedPosition;
    private long committedPosition;
    private long lastStableOffset = -1;
    private long version;

    PartitionWindow(int capacity, long start) {
        this.capacity = capacity;
        restart(start);
    }

    /** Both readers were moved to {@code offset}: forget what came before. */
    void restart(long offset) {
        records.clear();
        committedSeen.clear();
        start = offset;
        coveredFrom = offset;
        uncommittedPosition = offset;
        committedPosition = offset;
        version++;
    }

    long start() {
        return start;
    }

    /** A record at an offset already kept (read again) replaces it and whatever was read after it. */
    void addUncommitted(Stored record) {
        while (!records.isEmpty() && records.peekLast().offset() >= record.offset()) {
            records.removeLast();
        }
        records.addLast(record);
        while (records.size() > capacity) {
            coveredFrom = records.removeFirst().offset() + 1;
        }
        version++;
    }

    void addCommitted(long offset) {
        committedSeen.add(offset);
        if (records.size() >= capacity) {
            // Older records have left the window: what the committed reader saw of them is not needed.
            committedSeen.headSet(records.peekFirst().offset(), false).clear();
        }
        while (committedSeen.size() > 4 * capacity) {
            committedSeen.pollFirst(); // bounded, even if the committed reader runs far ahead
        }
        version++;
    }

    void positions(long uncommitted, long committed) {
        if (uncommitted != uncommittedPosition || committed != committedPosition) {
            uncommittedPosition = uncommitted;
            committedPosition = committed;
            version++;
        }
    }

    void lastStableOffset(long lso) {
        if (lso != lastStableOffset) {
            lastStableOffset = lso;
            version++;
        }
    }

    /** Changes whenever the cells would. */
    long version() {
        return version;
    }

    Stored find(long offset) {
        for (Stored record : records) {
            if (record.offset() == offset) {
                return record;
            }
        }
        return null;
    }

    /**
     * The oldest record from {@code offset} on (a group's oldest unread record, when {@code offset} is its
     * committed offset), or null when the window cannot tell: the records from there have left it.
     */
    Stored oldestFrom(long offset) {
        return offset >= coveredFrom ? firstAtOrAfter(offset) : null;
    }

    /** Oldest record kept at or after {@code offset}, or null. */
    Stored firstAtOrAfter(long offset) {
        for (Stored record : records) {
            if (record.offset() >= offset) {
                return record;
            }
        }
        return null;
    }

    /**
     * The window as cells, oldest first: each record with its status, and a marker cell for each
     * offset inside the read range that held no record. A marker right after aborted records is the
     * abort marker of their transaction, otherwise a commit marker (the live view infers which from
     * the records before it; Kafka does not hand control records to consumers).
     */
    List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        Long previous = null;
        Status previousStatus = null;
        Iterator<Stored> it = records.iterator();
        while (it.hasNext()) {
            Stored record = it.next();
            if (previous != null) {
                for (long gap = previous + 1; gap < record.offset(); gap++) {
                    cells.add(marker(gap, previousStatus));
                }
            }
            Status status = statusOf(record.offset());
            cells.add(new Cell(record.offset(), "record", status, null, record));
            previous = record.offset();
            previousStatus = status;
        }
        if (previous != null) {
            // Offsets after the last record that the uncommitted reader has passed: markers too.
            for (long gap = previous + 1; gap < uncommittedPosition && cells.size() < capacity * 2; gap++) {
                cells.add(marker(gap, previousStatus));
            }
        }
        return cells;
    }

    private static Cell marker(long offset, Status before) {
        String of = before == Status.ABORTED ? "abort" : before == Status.VISIBLE ? "commit" : "unknown";
        return new Cell(offset, "marker", Status.VISIBLE, of, null);
    }

    Status statusOf(long offset) {
        if (offset < start) {
            return Status.UNKNOWN;
        }
        if (committedSeen.contains(offset)) {
            return Status.VISIBLE;
        }
        if (lastStableOffset >= 0 && offset >= lastStableOffset) {
            return Status.PENDING;
        }
        if (offset < committedPosition) {
            return Status.ABORTED;
        }
        return Status.PENDING; // the committed reader has not got there yet
    }
}
