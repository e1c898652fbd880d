package dev.franz.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * One real Apache Kafka node in KRaft mode, started in this JVM from the Kafka server jars on Maven
 * Central. The node is both broker (serves clients on {@code port}) and controller (keeps the cluster
 * metadata, on {@code controllerPort}), which is how a single-node development cluster runs.
 *
 * <p>Used by {@code mvn exec:java -pl local-kafka} and, when Docker is absent, by the integration tests.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final String HOST = "localhost";
    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final int port;
    private final Path dataDir;
    private final boolean formattedNow;
    private final LocalSecurity security;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, int port, Path dataDir, boolean formattedNow,
                                LocalSecurity security) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
        this.formattedNow = formattedNow;
        this.security = security;
    }

    /**
     * Formats {@code dataDir} if it is new, then starts the node and returns once it serves clients.
     *
     * @param extraProperties broker settings that override the defaults below (may be empty)
     * @throws BrokerStartException with a message for a person: port in use, data dir locked, ...
     */
    public static EmbeddedKafkaBroker start(int port, int controllerPort, Path dataDir,
                                            Map<String, String> extraProperties) {
        requirePortFree(port, "client port");
        requirePortFree(controllerPort, "controller port");
        Path absoluteDataDir = dataDir.toAbsolutePath().normalize();
        if (LocalSecurity.isSecured(absoluteDataDir)) {
            throw new BrokerStartException("The data directory " + absoluteDataDir + " belongs to a secured broker"
                    + " (local-kafka --secure): start it with --secure, or add --reset to wipe it.");
        }
        Properties props = serverProperties(port, controllerPort, absoluteDataDir);
        props.putAll(extraProperties);
        // A single node with a dynamic quorum of one voter: itself.
        boolean formattedNow = formatStorageIfNew(props, absoluteDataDir, Uuid.randomUuid().toString(), true, List.of());
        EmbeddedKafkaBroker broker = startServer(props, port, controllerPort, absoluteDataDir, formattedNow, null);
        broker.setUpClientMetrics(props);
        return broker;
    }

    /**
     * Like {@link #start}, secured: TLS and SCRAM for clients, ACLs with deny by default (see
     * {@link LocalSecurity}). The certificates, users and client files are made in {@code dataDir} on the
     * first start and kept.
     *
     * @throws BrokerStartException also when {@code dataDir} holds a broker formatted without security
     */
    public static EmbeddedKafkaBroker startSecure(int port, int controllerPort, Path dataDir,
                                                  Map<String, String> extraProperties) {
        requirePortFree(port, "client port");
        requirePortFree(controllerPort, "controller port");
        Path absoluteDataDir = dataDir.toAbsolutePath().normalize();
        if (Files.exists(absoluteDataDir.resolve("meta.properties")) && !LocalSecurity.isSecured(absoluteDataDir)) {
            // Its users would be missing: SCRAM credentials are written when the storage is formatted.
            throw new BrokerStartException("The data directory " + absoluteDataDir + " was formatted without"
                    + " --secure, so it has no users. Add --reset to wipe it and start a secured broker there, or"
                    + " use another --data-dir.");
        }
        LocalSecurity security = LocalSecurity.prepare(absoluteDataDir);
        Properties props = serverProperties(port, controllerPort, absoluteDataDir);
        props.putAll(security.brokerProperties(HOST, port, controllerPort));
        // The receiver writes what clients push as the broker's own user.
        props.putAll(ClientMetrics.brokerProperties(HOST + ":" + port,
                security.clientProperties(LocalSecurity.BROKER_USER)));
        props.putAll(extraProperties);
        boolean formattedNow = formatStorageIfNew(props, absoluteDataDir, Uuid.randomUuid().toString(), true,
                security.scramFormatArguments());
        EmbeddedKafkaBroker broker = startServer(props, port, controllerPort, absoluteDataDir, formattedNow, security);
        broker.setUpClientMetrics(props);
        return broker;
    }

    /** Starts a secured node on two ports nothing else uses: for tests. */
    public static EmbeddedKafkaBroker startSecureOnFreePorts(Path dataDir, Map<String, String> extraProperties) {
        return startSecure(freePort(), freePort(), dataDir, extraProperties);
    }

    /**
     * Starts one node of a multi-node cluster: a controller-only or a broker-only node, each usually
     * in its own process, sharing {@code clusterId} and a static quorum of controllers.
     *
     * @param node what the node is, where it listens and which controllers it talks to
     */
    public static EmbeddedKafkaBroker startClusterNode(ClusterNode node, Map<String, String> extraProperties) {
        int port = node.port();
        requirePortFree(port, node.isController() ? "controller port" : "client port");
        Path absoluteDataDir = node.dataDir().toAbsolutePath().normalize();
        Properties props = node.serverProperties(absoluteDataDir);
        props.putAll(extraProperties);
        boolean formattedNow = formatStorageIfNew(props, absoluteDataDir, node.clusterId(), false, List.of());
        return startServer(props, port, port, absoluteDataDir, formattedNow, null);
    }

    private static EmbeddedKafkaBroker startServer(Properties props, int port, int controllerPort, Path dataDir,
                                                   boolean formattedNow, LocalSecurity security) {
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            server.awaitShutdown();
            throw startFailure(e, port, controllerPort, dataDir);
        }
        return new EmbeddedKafkaBroker(server, port, dataDir, formattedNow, security);
    }

    /**
     * The client-metrics subscription and topic (see {@link ClientMetrics}); a node that cannot set them
     * up is stopped, like one that cannot start.
     */
    private void setUpClientMetrics(Properties props) {
        try {
            ClientMetrics.setUp(ClientMetrics.clientProperties(props), ClientMetrics.intervalMs(props));
        } catch (BrokerStartException e) {
            close();
            throw e;
        }
    }

    /** Starts on two ports nothing else uses: for tests and benchmarks that run beside other brokers. */
    public static EmbeddedKafkaBroker startOnFreePorts(Path dataDir, Map<String, String> extraProperties) {
        return start(freePort(), freePort(), dataDir, extraProperties);
    }

    /** The address clients use, e.g. {@code localhost:9092}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The users, passwords and client files of a secured broker; empty for a plaintext one. */
    public Optional<LocalSecurity> security() {
        return Optional.ofNullable(security);
    }

    /** True if this start formatted a new data directory; false if it found earlier data. */
    public boolean formattedNow() {
        return formattedNow;
    }

    /**
     * Controlled shutdown: the node hands off its partitions and flushes its logs. A second call does
     * nothing.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            ClientMetricsReceiver.stopWriting(bootstrapServers());
            server.shutdown();
            server.awaitShutdown();
        }
    }

    static Properties serverProperties(int port, int controllerPort, Path dataDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        // What the broker tells clients to connect to after their first (bootstrap) request.
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        // A dynamic KRaft quorum of one voter: this node (formatted with --standalone below).
        p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        p.put("log.dirs", dataDir.toString());
        // One node cannot hold three copies: the internal topics (consumer offsets, transactions,
        // share groups) must use replication factor 1 here. Real clusters keep the default of 3.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // A consumer group normally waits 3 s for more members before the first assignment.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Like most production clusters: topics are created on purpose (the lessons do it with the
        // Admin API), not as a side effect of a typo in a producer's topic name.
        p.put("auto.create.topics.enable", "false");
        // Clients push their own metrics to this broker (KIP-714); the course's receiver keeps them.
        p.putAll(ClientMetrics.brokerProperties(HOST + ":" + port, new Properties()));
        return p;
    }

    /**
     * What {@code kafka-storage.sh format --ignore-formatted} does; {@code --standalone} for a single
     * node with a dynamic quorum, without it where {@code controller.quorum.voters} lists the quorum.
     */
    private static boolean formatStorageIfNew(Properties props, Path dataDir, String clusterId, boolean standalone,
                                              List<String> extraArguments) {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return false;
        }
        Path configFile = null;
        try {
            Files.createDirectories(dataDir);
            configFile = Files.createTempFile("franz-kafka-server", ".properties");
            try (Writer out = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
                props.store(out, "written by Franz to format the storage");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            List<String> args = new ArrayList<>(List.of("format", "--cluster-id", clusterId, "--config",
                    configFile.toString(), "--ignore-formatted"));
            if (standalone) {
                args.add("--standalone");
            }
            args.addAll(extraArguments);
            int exitCode = StorageTool.execute(args.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
            if (exitCode != 0) {
                throw new BrokerStartException("Could not format Kafka storage in " + dataDir + ":\n"
                        + output.toString(StandardCharsets.UTF_8).strip());
            }
            return true;
        } catch (IOException e) {
            throw new BrokerStartException("Could not prepare the data directory " + dataDir + ": " + e, e);
        } finally {
            if (configFile != null) {
                configFile.toFile().delete();
            }
        }
    }

    /**
     * A port nothing listens on right now (the system picks it, then it is released): for brokers
     * started beside others, and for tests that need a closed port.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new BrokerStartException("Could not find a free port: " + e, e);
        }
    }

    /** Fails in milliseconds with a clear message, instead of a BindException seconds into startup. */
    private static void requirePortFree(int port, String what) {
        if (!isPortFree(port)) {
            throw new BrokerStartException(portInUseMessage("Port " + port + " (the broker's " + what + ")", port));
        }
    }

    /** True if a broker could bind {@code port} on localhost now. */
    public static boolean isPortFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String portInUseMessage(String which, int port) {
        return which + " is already in use on " + HOST + ".\n"
                + "Probably another Kafka broker holds it: a local-kafka still running in another terminal, or a"
                + " node left behind by one that was killed.\n"
                + "Find it with:  ss -ltnp | grep ':" + port + " '"
                + "   (or: lsof -i -P | grep LISTEN)\n"
                + "Stop it with:  kill <pid>   Or pick other ports with --port / --controller-port.";
    }

    private static BrokerStartException startFailure(RuntimeException e, int port, int controllerPort, Path dataDir) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return new BrokerStartException(portInUseMessage(port == controllerPort ? "Port " + port
                        : "Port " + port + " or " + controllerPort, port), e);
            }
            String message = String.valueOf(cause.getMessage());
            if (message.contains("Failed to acquire lock")) {
                return new BrokerStartException("The data directory " + dataDir
                        + " is in use by another broker process. Stop that broker or use --data-dir.", e);
            }
        }
        return new BrokerStartException("Kafka broker failed to start: " + e.getMessage(), e);
    }
}
