package dev.franz.localkafka;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.common.Uuid;

import dev.franz.embedded.BrokerStartException;

/**
 * A real multi-broker cluster on this machine: one controller and N brokers, each a separate JVM
 * process (so a broker can be stopped, or killed with {@code kill -9}, while the others go on).
 * Each node logs to {@code node-<id>.log} in the cluster's data directory.
 */
public final class LocalCluster implements AutoCloseable {

    /** A node's process and where it listens. */
    public record Node(int id, boolean controller, int port, Process process, Path log) {
        public long pid() {
            return process.pid();
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** A controlled shutdown takes 1-3 s here; longer means the controller does not answer. */
    private static final Duration BROKER_STOP_TIMEOUT = Duration.ofSeconds(8);
    private static final Duration CONTROLLER_STOP_TIMEOUT = Duration.ofSeconds(3);

    private final Node controller;
    private final List<Node> brokers;

    private LocalCluster(Node controller, List<Node> brokers) {
        this.controller = controller;
        this.brokers = brokers;
    }

    /**
     * Starts the controller, then {@code brokerCount} brokers on {@code firstPort}, {@code firstPort + 1}, ...
     * and returns once every broker serves. Data survives restarts in {@code dataDir}.
     */
    public static LocalCluster start(int brokerCount, int firstPort, int controllerPort, Path dataDir)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        String clusterId = clusterId(dataDir);
        List<Node> started = new ArrayList<>();
        try {
            Node controller = launch(0, true, 0, controllerPort, brokerCount, clusterId, dataDir);
            started.add(controller);
            awaitReady(controller);
            List<Node> brokers = new ArrayList<>();
            for (int id = 1; id <= brokerCount; id++) {
                Node broker = launch(id, false, firstPort + id - 1, controllerPort, brokerCount, clusterId, dataDir);
                started.add(broker);
                brokers.add(broker);
            }
            for (Node broker : brokers) {
                awaitReady(broker);
            }
            return new LocalCluster(controller, List.copyOf(brokers));
        } catch (IOException | InterruptedException | RuntimeException e) {
            started.forEach(node -> node.process().destroyForcibly());
            throw e;
        }
    }

    public String bootstrapServers() {
        return brokers.stream().map(b -> "localhost:" + b.port()).collect(Collectors.joining(","));
    }

    public Node controller() {
        return controller;
    }

    public List<Node> brokers() {
        return brokers;
    }

    /** A crash, as {@code kill -9}: no shutdown hook, no controlled shutdown. */
    public void kill(int brokerId) throws InterruptedException {
        Process process = brokers.get(brokerId - 1).process();
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Brokers one at a time, each handing its partition leaderships to the brokers still running
     * (stopped all at once, each would wait for the others), then the controller. Within 20 s in any
     * state: a broker's controlled shutdown needs the controller, so with the controller gone (or not
     * answering) the brokers are stopped without it, as after a crash (their logs are recovered at
     * the next start), and one line says so.
     */
    @Override
    public void close() throws InterruptedException {
        for (Node broker : brokers) {
            if (!controller.process().isAlive()) {
                System.out.println("  controller gone: brokers stopped without handing over leadership");
                stopAllAtOnce();
                return;
            }
            if (!stop(broker, BROKER_STOP_TIMEOUT)) {
                System.out.println("  controller not answering: brokers stopped without handing over leadership");
                stopAllAtOnce();
                break;
            }
        }
        stop(controller, CONTROLLER_STOP_TIMEOUT);
    }

    /** The brokers still running, killed together (a controlled shutdown would wait for the controller). */
    private void stopAllAtOnce() throws InterruptedException {
        List<Node> running = brokers.stream().filter(b -> b.process().isAlive()).toList();
        long startedAt = System.nanoTime();
        running.forEach(b -> b.process().destroyForcibly());
        for (Node broker : running) {
            broker.process().waitFor(CONTROLLER_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            System.out.printf("  broker %d stopped in %.1f s (killed)%n", broker.id(), (System.nanoTime() - startedAt) / 1e9);
        }
        stop(controller, CONTROLLER_STOP_TIMEOUT);
    }

    /** SIGTERM, then SIGKILL after {@code timeout}; true if the node stopped on its own. */
    private static boolean stop(Node node, Duration timeout) throws InterruptedException {
        if (!node.process().isAlive()) {
            return true;
        }
        long startedAt = System.nanoTime();
        node.process().destroy(); // SIGTERM: the node's shutdown hook runs a controlled shutdown
        boolean clean = node.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!clean) {
            node.process().destroyForcibly().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        System.out.printf("  %s %d stopped in %.1f s%s%n", node.controller() ? "controller" : "broker", node.id(),
                (System.nanoTime() - startedAt) / 1e9, clean ? "" : " (killed after " + timeout.toSeconds() + " s)");
        return clean;
    }

    private static Node launch(int id, boolean controller, int port, int controllerPort, int brokers, String clusterId,
                               Path dataDir) throws IOException {
        Path log = dataDir.resolve("node-" + id + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                // The client compiler only and the serial collector: four JVMs start at once on a
                // laptop; measured on 2 cores, a 3-broker cluster ready in 12 s instead of 19.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", classpath(), ClusterNodeMain.class.getName(),
                "--node-id", String.valueOf(id), "--port", String.valueOf(port),
                "--controller-port", String.valueOf(controllerPort), "--brokers", String.valueOf(brokers),
                "--cluster-id", clusterId, "--data-dir", dataDir.resolve("node-" + id).toString()));
        if (controller) {
            command.add("--controller");
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        return new Node(id, controller, controller ? controllerPort : port, process, log);
    }

    private static void awaitReady(Node node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.readString(node.log(), StandardCharsets.UTF_8).contains(ClusterNodeMain.READY)) {
            if (!node.process().isAlive() || System.nanoTime() > deadline) {
                throw new BrokerStartException("Node " + node.id() + " did not start. Its log, " + node.log() + ":\n"
                        + Files.readString(node.log(), StandardCharsets.UTF_8).strip());
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling a log file
        }
    }

    /** Every node of a cluster is formatted with the same id; kept for restarts. */
    private static String clusterId(Path dataDir) throws IOException {
        Path file = dataDir.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id, StandardCharsets.UTF_8);
        return id;
    }

    /** This program's class path: under {@code exec:java} the project's, not Maven's own. */
    private static String classpath() {
        if (LocalCluster.class.getClassLoader() instanceof URLClassLoader loader) {
            List<String> paths = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    paths.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException("Unexpected class path entry " + url, e);
                }
            }
            return String.join(File.pathSeparator, paths);
        }
        return System.getProperty("java.class.path");
    }
}
