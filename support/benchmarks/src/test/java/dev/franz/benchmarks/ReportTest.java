package dev.franz.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ReportTest {

    private static String metColumn(Measurement m) {
        m.ours().add(900.0);
        String row = Report.table(List.of(m)).lines().skip(2).findFirst().orElseThrow();
        return row.split(" \\| ")[6];
    }

    @Test
    void aScenarioWithoutAGoalIsNeitherMetNorMissed() {
        for (String none : List.of("none", "none: what the outbox costs, reported")) {
            assertThat(metColumn(Measurement.of("s", "-", "s", false, Double.NaN).withAbsoluteGoal(none))).as(none)
                    .isEqualTo("-");
        }
    }

    @Test
    void anAbsoluteGoalIsMetOrMissedByTheMedian() {
        assertThat(metColumn(Measurement.of("s", "-", "ms", false, Double.NaN).withAbsoluteGoal("< 1,500 ms")))
                .isEqualTo("yes");
        assertThat(metColumn(Measurement.of("s", "-", "ms", false, Double.NaN).withAbsoluteGoal("< 8 ms")))
                .isEqualTo("**no**");
    }
}
