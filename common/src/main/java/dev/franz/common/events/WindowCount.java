package dev.franz.common.events;

import java.time.Instant;

/**
 * How many events of one type happened in one time window (by event time): the records of
 * {@code windowed_event_counts} (Level 2), keyed by event type, one per closed window.
 *
 * <pre>{@code {"event_type":"click","window_start":"2026-11-26T18:16:45Z","window_end":"2026-11-26T18:16:50Z","count":17}}</pre>
 */
public record WindowCount(String eventType, Instant windowStart, Instant windowEnd, long count) {
}
