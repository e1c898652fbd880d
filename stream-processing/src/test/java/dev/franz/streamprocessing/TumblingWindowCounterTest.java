package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.franz.common.events.WindowCount;

class TumblingWindowCounterTest {

    private static final Instant T0 = Instant.parse("2026-11-26T18:00:00Z");

    private final TumblingWindowCounter counter = new TumblingWindowCounter(Duration.ofSeconds(5), Duration.ofSeconds(2));

    @Test
    void aWindowIsStartInclusiveEndExclusive() {
        counter.add("click", T0.plusMillis(4_999));
        counter.add("click", T0.plusMillis(5_000));

        // Stream time 12 s closes [0, 5) (end 5 + grace 2 <= 12) and [5, 10) (10 + 2 <= 12).
        assertThat(counter.add("view", T0.plusSeconds(12))).containsExactly(
                new WindowCount("click", T0, T0.plusSeconds(5), 1),
                new WindowCount("click", T0.plusSeconds(5), T0.plusSeconds(10), 1));
    }

    @Test
    void aWindowClosesOnlyWhenStreamTimeReachesItsEndPlusGrace() {
        counter.add("click", T0.plusSeconds(1));

        assertThat(counter.add("click", T0.plusMillis(6_999))).isEmpty();
        assertThat(counter.add("click", T0.plusSeconds(7))).containsExactly(
                new WindowCount("click", T0, T0.plusSeconds(5), 1));
    }

    @Test
    void anEventWithinGraceStillCountsInItsWindow() {
        counter.add("click", T0.plusSeconds(1));
        counter.add("click", T0.plusSeconds(6)); // stream time 6: [0, 5) still open until 7
        counter.add("click", T0.plusSeconds(3)); // 3 s behind stream time, within the 2 s grace after the end

        assertThat(counter.add("click", T0.plusSeconds(20))).first()
                .isEqualTo(new WindowCount("click", T0, T0.plusSeconds(5), 2));
        assertThat(counter.lateEvents()).isZero();
    }

    @Test
    void anEventPastGraceIsCountedAsLateNotInItsWindow() {
        counter.add("click", T0.plusSeconds(1));
        counter.add("click", T0.plusSeconds(8)); // closes [0, 5) with 1

        counter.add("click", T0.plusSeconds(2)); // its window closed: late

        assertThat(counter.lateEvents()).isEqualTo(1);
        assertThat(counter.add("click", T0.plusSeconds(30))).containsExactly(
                new WindowCount("click", T0.plusSeconds(5), T0.plusSeconds(10), 1));
    }

    @Test
    void timeMovesOnlyWithTheEventsNotTheClock() {
        counter.add("click", T0);

        assertThat(counter.streamTime()).isEqualTo(T0);
        counter.add("click", T0.minusSeconds(1));
        assertThat(counter.streamTime()).isEqualTo(T0);
    }
}
