package dev.franz.localkafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.franz.childjvm.StarterWatch;
import dev.franz.embedded.BrokerStartException;
import dev.franz.embedded.ClusterNode;
import dev.franz.embedded.EmbeddedKafkaBroker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * One node of {@code local-kafka --brokers N}, in its own JVM so that it can be stopped or killed on
 * its own. Started by {@link LocalCluster}; prints {@value #READY} once it serves.
 */
@Command(name = "cluster-node", mixinStandardHelpOptions = true, description = "One node of a local cluster.")
public final class ClusterNodeMain implements Callable<Integer> {

    static final String READY = "NODE READY";
    private static final Duration ORPHAN_CLOSE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration ORPHAN_DEADLINE = Duration.ofSeconds(3);

    @Option(names = "--node-id", required = true)
    int nodeId;

    @Option(names = "--controller", description = "The controller node (else a broker).")
    boolean controller;

    @Option(names = "--port", required = true, description = "The broker's client port, or the controller's own.")
    int port;

    @Option(names = "--quorum-voters", required = true, description = "Every controller, as id@host:port,...")
    String quorumVoters;

    @Option(names = "--brokers", required = true)
    int brokers;

    @Option(names = "--cluster-id", required = true)
    String clusterId;

    @Option(names = "--data-dir", required = true)
    Path dataDir;

    public static void main(String[] args) {
        // First of all: if local-kafka ends (kill -9, a closed terminal), this node ends too, even
        // while it is still starting, rather than hold its ports for good.
        StarterWatch.stopWhenStarterEnds("local-kafka, which started this node, has ended: stopping.",
                ORPHAN_DEADLINE);
        System.exit(new CommandLine(new ClusterNodeMain()).setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof BrokerStartException) { // port in use, ...: the reason, which local-kafka shows
                commandLine.getErr().println(e.getMessage());
                return 1;
            }
            throw e;
        }).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        // Ctrl-C in local-kafka's terminal reaches every process of the terminal, this one too. Ignore
        // it: local-kafka stops the nodes itself, brokers one by one and then the controller, which a
        // simultaneous stop of all nodes would not do cleanly. kill (SIGTERM) still stops this node.
        Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
        ClusterNode node = new ClusterNode(nodeId, controller, port, quorumVoters, brokers, clusterId, dataDir);
        EmbeddedKafkaBroker server = EmbeddedKafkaBroker.startClusterNode(node, Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (kill, or Ctrl-C on local-kafka): a controlled shutdown. kill -9 skips this: a crash.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Thread closing = new Thread(server::close, "cluster-node-close");
            closing.start();
            try {
                // Orphaned, every node stops at once and a broker's controlled shutdown would wait for a
                // controller that is stopping too: give it a few seconds, then exit (the logs are
                // recovered at the next start, as after a crash).
                closing.join(StarterWatch.starterGone() ? ORPHAN_CLOSE_TIMEOUT.toMillis() : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }, "cluster-node-shutdown"));
        System.out.println(READY);
        stopped.await();
        return 0;
    }
}
