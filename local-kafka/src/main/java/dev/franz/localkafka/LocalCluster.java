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
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import dev.franz.embedded.BrokerStartException;
import dev.franz.embedded.ClientMetrics;
import dev.franz.embedded.ClusterNode;

/**
 * A real multi-broker cluster on this machine: one or three controllers and N brokers, each a
 * separate JVM process (so a node can be stopped, or killed with {@code kill -9}, while the others
 * go on). Each node logs to {@code node-<id>.log} in the cluster's data directory.
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
    /** One controller is node 0; three are nodes 100, 101 and 102 (brokers are 1 to 9). */
    private static final int FIRST_OF_THREE_CONTROLLERS = 100;

    private final List<Node> controllers;
    private final List<Node> brokers;

    private LocalCluster(List<Node> controllers, List<Node> brokers) {
        this.controllers = controllers;
        this.brokers = brokers;
    }

    /**
     * Starts {@code controllerCount} controllers (1 or 3) on {@code firstControllerPort}, ... and
     * {@code brokerCount} brokers on {@code firstPort}, {@code firstPort + 1}, ..., and returns once
     * every node serves. Data survives restarts in {@code dataDir}.
     */
    public static LocalCluster start(int brokerCount, int controllerCount, int firstPort, int firstControllerPort,
                                     Path dataDir) throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        String clusterId = clusterId(dataDir);
        int[] controllerIds = controllerIds(controllerCount);
        int[] controllerPorts = IntStream.range(0, controllerCount).map(i -> firstControllerPort + i).toArray();
        String voters = ClusterNode.voters(controllerIds, controllerPorts);
        List<Node> started = new ArrayList<>();
        try {
            // All controllers at once: a quorum of three elects its leader once two of them run.
            List<Node> controllers = new ArrayList<>();
            for (int i = 0; i < controllerCount; i++) {
                Node controller = launch(controllerIds[i], true, controllerPorts[i], voters, brokerCount, clusterId,
                        dataDir);
                started.add(controller);
                controllers.add(controller);
            }
            for (Node controller : controllers) {
                awaitReady(controller);
            }
            List<Node> brokers = new ArrayList<>();
            for (int id = 1; id <= brokerCount; id++) {
                Node broker = launch(id, false, firstPort + id - 1, voters, brokerCount, clusterId, dataDir);
                started.add(broker);
                brokers.add(broker);
            }
            for (Node broker : brokers) {
                awaitReady(broker);
            }
            LocalCluster cluster = new LocalCluster(List.copyOf(controllers), List.copyOf(brokers));
            // Every client then pushes its own metrics to the brokers (KIP-714): see ClientMetrics.
            Properties client = new Properties();
            client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            ClientMetrics.setUp(client, ClientMetrics.DEFAULT_INTERVAL_MS);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            started.forEach(node -> node.process().destroyForcibly());
            throw e;
        }
    }

    /** The controller ids of a quorum of {@code count}: node 0 alone, or nodes 100, 101, 102. */
    static int[] controllerIds(int count) {
        return count == 1 ? new int[] {0}
                : IntStream.range(0, count).map(i -> FIRST_OF_THREE_CONTROLLERS + i).toArray();
    }

    /**
     * How many controllers the cluster kept in {@code dataDir} was made with (0: no cluster there
     * yet). Its quorum is in its metadata: a restart must start the same controllers.
     */
    static int controllersIn(Path dataDir) {
        if (Files.isDirectory(dataDir.resolve("node-0"))) {
            return 1;
        }
        if (Files.isDirectory(dataDir.resolve("node-" + FIRST_OF_THREE_CONTROLLERS))) {
            return 3;
        }
        return 0;
    }

    public String bootstrapServers() {
        return brokers.stream().map(b -> "localhost:" + b.port()).collect(Collectors.joining(","));
    }

    public List<Node> controllers() {
        return controllers;
    }

    public List<Node> brokers() {
        return brokers;
    }

    /** How many controllers still run. */
    public int controllersAlive() {
        return (int) controllers.stream().filter(c -> c.process().isAlive()).count();
    }

    /** True while a majority of the controllers run: the quorum can elect a leader and decide. */
    public boolean hasQuorum() {
        return controllersAlive() > controllers.size() / 2;
    }

    /**
     * The quorum's leader, the active controller, as the brokers report it ({@code
     * describeMetadataQuorum()}); empty if none answers within {@code timeout}.
     */
    public OptionalInt activeController(Duration timeout) {
        return activeControllerOtherThan(-1, timeout);
    }

    /**
     * The active controller once it is not {@code gone} (whose end the quorum may not have noticed
     * yet), asked five times a second with one Admin client; empty if none within {@code timeout}.
     */
    public OptionalInt activeControllerOtherThan(int gone, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline && hasQuorum()) {
                try {
                    int leader = admin.describeMetadataQuorum().quorumInfo()
                            .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).leaderId();
                    if (leader >= 0 && leader != gone) {
                        return OptionalInt.of(leader);
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // no answer yet: ask again
                }
                TimeUnit.MILLISECONDS.sleep(200); // pacing the question, not waiting for a fixed time
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OptionalInt.empty();
    }

    /** A crash, as {@code kill -9}: no shutdown hook, no controlled shutdown. */
    public void kill(int brokerId) throws InterruptedException {
        Process process = brokers.get(brokerId - 1).process();
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Brokers one at a time, each handing its partition leaderships to the brokers still running
     * (stopped all at once, each would wait for the others), then the controllers. Within 20 s in
     * any state: a broker's controlled shutdown needs an active controller, so without a majority of
     * controllers (or with one not answering) the brokers are stopped without it, as after a crash
     * (their logs are recovered at the next start), and one line says so.
     */
    @Override
    public void close() throws InterruptedException {
        for (Node broker : brokers) {
            if (!hasQuorum()) {
                System.out.println(controllers.size() == 1
                        ? "  controller gone: brokers stopped without handing over leadership"
                        : "  no majority of controllers left: brokers stopped without handing over leadership");
                stopAllAtOnce();
                return;
            }
            if (!stop(broker, BROKER_STOP_TIMEOUT)) {
                System.out.println("  controller not answering: brokers stopped without handing over leadership");
                stopAllAtOnce();
                return;
            }
        }
        stopControllers();
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
        stopControllers();
    }

    /** The controllers together: once the brokers are gone nothing needs them. */
    private void stopControllers() throws InterruptedException {
        List<Node> running = controllers.stream().filter(c -> c.process().isAlive()).toList();
        long startedAt = System.nanoTime();
        running.forEach(c -> c.process().destroy()); // SIGTERM
        for (Node controller : running) {
            boolean clean = controller.process().waitFor(CONTROLLER_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!clean) {
                controller.process().destroyForcibly().waitFor(CONTROLLER_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            System.out.printf("  controller %d stopped in %.1f s%s%n", controller.id(),
                    (System.nanoTime() - startedAt) / 1e9,
                    clean ? "" : " (killed after " + CONTROLLER_STOP_TIMEOUT.toSeconds() + " s)");
        }
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

    private static Node launch(int id, boolean controller, int port, String voters, int brokers, String clusterId,
                               Path dataDir) throws IOException {
        Path log = dataDir.resolve("node-" + id + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                // The client compiler only and the serial collector: four to six JVMs start at once
                // on a laptop; measured on 2 cores, a 3-broker cluster ready in 12 s instead of 19.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", classpath(), ClusterNodeMain.class.getName(),
                "--node-id", String.valueOf(id), "--port", String.valueOf(port),
                "--quorum-voters", voters, "--brokers", String.valueOf(brokers),
                "--cluster-id", clusterId, "--data-dir", dataDir.resolve("node-" + id).toString()));
        if (controller) {
            command.add("--controller");
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        return new Node(id, controller, port, process, log);
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
