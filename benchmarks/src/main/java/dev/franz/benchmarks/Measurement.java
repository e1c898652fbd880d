package dev.franz.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * The runs of one scenario: ours and the reference tool's, alternated, and their medians.
 *
 * @param higherIsBetter true for rates (records/s), false for times and latencies
 * @param goal           the ratio ours/reference to reach (at least, or at most when lower is better);
 *                       NaN where the goal is absolute ({@code absoluteGoal})
 */
record Measurement(String scenario, String reference, String unit, boolean higherIsBetter, double goal,
                   String absoluteGoal, List<Double> ours, List<Double> references, List<Long> oursRssMb,
                   List<Long> referenceRssMb, String note) {

    static Measurement of(String scenario, String reference, String unit, boolean higherIsBetter, double goal) {
        return new Measurement(scenario, reference, unit, higherIsBetter, goal, "", new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>(), "");
    }

    Measurement withNote(String text) {
        return new Measurement(scenario, reference, unit, higherIsBetter, goal, absoluteGoal, ours, references,
                oursRssMb, referenceRssMb, text);
    }

    Measurement withAbsoluteGoal(String text) {
        return new Measurement(scenario, reference, unit, higherIsBetter, Double.NaN, text, ours, references,
                oursRssMb, referenceRssMb, note);
    }

    double oursMedian() {
        return median(ours);
    }

    double referenceMedian() {
        return median(references);
    }

    /** ours / reference, from the medians. */
    double ratio() {
        return oursMedian() / referenceMedian();
    }

    boolean meetsGoal() {
        if (Double.isNaN(goal)) {
            return true;
        }
        return higherIsBetter ? ratio() >= goal : ratio() <= goal;
    }

    static double median(List<? extends Number> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().map(Number::doubleValue).sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
