package dev.franz.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.json.Json;

/**
 * Runs one of our programs with {@code --summary-json FILE} and reads what it wrote: the benchmarks
 * take our figures from there, never from the printed lines.
 */
record Summary(ChildJvm.Result result, JsonNode json) {

    static Summary run(ChildJvm jvm, String mainClass, List<String> args, Duration timeout) throws Exception {
        Path file = Files.createTempFile("franz-summary", ".json");
        try {
            List<String> withSummary = new ArrayList<>(args);
            withSummary.addAll(List.of("--summary-json", file.toString()));
            ChildJvm.Result result = Scenarios.check(jvm.run(mainClass, withSummary, timeout));
            return new Summary(result, read(file, result));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Like {@link #run}, for a program that takes the summary file as its last argument. */
    static Summary runWithFile(ChildJvm jvm, String mainClass, List<String> args, Duration timeout) throws Exception {
        Path file = Files.createTempFile("franz-summary", ".json");
        try {
            List<String> withFile = new ArrayList<>(args);
            withFile.add(file.toString());
            ChildJvm.Result result = Scenarios.check(jvm.run(mainClass, withFile, timeout));
            return new Summary(result, read(file, result));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static JsonNode read(Path file, ChildJvm.Result result) throws IOException {
        String text = Files.readString(file);
        if (text.isBlank()) {
            throw new IllegalStateException("The program wrote no summary:\n" + result.output());
        }
        return Json.mapper().readTree(text);
    }

    /** Records (events, orders) per second over the program's own timed run. */
    double perSecond() {
        return json.get("count").asLong() / json.get("seconds").asDouble();
    }
}
