package dev.franz.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Event times for records a test writes with its own timestamps. A broker deletes records by their
 * timestamp, not by when they arrived: a record stamped more than retention.ms ago (7 days by default)
 * goes at the broker's next retention check (30 s after it starts, then every 5 minutes), before a
 * consumer may read it. A fixed date in a test therefore works for a week and then, now and then,
 * leaves the consumer nothing to read.
 */
public final class TestTimes {

    private TestTimes() {
    }

    /**
     * The start of the hour two hours ago: a round time (windows of seconds or minutes start on it) that
     * stays within the retention, with room for later events up to two hours after it (a broker refuses
     * timestamps more than an hour ahead of its clock: log.message.timestamp.after.max.ms).
     */
    public static Instant recentHour() {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
    }
}
