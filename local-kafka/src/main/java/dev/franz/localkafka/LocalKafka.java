package dev.franz.localkafka;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import dev.franz.embedded.BrokerStartException;
import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.embedded.KafkaVersion;
import dev.franz.embedded.LocalSecurity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mvn exec:java -pl local-kafka}: a real Kafka broker on localhost:9092 until Ctrl-C.
 * No download, no Docker: the broker is the Kafka server from Maven Central, running in this JVM.
 */
@Command(name = "local-kafka", mixinStandardHelpOptions = true, versionProvider = LocalKafka.Version.class,
        description = "Starts one real Apache Kafka broker (KRaft mode, broker and controller in one node)"
                + " in this JVM and keeps it running until Ctrl-C. Data survives restarts.")
public final class LocalKafka implements Callable<Integer> {

    /** How long a controller's end waits to see who leads the quorum next. */
    private static final Duration ELECTION_WAIT = Duration.ofSeconds(15);

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092", converter = PortConverter.class,
            description = "Port clients connect to (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", paramLabel = "PORT", converter = PortConverter.class,
            description = "Port of the KRaft controller listener (default: 9093; with --brokers N, the port after"
                    + " the brokers', 9095 for 3, and the next ones for more controllers).")
    Integer controllerPort;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "1", converter = BrokerCountConverter.class,
            description = "1 (default): one node, broker and controller. N > 1: a real cluster of N brokers and its"
                    + " controllers, each its own process, on ports 9092, 9093, ... to watch replication.")
    int brokers;

    @Option(names = "--controllers", paramLabel = "N", converter = ControllerCountConverter.class,
            description = "With --brokers: 1 or 3 KRaft controllers (default: 3 with 3 brokers or more, as production"
                    + " clusters run, so that one can fail and the others elect a new leader; else 1; a cluster kept"
                    + " in --data-dir keeps its own).")
    Integer controllers;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the broker keeps its logs and metadata"
            + " (default: the folder .kafka-data at the repository root; .kafka-cluster with --brokers).")
    Path dataDir;

    @Option(names = "--secure", description = "A secured broker: TLS and SCRAM-SHA-512 for clients, ACLs with deny by"
            + " default, an admin user and one user per Level 3 program, each with a client properties file"
            + " (default data dir: .kafka-secure). See docs/security.md.")
    boolean secure;

    @Option(names = "--reset", description = "Delete all topics, records and offsets first (wipes the data directory).")
    boolean reset;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        int exitCode = new CommandLine(new LocalKafka())
                .setExecutionExceptionHandler(LocalKafka::reportStartFailure)
                .execute(args);
        System.exit(exitCode);
    }

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir
                : defaultDataDir(secure ? ".kafka-secure" : brokers == 1 ? ".kafka-data" : ".kafka-cluster");
        if (secure && brokers != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Option '--secure' runs one node: it cannot be"
                    + " combined with --brokers " + brokers);
        }
        if (brokers == 1 && controllers != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Option '--controllers' needs --brokers 2 or"
                    + " more: a single node is its own controller");
        }
        if (reset) {
            // Wiping the folder of a broker that runs kills it and loses its records: check first.
            int controller = controllerPort != null ? controllerPort : brokers == 1 ? 9093 : port + brokers;
            requireNoBrokerOn(dir, port, controller);
            wipe(dir, out);
        }
        return brokers == 1 ? runOneNode(dir) : runCluster(dir, controllerCount(dir));
    }

    /** --controllers, or what the cluster kept in {@code dir} has, or 3 for 3 brokers or more. */
    private int controllerCount(Path dir) {
        int kept = LocalCluster.controllersIn(dir);
        if (controllers != null && kept != 0 && controllers != kept) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--controllers': the"
                    + " cluster kept in " + shown(dir) + " has " + kept + (kept == 1 ? " controller" : " controllers")
                    + " (its quorum is in its metadata); start it with --controllers " + kept + ", or add --reset for a"
                    + " new, empty cluster");
        }
        if (controllers != null) {
            return controllers;
        }
        return kept != 0 ? kept : brokers >= 3 ? 3 : 1;
    }

    private int runOneNode(Path dir) throws InterruptedException {
        if (stoppedUncleanly(dir)) {
            // A broker writes this marker when it stops cleanly (Ctrl-C here) and deletes it when it starts;
            // without it, the broker checks its log segments first, which takes longer than a usual start.
            out.println("The broker in " + shown(dir) + " did not stop cleanly last time (killed, or the machine went"
                    + " down): it checks its logs before it starts (log recovery), which takes longer than usual.");
        }
        long startedAt = System.nanoTime();
        int controller = controllerPort != null ? controllerPort : 9093;
        EmbeddedKafkaBroker broker = secure ? EmbeddedKafkaBroker.startSecure(port, controller, dir, Map.of())
                : EmbeddedKafkaBroker.start(port, controller, dir, Map.of());
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        printBanner(broker, seconds);

        // Ctrl-C (SIGINT) or SIGTERM runs this hook: a controlled shutdown, so the next start finds
        // every topic, record and committed offset where it was.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping the broker...");
            long stopAt = System.nanoTime();
            broker.close();
            out.printf("Broker stopped in %.1f s. Data kept in %s%n", (System.nanoTime() - stopAt) / 1e9, shown(broker.dataDir()));
            stopped.countDown();
        }, "local-kafka-shutdown"));
        stopped.await();
        return 0;
    }

    private int runCluster(Path dir, int controllerCount) throws Exception {
        long startedAt = System.nanoTime();
        int controller = controllerPort != null ? controllerPort : port + brokers;
        int lastBrokerPort = port + brokers - 1;
        int lastControllerPort = controller + controllerCount - 1;
        if (lastBrokerPort > 65_535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--port': the "
                    + brokers + " brokers need ports " + port + " to " + lastBrokerPort + ", past 65535");
        }
        if (lastControllerPort > 65_535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--controller-port':"
                    + " the " + controllerCount + " controllers need ports " + controller + " to " + lastControllerPort
                    + ", past 65535");
        }
        if (controller <= lastBrokerPort && lastControllerPort >= port) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option"
                    + " '--controller-port': " + (controllerCount == 1 ? controller + " is one of the brokers' ports ("
                    : "the controllers' ports " + controller + " to " + lastControllerPort + " overlap the brokers' (")
                    + port + " to " + lastBrokerPort + "); pick one outside them, e.g. " + (lastBrokerPort + 1));
        }
        LocalCluster cluster = LocalCluster.start(brokers, controllerCount, port, controller, dir);
        String theControllers = controllerCount == 1 ? "the controller" : "the controllers";
        out.printf("%nA %d-broker Apache Kafka %s cluster is running (KRaft: %d %s + %d brokers, each its own"
                + " process), ready in %.1f s%n", brokers, KafkaVersion.get(), controllerCount,
                controllerCount == 1 ? "controller" : "controllers", brokers, (System.nanoTime() - startedAt) / 1e9);
        out.printf("  bootstrap servers : %s%n", cluster.bootstrapServers());
        for (LocalCluster.Node broker : cluster.brokers()) {
            out.printf("  broker %d          : localhost:%d  pid %d  log %s%n", broker.id(), broker.port(), broker.pid(),
                    shown(broker.log()));
        }
        OptionalInt active = controllerCount == 1 ? OptionalInt.empty() : cluster.activeController(Duration.ofSeconds(5));
        for (LocalCluster.Node node : cluster.controllers()) {
            out.printf("  %-18s: localhost:%d  pid %d%s%n", "controller " + node.id(), node.port(), node.pid(),
                    active.isPresent() && active.getAsInt() == node.id() ? "  (active: the quorum's leader)" : "");
        }
        out.println("  new topics        : replication factor " + Math.min(3, brokers) + ", min.insync.replicas "
                + Math.max(1, Math.min(3, brokers) - 1));
        out.println("  stop              : Ctrl-C (stops the brokers, then " + theControllers + "; data is kept)");
        out.println();
        out.println("Stop one broker to watch replication at work:  kill <pid>   (a crash: kill -9 <pid>)");
        if (controllerCount > 1) {
            out.println("Or the active controller, to watch the others elect a new one:  kill -9 <pid>");
        }
        out.println();

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        for (LocalCluster.Node node : cluster.controllers()) {
            node.process().onExit().thenRun(() -> {
                if (!stopping.get()) {
                    out.println(controllerEnded(cluster, node));
                }
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            out.println("Stopping the brokers, then " + theControllers + "...");
            try {
                cluster.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.println("Cluster stopped. Data kept in " + shown(dir));
            stopped.countDown();
        }, "local-cluster-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * What a controller's end means: with a majority left, the others elect a leader (if it was the
     * leader) and the cluster goes on; without one, nothing in the cluster can change.
     */
    private static String controllerEnded(LocalCluster cluster, LocalCluster.Node node) {
        int alive = cluster.controllersAlive();
        int all = cluster.controllers().size();
        if (cluster.hasQuorum()) {
            long from = System.nanoTime();
            OptionalInt leader = cluster.activeControllerOtherThan(node.id(), ELECTION_WAIT);
            String who = leader.isPresent()
                    ? "controller " + leader.getAsInt() + " is the active controller (the quorum's leader), seen "
                            + String.format("%.1f s later", (System.nanoTime() - from) / 1e9)
                    : "no new leader seen within " + ELECTION_WAIT.toSeconds() + " s";
            return "Controller " + node.id() + " (pid " + node.pid() + ") has ended. " + alive + " of " + all
                    + " controllers still run, a majority: " + who + ". The cluster goes on: topics can be created,"
                    + " leaders still move. With one more gone, nothing could change.";
        }
        // Measured with Kafka 4.4.0: the brokers then retry the quorum without pause, using all the
        // CPU they get (docs/replication.md).
        return (all == 1 ? "The controller (pid " + node.pid() + ") has ended"
                : "Controller " + node.id() + " (pid " + node.pid() + ") has ended, leaving " + alive + " of " + all
                        + ", no majority")
                + ": the brokers still serve the partitions they lead, but nothing in the cluster can change (no new"
                + " topics, no new leaders), and with Kafka 4.4.0 they use all the CPU they get, retrying the"
                + " controller. Ctrl-C stops the cluster; start it again to have " + (all == 1 ? "a controller." : "them.");
    }

    private void printBanner(EmbeddedKafkaBroker broker, double seconds) {
        out.printf("%nApache Kafka %s is running (KRaft mode, one node: broker + controller), ready in %.1f s%n",
                KafkaVersion.get(), seconds);
        out.printf("  bootstrap servers : %s%n", broker.bootstrapServers());
        out.printf("  data              : %s (%s)%n", shown(broker.dataDir()),
                broker.formattedNow() ? "new: storage formatted now" : "kept from earlier runs");
        out.println("  stop              : Ctrl-C (data is kept; --reset wipes it)");
        out.println();
        if (broker.security().isPresent()) {
            printSecurity(broker, broker.security().get());
            return;
        }
        out.println("Next, in another terminal at the repository root:");
        out.println("  bin/kafka-topics --bootstrap-server " + broker.bootstrapServers() + " --list   # Kafka's own tools are in bin/");
        out.println("  ./mvnw -q compile exec:java -pl basic-consumer   # Level 1: docs/level-1.md");
        out.println();
    }

    private void printSecurity(EmbeddedKafkaBroker broker, LocalSecurity security) {
        out.println("Secured: clients connect with SASL_SSL (TLS, then SCRAM-SHA-512); the broker's certificate is"
                + " signed by a local CA,");
        out.println("  " + shown(security.caCertificate()) + ", made for the name localhost. ACLs decide the rest:"
                + " no ACL, no access.");
        out.println("  users and their client files (each has the user's password; keep them out of git):");
        for (String user : LocalSecurity.USERS) {
            out.printf("    %-21s %s%s%n", user, shown(security.clientConfig(user)),
                    user.equals(LocalSecurity.ADMIN_USER) ? "   (super user: allowed everything)"
                            : user.equals("guest") ? "   (no ACLs: may do nothing)" : "");
        }
        out.println();
        out.println("Next, in another terminal at the repository root:");
        out.println("  export KAFKA_CLIENT_CONFIG=" + shown(security.clientConfig(LocalSecurity.ADMIN_USER))
                + "   # Franz's programs, as admin");
        out.println("  ./mvnw -q compile exec:java -pl admin-client -Dexec.args=\"acls level-3\"   # each Level 3"
                + " service's ACLs");
        out.println("  bin/kafka-topics --bootstrap-server " + broker.bootstrapServers() + " --command-config "
                + shown(security.clientConfig(LocalSecurity.ADMIN_USER)) + " --list");
        out.println();
    }

    /** Data kept from an earlier run whose broker did not stop cleanly (no {@code .kafka_cleanshutdown}). */
    static boolean stoppedUncleanly(Path dir) {
        return Files.exists(dir.resolve("meta.properties")) && !Files.exists(dir.resolve(".kafka_cleanshutdown"));
    }

    static Path defaultDataDir(String folder) {
        return Path.of(System.getProperty("franz.root", ".")).resolve(folder);
    }

    /** A path as a learner typed it: relative to the current folder when it is inside it. */
    static String shown(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return absolute.startsWith(here) && !absolute.equals(here) ? here.relativize(absolute).toString() : absolute.toString();
    }

    /**
     * Refuses, with one line, to go on when a broker still uses {@code dir} or the ports: a running
     * Kafka node holds a lock on the file {@code .lock} in each of its log directories.
     */
    static void requireNoBrokerOn(Path dir, int port, int controllerPort) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> paths = Files.walk(dir, 3)) {
                for (Path lock : paths.filter(p -> p.getFileName().toString().equals(".lock")).toList()) {
                    if (isLocked(lock)) {
                        throw new BrokerStartException("Refusing to --reset " + shown(dir) + ": a running broker"
                                + " uses it (" + dir.relativize(lock) + " is locked). Stop that broker first (Ctrl-C in"
                                + " its terminal); nothing was deleted.");
                    }
                }
            }
        }
        for (int p : new int[] {port, controllerPort}) {
            if (!EmbeddedKafkaBroker.isPortFree(p)) {
                throw new BrokerStartException("Refusing to --reset " + shown(dir) + ": port " + p
                        + " is in use, probably by a broker that still runs (find it with: ss -ltnp | grep ':" + p
                        + " '). Stop it first; nothing was deleted.");
            }
        }
    }

    private static boolean isLocked(Path lockFile) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true; // another process holds it
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException heldInThisJvm) {
            return true;
        }
    }

    /** Deletes a broker data directory, refusing anything that does not look like one. */
    static void wipe(Path dir, PrintStream out) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        boolean looksLikeKafkaData = Files.exists(dir.resolve("meta.properties")) || Files.exists(dir.resolve("cluster.id"));
        try (Stream<Path> entries = Files.list(dir)) {
            if (!looksLikeKafkaData && entries.findAny().isPresent()) {
                throw new BrokerStartException("Refusing to --reset " + shown(dir)
                        + ": it is not empty and has no meta.properties, so it is not a Kafka data directory.");
            }
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        out.println("Wiped " + shown(dir) + ": starting with no topics.");
    }

    /** A start failure is the learner's to fix (port in use, ...): print the reason, not a stack trace. */
    private static int reportStartFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult)
            throws Exception {
        if (e instanceof BrokerStartException) {
            commandLine.getErr().println(e.getMessage());
            return 1;
        }
        throw e;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"local-kafka with Apache Kafka " + KafkaVersion.get()};
        }
    }

    /** A TCP port: 1 to 65535. */
    static final class PortConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return between(value, 1, 65_535);
        }
    }

    /** 1 or 3 controllers: a quorum needs a majority, so an even count adds nothing. */
    static final class ControllerCountConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String trimmed = value.trim();
            if (trimmed.equals("1") || trimmed.equals("3")) {
                return Integer.parseInt(trimmed);
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not allowed, it must be 1 or 3 (a quorum"
                    + " needs a majority: 3 survive one loss, 2 none)");
        }
    }

    /** 1 (one combined node) to 9 brokers: each is a JVM of about 400 MB. */
    static final class BrokerCountConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return between(value, 1, 9);
        }
    }

    private static int between(String value, int min, int max) {
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not allowed, it must be a whole number from "
                + min + " to " + max);
    }
}
