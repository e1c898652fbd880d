package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.franz.common.events.WindowCount;

/**
 * Layer 1 of the pyramid: Level 2's window rules as plain Java, no Kafka at all.
 *
 * The plain engine counts events in tumbling windows of event time with {@code TumblingWindowCounter}:
 * a class that takes each event's type and timestamp and returns the windows that closed. Time is an
 * input, not the clock, so a test says exactly when each event happened and what must come out, and
 * runs in milliseconds. The same rules, run by Kafka Streams, are tested in {@code WindowTopologyTest}.
 */
class WindowRulesTest {

    private static final Instant T0 = Instant.parse("2026-11-26T18:00:00Z");

    // Windows of 5 s; an event up to 2 s after its window's end still counts.
    private final TumblingWindowCounter counter = new TumblingWindowCounter(Duration.ofSeconds(5), Duration.ofSeconds(2));

    @Test
    void aWindowClosesWhenStreamTimePassesItsEndPlusGrace() {
        assertThat(counter.add("click", T0.plusSeconds(1))).isEmpty();
        assertThat(counter.add("click", T0.plusSeconds(4))).isEmpty();
        // Stream time 6.999 s: the window [0 s, 5 s) is still open (its end + grace is 7 s).
        assertThat(counter.add("click", T0.plusMillis(6_999))).isEmpty();

        // Stream time 7 s: it closes, with its count, once.
        assertThat(counter.add("click", T0.plusSeconds(7)))
                .containsExactly(new WindowCount("click", T0, T0.plusSeconds(5), 2));
    }

    @Test
    void aLateEventWithinGraceCountsAndOnePastGraceIsCountedAsLate() {
        counter.add("click", T0.plusSeconds(1));
        counter.add("click", T0.plusSeconds(6));  // stream time 6 s
        counter.add("click", T0.plusSeconds(3));  // 3 s late, but [0, 5) is open until 7 s: counted in
        counter.add("click", T0.plusSeconds(8));  // closes [0, 5)
        counter.add("click", T0.plusSeconds(2));  // its window has closed: late, not counted in

        assertThat(counter.lateEvents()).isEqualTo(1);
        assertThat(counter.add("click", T0.plusSeconds(60))).first()
                .isEqualTo(new WindowCount("click", T0.plusSeconds(5), T0.plusSeconds(10), 2));
    }

    @Test
    void anOldEventDoesNotMoveTimeBackwards() {
        counter.add("click", T0.plusSeconds(10));
        counter.add("click", T0); // an event from the past: stream time stays where it was

        assertThat(counter.streamTime()).isEqualTo(T0.plusSeconds(10));
    }
}
