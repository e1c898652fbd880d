package dev.franz.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
        byPrefix.put("dev.franz.common.events.UserEventGenerator", "making up events");
        byPrefix.put("org.apache.kafka.common.record", "Kafka record batches");
        byPrefix.put("org.apache.kafka.streams.state", "Kafka Streams state stores");
        byPrefix.put("org.apache.kafka.clients.producer", "Kafka producer");
        byPrefix.put("org.apache.kafka.clients.consumer", "Kafka consumer");
        byPrefix.put("org.apache.kafka.streams", "Kafka Streams, other");
        byPrefix.put("org.apache.kafka", "Kafka client, other");
        byPrefix.put("dev.franz", "Franz code, other");
        return byPrefix;
    }

    private static Path settingsFile;

    private Profile() {
    }

    /** Runs the program once more under JFR and summarises its busiest thread. */
    static String of(ChildJvm jvm, String mainClass, List<String> args) throws IOException, InterruptedException {
        Path recording = Files.createTempFile("franz-bench", ".jfr");
        try {
            ChildJvm.Result result = jvm.run(jvmArgs(recording), mainClass, args, Duration.ofMinutes(5));
            if (result.exitCode() != 0) {
                return "(profiling run failed)";
            }
            return summarise(recording);
        } finally {
            Files.deleteIfExists(recording);
        }
    }

    /** JVM options that record into {@code recording} until the program exits (SIGTERM included). */
    static List<String> jvmArgs(Path recording) throws IOException {
        return List.of("-XX:StartFlightRecording=filename=" + recording + ",dumponexit=true,settings=" + settings());
    }

    /** The settings file (franz-profile.jfc) where a JVM can read it: JFR takes a path, not a resource. */
    private static synchronized Path settings() throws IOException {
        if (settingsFile == null) {
            Path file = Files.createTempFile("franz-profile", ".jfc");
            file.toFile().deleteOnExit();
            try (InputStream in = Profile.class.getResourceAsStream("/franz-profile.jfc")) {
                Files.copy(Objects.requireNonNull(in, "franz-profile.jfc"), file, StandardCopyOption.REPLACE_EXISTING);
            }
            settingsFile = file;
        }
        return settingsFile;
    }

    static String summarise(Path recording) throws IOException {
        Map<String, Map<String, Integer>> byThread = new LinkedHashMap<>();
        Map<String, Double> cpuByThread = new LinkedHashMap<>();
        List<Double> machineLoad = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            switch (event.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    if (event.getStackTrace() != null) {
                        String thread = event.getThread("sampledThread") == null ? "?"
                                : event.getThread("sampledThread").getJavaName();
                        byThread.computeIfAbsent(thread, t -> new LinkedHashMap<>()).merge(category(event), 1, Integer::sum);
                    }
                }
                case "jdk.ThreadCPULoad" -> {
                    if (event.getThread() != null) {
                        cpuByThread.merge(threadLabel(event.getThread().getJavaName()),
                                (double) event.getFloat("user") + event.getFloat("system"), Double::sum);
                    }
                }
                case "jdk.CPULoad" -> machineLoad.add((double) event.getFloat("machineTotal"));
                default -> {
                }
            }
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
        return "profile of its busiest thread (" + threadLabel(busiest.get().getKey()) + ", " + total + " samples): "
                + sorted.stream().map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / total))
                        .collect(Collectors.joining(", "))
                + cpuSplit(cpuByThread, machineLoad);
    }

    /**
     * How the process's CPU time split between its threads (each second's load, summed), and how
     * busy the whole machine was: on a small machine the broker, the JIT compiler and the program
     * compete for the same cores.
     */
    private static String cpuSplit(Map<String, Double> cpuByThread, List<Double> machineLoad) {
        double process = cpuByThread.values().stream().mapToDouble(Double::doubleValue).sum();
        if (process <= 0) {
            return "";
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(cpuByThread.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        List<String> parts = new ArrayList<>();
        double shown = 0;
        for (Map.Entry<String, Double> entry : sorted.subList(0, Math.min(3, sorted.size()))) {
            parts.add(String.format(Locale.ROOT, "%s %.0f%%", entry.getKey(), 100 * entry.getValue() / process));
            shown += entry.getValue();
        }
        if (process - shown > 0.005 * process) {
            parts.add(String.format(Locale.ROOT, "other threads %.0f%%", 100 * (process - shown) / process));
        }
        double machine = machineLoad.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        return "; the process's CPU by thread: " + String.join(", ", parts)
                + (Double.isNaN(machine) ? "" : String.format(Locale.ROOT, " (machine %.0f%% busy on average)", 100 * machine));
    }

    /** Thread names without their generated parts, so that a reader recognises them. */
    static String threadLabel(String name) {
        if (name.contains("CompilerThread")) {
            return "JIT compiler";
        }
        if (name.startsWith("kafka-producer-network-thread")) {
            return "producer network thread";
        }
        if (name.equals("consumer_background_thread")) {
            return "consumer network thread";
        }
        if (name.matches(".*-StreamThread-\\d+")) {
            return "stream thread";
        }
        return name;
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
