package dev.franz.streamprocessing;

/** What the lesson computes from {@code user_events}. */
enum Mode {
    /** Running counts per event type, and per-user totals (events, purchases, amount). */
    STATEFUL,
    /** Each event joined with its user's profile from the compacted {@code user_profiles} topic. */
    ENRICHMENT,
    /** Events per type in tumbling windows of event time (--window-seconds), emitted when each window closes. */
    WINDOWED
}
