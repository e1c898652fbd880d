package dev.franz.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Franz program in a JVM of its own, as a learner runs it, for the tests that kill it, stop it or
 * watch its children: started with the test's class path, its output collected line by line.
 */
public record TestProcesses(Process process, List<String> lines) {

    /** Starts {@code mainClass} with {@code args}; stderr goes with stdout. */
    public static TestProcesses java(Class<?> mainClass, String... args) throws IOException {
        return java(List.of(), mainClass, args);
    }

    /** Like {@link #java(Class, String...)}, with JVM options such as {@code -Dfranz.root=...}. */
    public static TestProcesses java(List<String> jvmOptions, Class<?> mainClass, String... args) throws IOException {
        return java(System.getProperty("java.class.path"), jvmOptions, mainClass.getName(), args);
    }

    /**
     * A program with a class path of its own, not the test's: Level 5's Connect worker runs another Kafka
     * version than the tests (local-connect writes its class path to target/worker-classpath.txt).
     */
    public static TestProcesses java(String classPath, List<String> jvmOptions, String mainClass, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The client compiler only, as bin/run starts a program: a short run starts sooner.
                "-XX:TieredStopAtLevel=1", "-cp", classPath));
        command.addAll(jvmOptions);
        command.add(mainClass);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output lost: " + e.getMessage() + ")");
            }
        }, "output of " + mainClass.substring(mainClass.lastIndexOf('.') + 1));
        reader.setDaemon(true);
        reader.start();
        return new TestProcesses(process, lines);
    }

    /**
     * The live processes whose command line contains {@code text} (a data directory, a main class),
     * whoever their parent is now. Read from {@code /proc}: {@code ProcessHandle.Info.commandLine()}
     * stops at 4,096 bytes, before the main class of a JVM with a long class path.
     */
    public static List<ProcessHandle> runningWith(String text) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(p.pid()).contains(text)).toList();
    }

    private static String commandLine(long pid) {
        try {
            return new String(java.nio.file.Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException gone) {
            return "";
        }
    }

    /**
     * The sockets on these local ports, from {@code /proc/net/tcp} and {@code tcp6}: "port state"
     * (0A listening, 01 established, 06 time-wait, ...), to explain why a port is not free.
     */
    public static List<String> listeners(List<Integer> ports) {
        List<String> found = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : java.nio.file.Files.readAllLines(Path.of(table))) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 3 && fields[1].contains(":")) {
                        int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16);
                        if (ports.contains(port)) {
                            found.add(port + " " + fields[3] + " to " + fields[2]);
                        }
                    }
                }
            } catch (IOException | NumberFormatException unreadable) {
                found.add(table + " unreadable");
            }
        }
        return found;
    }

    /**
     * True if a process listens on {@code port} (a LISTEN socket in {@code /proc/net/tcp} or
     * {@code tcp6}). Unlike connecting to it, asking creates no socket: a connection attempt to a port
     * nobody listens on can pick that very port as its own and connect to itself (TCP simultaneous
     * open), and its TIME_WAIT then keeps the port from being bound for a minute.
     */
    public static boolean listening(int port) {
        return listeners(List.of(port)).stream().anyMatch(socket -> socket.startsWith(port + " 0A "));
    }

    /** True once a line containing {@code text} was printed. */
    public boolean printed(String text) {
        return lines.stream().anyMatch(line -> line.contains(text));
    }
}
