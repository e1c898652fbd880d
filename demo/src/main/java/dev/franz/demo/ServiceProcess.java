package dev.franz.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.franz.common.config.FranzConfig;

/**
 * One Franz program running as its own JVM (as a learner runs it in its own terminal), with this
 * JVM's class path. Every line it prints is shown with its label, so the output of several services
 * can be read interleaved.
 */
public final class ServiceProcess implements AutoCloseable {

    /** How long a service may take to commit, close and exit after SIGTERM before it is killed. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final String label;
    private final Process process;
    private final Thread pump;
    /** The lines printed so far (the newest {@link #KEPT_LINES}), for {@link #awaitLine}. */
    private final java.util.ArrayDeque<String> lines = new java.util.ArrayDeque<>();
    private static final int KEPT_LINES = 200;

    private ServiceProcess(String label, Process process, PrintStream out) {
        this.label = label;
        this.process = process;
        this.pump = new Thread(() -> copyLines(out), label + "-output");
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /** Starts {@code mainClass} with {@code arguments}; its output goes to {@code out}, labelled. */
    public static ServiceProcess start(String label, Class<?> mainClass, List<String> arguments, PrintStream out)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                // The client compiler only, as bin/run and ./mvnw (.mvn/jvm.config) run every lesson: each
                // service starts quicker and costs less CPU, four JVMs on a laptop at a demo's pace.
                "-XX:TieredStopAtLevel=1",
                "-Dfranz.root=" + FranzConfig.repositoryRoot(),
                // The services' own lines are the show; Kafka's client logs only when something is wrong.
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                // Runs mainClass, and stops it if the demo dies (even by kill -9).
                ChildMain.class.getName(), mainClass.getName()));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new ServiceProcess(label, process, out);
    }

    public String label() {
        return label;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the program to end by itself; returns its exit code, or -1 on timeout. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        pump.join(TimeUnit.SECONDS.toMillis(5));
        return process.exitValue();
    }

    /**
     * Waits until the program prints a line containing {@code text}; returns that line, or null when
     * the program ended or {@code timeout} passed first.
     */
    public String awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (line.contains(text)) {
                        return line;
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !process.isAlive() && !pump.isAlive()) {
                    return null;
                }
                lines.wait(Math.min(left, 200));
            }
        }
    }

    /** Ctrl-C, in effect: SIGTERM runs the program's shutdown hook, which commits and closes. */
    public int stop() throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of its output, losing its last lines.
        process.toHandle().destroy();
        int exitCode = waitFor(STOP_TIMEOUT);
        if (exitCode == -1) {
            kill();
        }
        return exitCode;
    }

    /** kill -9: no shutdown hook, no commit, no close; what a crash looks like to Kafka. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }

    private void copyLines(PrintStream out) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.printf("%-13s| %s%n", label, line);
                synchronized (lines) {
                    lines.addLast(line);
                    if (lines.size() > KEPT_LINES) {
                        lines.removeFirst();
                    }
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            out.printf("%-13s| (output lost: %s)%n", label, e.getMessage());
        }
    }
}
