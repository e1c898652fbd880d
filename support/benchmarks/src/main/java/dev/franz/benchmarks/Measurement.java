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
                   List<Long> referenceRssMb, String note, String ceilingTool, List<Double> ceilings) {

    static Measurement of(String scenario, String reference, String unit, boolean higherIsBetter, double goal) {
        return new Measurement(scenario, reference, unit, higherIsBetter, goal, "", new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>(), "", "", new ArrayList<>());
    }

    Measurement withNote(String text) {
        return new Measurement(scenario, reference, unit, higherIsBetter, goal, absoluteGoal, ours, references,
                oursRssMb, referenceRssMb, text, ceilingTool, ceilings);
    }

    Measurement withAbsoluteGoal(String text) {
        return new Measurement(scenario, reference, unit, higherIsBetter, Double.NaN, text, ours, references,
                oursRssMb, referenceRssMb, note, ceilingTool, ceilings);
    }

    /**
     * Also measured against one of Kafka's own tools, which moves opaque bytes: the ceiling, shown
     * next to the reference, with no goal.
     */
    Measurement withCeiling(String tool) {
        return new Measurement(scenario, reference, unit, higherIsBetter, goal, absoluteGoal, ours, references,
                oursRssMb, referenceRssMb, note, tool, ceilings);
    }

    /** ours / the ceiling tool, from the medians; NaN without one. */
    double ceilingRatio() {
        return ceilings.isEmpty() ? Double.NaN : oursMedian() / median(ceilings);
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
