package dev.franz.common.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.franz.common.json.Json;

/**
 * The last thing every Franz program prints, in one shape:
 * <pre>
 * Summary: basic-consumer read 100 records in 1.23 s (81 records/s)
 *   by partition: 0=34, 1=33, 2=33
 *   skipped: 0
 * </pre>
 * and, with {@code --summary-json FILE}, the same facts as JSON for scripts and the benchmarks, so
 * that nothing has to parse the printed lines.
 */
public final class RunSummary {

    private final String program;
    private final String verb;
    private final long count;
    private final String unit;
    private final Duration elapsed;
    private final Map<String, String> details = new LinkedHashMap<>();
    private final Map<String, Number> counts = new LinkedHashMap<>();

    /** "{program} {verb} {count} {unit} in {elapsed}", e.g. "order-producer sent 10 orders in 1.02 s". */
    public RunSummary(String program, String verb, long count, String unit, Duration elapsed) {
        this.program = program;
        this.verb = verb;
        this.count = count;
        this.unit = unit;
        this.elapsed = elapsed;
    }

    /** A line under the headline, "  label: text". */
    public RunSummary detail(String label, String text) {
        details.put(label, text);
        return this;
    }

    /** A number for the JSON summary (and a line under the headline). */
    public RunSummary count(String label, Number value) {
        counts.put(label, value);
        details.put(label, value instanceof Long || value instanceof Integer ? String.format("%,d", value.longValue())
                : value.toString());
        return this;
    }

    public double seconds() {
        return elapsed.toNanos() / 1e9;
    }

    public double perSecond() {
        return count / Math.max(seconds(), 1e-9);
    }

    public void print(PrintStream out) {
        // "1 order", "2 orders": the units are plural nouns ending in s.
        String counted = count == 1 && unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
        out.printf("%nSummary: %s %s %,d %s in %.2f s (%,.0f %s/s)%n", program, verb, count, counted, seconds(),
                perSecond(), unit);
        details.forEach((label, text) -> out.printf("  %s: %s%n", label, text));
    }

    /** Prints the summary and, when {@code jsonFile} is not null, writes it there as JSON. */
    public void report(PrintStream out, Path jsonFile) {
        print(out);
        if (jsonFile != null) {
            writeJson(jsonFile);
        }
    }

    public void writeJson(Path file) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("program", program);
        json.put("unit", unit);
        json.put("count", count);
        json.put("seconds", seconds());
        json.put("per_second", perSecond());
        ObjectNode countNodes = json.putObject("counts");
        counts.forEach((label, value) -> countNodes.putPOJO(label, value));
        ObjectNode detailNodes = json.putObject("details");
        details.forEach(detailNodes::put);
        try {
            Files.writeString(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the summary to " + file, e);
        }
    }
}
