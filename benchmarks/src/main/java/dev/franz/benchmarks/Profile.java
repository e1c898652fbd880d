package dev.franz.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where one of our programs spends its CPU, from a Java Flight Recorder profile of a run: the
 * busiest thread's samples, each attributed to the first kind of code found on its stack.
 * This is what the report names for a scenario under its goal.
 */
final class Profile {

    /** Checked in this order: a sample with Jackson anywhere on its stack counts as JSON work. */
    private static final Map<String, String> CATEGORIES = categories();

    private static Map<String, String> categories() {
        Map<String, String> byPrefix = new LinkedHashMap<>();
        byPrefix.put("com.fasterxml.jackson", "JSON (Jackson)");
        byPrefix.put("dev.franz.basicproducer.UserEventGenerator", "making up events");
        byPrefix.put("org.apache.kafka.common.record", "Kafka record batches");
        byPrefix.put("org.apache.kafka", "Kafka client, other");
        byPrefix.put("dev.franz", "Franz code, other");
        return byPrefix;
    }

    private Profile() {
    }

    /** Runs the program once more under JFR and summarises its busiest thread. */
    static String of(ChildJvm jvm, String mainClass, List<String> args) throws IOException, InterruptedException {
        Path recording = Files.createTempFile("franz-bench", ".jfr");
        try {
            List<String> jvmArgs = List.of("-XX:StartFlightRecording=filename=" + recording + ",settings=profile");
            ChildJvm.Result result = jvm.run(jvmArgs, mainClass, args, Duration.ofMinutes(5));
            if (result.exitCode() != 0) {
                return "(profiling run failed)";
            }
            return summarise(recording);
        } finally {
            Files.deleteIfExists(recording);
        }
    }

    static String summarise(Path recording) throws IOException {
        Map<String, Map<String, Integer>> byThread = new LinkedHashMap<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!"jdk.ExecutionSample".equals(event.getEventType().getName()) || event.getStackTrace() == null) {
                continue;
            }
            String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
            byThread.computeIfAbsent(thread, t -> new LinkedHashMap<>()).merge(category(event), 1, Integer::sum);
        }
        var busiest = byThread.entrySet().stream()
                .max((a, b) -> Integer.compare(total(a.getValue()), total(b.getValue())));
        if (busiest.isEmpty()) {
            return "(no samples)";
        }
        Map<String, Integer> counts = busiest.get().getValue();
        int total = total(counts);
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        return "profile of its busiest thread (" + busiest.get().getKey() + ", " + total + " samples): "
                + sorted.stream().map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / total))
                        .collect(Collectors.joining(", "));
    }

    private static String category(RecordedEvent sample) {
        List<RecordedFrame> frames = sample.getStackTrace().getFrames();
        for (Map.Entry<String, String> category : CATEGORIES.entrySet()) {
            for (RecordedFrame frame : frames) {
                if (frame.isJavaFrame() && frame.getMethod().getType().getName().startsWith(category.getKey())) {
                    return category.getValue();
                }
            }
        }
        return "JVM and JDK";
    }

    private static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
