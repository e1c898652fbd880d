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
import java.util.Locale;
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

    /** How many of its last lines a failure message quotes. */
    static final int LINES_IN_FAILURE = 10;
    /** A longer line is cut in a failure message (a stack trace's lines are shorter). */
    private static final int LONGEST_LINE_IN_FAILURE = 300;

    private final String label;
    private final String program;
    private final Process process;
    private final Thread pump;
    /**
     * The lines printed so far (standard output and error, in the order printed; the newest
     * {@link #KEPT_LINES}), for {@link #awaitLine} and {@link #failure}.
     */
    private final java.util.ArrayDeque<String> lines = new java.util.ArrayDeque<>();
    private static final int KEPT_LINES = 200;

    private ServiceProcess(String label, String program, Process process, PrintStream out) {
        this.label = label;
        this.program = program;
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
        // Standard error joins standard output: one stream, read by one thread, lines kept in order.
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new ServiceProcess(label, programName(mainClass), process, out);
    }

    /** The program's name as a learner knows it, its module's: OrderProducer is order-producer. */
    static String programName(Class<?> mainClass) {
        return mainClass.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    public String label() {
        return label;
    }

    /** Its name as a learner knows it, e.g. order-producer. */
    public String program() {
        return program;
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

    /**
     * What went wrong, for an error message that names the cause by itself: the exit code (or, while
     * the program still runs, {@code stillRunning}) and the program's last lines, e.g.
     * <pre>
     * order-producer failed (exit code 1); its last lines:
     *   Cannot reach Kafka at localhost:9092 ...
     * </pre>
     * Its output was shown as it came, but it may have scrolled away, been mixed with the other
     * services', or never reached a terminal (a CI log, a test): the message does not rely on it.
     */
    public String failure(String stillRunning) throws InterruptedException {
        String what;
        if (process.isAlive()) {
            what = program + " " + stillRunning;
        } else {
            pump.join(TimeUnit.SECONDS.toMillis(5)); // its last lines, read to the end of its output
            int exit = process.exitValue();
            what = program + (exit == 0 ? " stopped" : " failed") + " (exit code " + exit + ")";
        }
        List<String> last = lastLines(LINES_IN_FAILURE);
        if (last.isEmpty()) {
            return what + ", without printing anything.";
        }
        StringBuilder message = new StringBuilder(what).append("; its last lines:");
        for (String line : last) {
            message.append(System.lineSeparator()).append("  ").append(line.length() <= LONGEST_LINE_IN_FAILURE
                    ? line : line.substring(0, LONGEST_LINE_IN_FAILURE) + "...");
        }
        return message.toString();
    }

    /** The newest {@code count} lines it printed (standard output and error), oldest first. */
    List<String> lastLines(int count) {
        synchronized (lines) {
            List<String> all = new ArrayList<>(lines);
            return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
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
            synchronized (lines) {
                lines.addLast("(output lost: " + e.getMessage() + ")");
                lines.notifyAll();
            }
        }
    }
}
