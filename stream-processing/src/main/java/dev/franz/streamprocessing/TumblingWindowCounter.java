package dev.franz.streamprocessing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.franz.common.events.WindowCount;

/**
 * Counts events per type in tumbling windows of event time, by hand, with the same rules as Kafka
 * Streams' {@code TimeWindows.ofSizeAndGrace(size, grace)} followed by
 * {@code suppress(untilWindowCloses(...))}:
 * <ul>
 *   <li>a window is {@code [start, start + size)}, starts aligned to the epoch;</li>
 *   <li>"stream time" is the largest event timestamp seen so far: time moves only with the data,
 *       never with the wall clock, so replaying old events gives the same windows;</li>
 *   <li>a window closes once stream time reaches its end + grace; its count is emitted then, once;</li>
 *   <li>an event whose window is already closed is late: counted and reported, not counted in.</li>
 * </ul>
 * Time is an input (the events' timestamps), so this class is tested without a broker or a clock.
 */
final class TumblingWindowCounter {

    private record WindowKey(Instant start, String eventType) implements Comparable<WindowKey> {
        @Override
        public int compareTo(WindowKey other) {
            int byStart = start.compareTo(other.start);
            return byStart != 0 ? byStart : eventType.compareTo(other.eventType);
        }
    }

    private final Duration size;
    private final Duration grace;
    private final Map<WindowKey, Long> open = new TreeMap<>();
    private Instant streamTime = Instant.MIN;
    private long lateEvents;

    TumblingWindowCounter(Duration size, Duration grace) {
        this.size = size;
        this.grace = grace;
    }

    /** Counts one event; returns the windows this event's timestamp closed, oldest first. */
    List<WindowCount> add(String eventType, Instant timestamp) {
        if (timestamp.isAfter(streamTime)) {
            streamTime = timestamp;
        }
        Instant start = windowStart(timestamp);
        if (!isClosed(start)) {
            open.merge(new WindowKey(start, eventType), 1L, Long::sum);
        } else {
            lateEvents++;
        }
        return closeWindows();
    }

    long lateEvents() {
        return lateEvents;
    }

    Instant streamTime() {
        return streamTime;
    }

    private Instant windowStart(Instant timestamp) {
        long millis = timestamp.toEpochMilli();
        return Instant.ofEpochMilli(millis - Math.floorMod(millis, size.toMillis()));
    }

    private boolean isClosed(Instant windowStart) {
        return !windowStart.plus(size).plus(grace).isAfter(streamTime);
    }

    private List<WindowCount> closeWindows() {
        List<WindowCount> closed = new ArrayList<>();
        Iterator<Map.Entry<WindowKey, Long>> windows = open.entrySet().iterator();
        while (windows.hasNext()) {
            Map.Entry<WindowKey, Long> window = windows.next();
            if (!isClosed(window.getKey().start())) {
                break; // sorted by start: the rest are newer
            }
            Instant start = window.getKey().start();
            closed.add(new WindowCount(window.getKey().eventType(), start, start.plus(size), window.getValue()));
            windows.remove();
        }
        return closed;
    }
}
