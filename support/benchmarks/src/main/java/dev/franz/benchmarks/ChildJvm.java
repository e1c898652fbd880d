package dev.franz.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program in its own JVM, as a learner would, with this JVM's class path, and measures it:
 * wall time, output, and peak resident memory (Linux's VmHWM, polled while it runs).
 */
final class ChildJvm {

    /** What one run printed and cost. {@code peakRssMb} is 0 where /proc is not available. */
    record Result(int exitCode, String output, Duration elapsed, long peakRssMb) {
    }

    private final String heap;
    private final Map<String, String> environment;

    ChildJvm(String heap) {
        this(heap, Map.of());
    }

    private ChildJvm(String heap, Map<String, String> environment) {
        this.heap = heap;
        this.environment = Map.copyOf(environment);
    }

    /** The same, with these environment variables in every program it starts (a secret stays off the command line). */
    ChildJvm withEnvironment(Map<String, String> variables) {
        Map<String, String> all = new HashMap<>(environment);
        all.putAll(variables);
        return new ChildJvm(heap, all);
    }

    Result run(String mainClass, List<String> args, Duration timeout) throws IOException, InterruptedException {
        return run(List.of(), mainClass, args, timeout);
    }

    Result run(List<String> jvmArgs, String mainClass, List<String> args, Duration timeout)
            throws IOException, InterruptedException {
        return run(builder(jvmArgs, mainClass, args), timeout);
    }

    /** Starts a long-running program (a service) and returns at once; its output is discarded. */
    Process start(String mainClass, List<String> args) throws IOException {
        return start(List.of(), mainClass, args);
    }

    Process start(List<String> jvmArgs, String mainClass, List<String> args) throws IOException {
        return builder(jvmArgs, mainClass, args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The same, its output (with errors) written to {@code log}, to say why it ended. */
    Process start(String mainClass, List<String> args, Path log) throws IOException {
        return builder(List.of(), mainClass, args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private ProcessBuilder builder(List<String> jvmArgs, String mainClass, List<String> args) {
        ProcessBuilder builder = new ProcessBuilder(command(jvmArgs, mainClass, args));
        builder.environment().putAll(environment);
        return builder;
    }

    private List<String> command(List<String> jvmArgs, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx" + heap,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return command;
    }

    static Result run(ProcessBuilder builder, Duration timeout) throws IOException, InterruptedException {
        long startedAt = System.nanoTime();
        Process process = builder.redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process));
        long peakKb = 0;
        long deadline = startedAt + timeout.toNanos();
        while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
            peakKb = Math.max(peakKb, peakRssKb(process.pid()));
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s: " + builder.command());
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startedAt);
        return new Result(process.exitValue(), output.join(), elapsed, peakKb / 1024);
    }

    /** The peak resident set size of a running process, from /proc (Linux); 0 elsewhere. */
    static long peakRssKb(long pid) {
        Path status = Path.of("/proc", String.valueOf(pid), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process just ended, or no /proc here
        }
        return 0;
    }

    private static String readAll(Process process) {
        StringBuilder text = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                text.append(line).append('\n');
            }
        } catch (IOException e) {
            text.append("(output cut: ").append(e.getMessage()).append(")\n");
        }
        return text.toString();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
