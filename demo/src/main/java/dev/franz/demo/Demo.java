package dev.franz.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

import org.apache.kafka.common.errors.WakeupException;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.embedded.TemporaryDirectory;
import dev.franz.liveview.LiveView;
import dev.franz.notificationservice.NotificationService;
import dev.franz.orderproducer.OrderProducer;
import dev.franz.paymentservice.PaymentService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * Level 3 in one command ({@code bin/demo}): the three services as separate JVMs, their output
 * labelled and interleaved, a handful of orders, then a summary and a clean stop.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, version = "demo (Franz)", sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Runs order-producer, payment-service and notification-service as separate JVMs on a few"
                + " orders, then prints what happened, on a temporary broker of its own.")
public final class Demo implements Callable<Integer> {

    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SERVICE_START_TIMEOUT = Duration.ofSeconds(60);
    /** The live view prints this line, with its address, once its page is served. */
    static final String LIVE_VIEW_READY = "Live view of ";

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "10", converter = Numbers.Positive.class,
            description = "How many orders to place (default: ${DEFAULT-VALUE}).")
    long orders;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "0.5", converter = Numbers.NotNegativeSeconds.class,
            description = "Seconds between orders, 0 or more (default: ${DEFAULT-VALUE}).")
    double intervalSeconds;

    @Option(names = "--live-view", paramLabel = "PORT", arity = "0..1", fallbackValue = "8088",
            converter = Numbers.Port.class,
            description = "Also start the live view on the demo's broker (its web page on PORT, 8088 if not given),"
                    + " and keep broker and live view running after the summary, until Ctrl-C.")
    Integer liveViewPort;

    @Spec
    CommandSpec spec;

    private final PrintStream out = System.out;
    /** The live view's JVM, with --live-view: it outlives the services (also read by the shutdown hook). */
    private final List<ServiceProcess> liveView = new CopyOnWriteArrayList<>();

    /**
     * Where the flow runs: the broker, more configuration arguments for every service (topic names),
     * and the services' consumer groups.
     */
    record Flow(String bootstrapServers, List<String> configArguments, String paymentGroup,
                String notificationGroup) {
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new Demo(), args));
    }

    /**
     * Always on a temporary broker of its own, so that the demo never meets a learner's own services
     * (their groups, transactional ids and topics) on localhost:9092.
     */
    @Override
    public Integer call() throws Exception {
        if (liveViewPort != null) {
            requireLiveViewPortFree(liveViewPort);
        }
        GracefulShutdown shutdown = new GracefulShutdown();
        // Ctrl-C waits for the end of this block: services stopped, temporary broker stopped and deleted.
        try (shutdown) {
            out.println("Starting a temporary broker for this demo (your own broker and services are left alone)...");
            // A directory left by a demo that was killed (kill -9) is deleted here.
            try (TemporaryDirectory data = TemporaryDirectory.create("franz-demo-kafka");
                 EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(data.path(), Map.of())) {
                out.printf("Temporary broker ready at %s (deleted when the demo ends).%n", broker.bootstrapServers());
                try {
                    int exitCode = runFlow(new Flow(broker.bootstrapServers(), List.of(), "payment_service",
                            "notification_service"), shutdown);
                    keepLookingUntilCtrlC(shutdown);
                    return exitCode;
                } finally {
                    stopLiveView(); // also when the flow failed: nothing of the demo outlives it
                }
            }
        }
    }

    /**
     * Before anything starts: the live view's port taken is said here, with the demo's own option (the
     * live view would say it too, but name its own {@code --port}, which the demo does not have).
     */
    private static void requireLiveViewPortFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException inUse) {
            throw new UserFacingException("Port " + port + " (the live view's web page) is already in use on 127.0.0.1.\n"
                    + "Probably a live view still runs in another terminal (bin/run live-view, or another bin/demo --live-view).\n"
                    + "Find it with:  ss -ltnp | grep ':" + port + " '\n"
                    + "Stop it with Ctrl-C in its terminal, or give the demo's live view another port: bin/demo --live-view PORT"
                    + " (for example --live-view " + (port == 65535 ? port - 1 : port + 1) + ").");
        }
    }

    int runFlow(Flow flow, GracefulShutdown shutdown) throws IOException, InterruptedException {
        List<String> connection = new ArrayList<>(List.of("--bootstrap-servers", flow.bootstrapServers()));
        connection.addAll(flow.configArguments());
        ConfigOptions configOptions = new ConfigOptions();
        new CommandLine(configOptions).parseArgs(connection.toArray(String[]::new));
        FranzConfig config = configOptions.load();
        String payments = config.topic(ConfigKey.TOPIC_PAYMENTS);
        for (ConfigKey topic : List.of(ConfigKey.TOPIC_ORDERS, ConfigKey.TOPIC_PAYMENTS, ConfigKey.TOPIC_ORDERS_DLT,
                ConfigKey.TOPIC_NOTIFICATIONS)) {
            Topics.createIfMissing(config, config.topic(topic));
        }

        // Also read by the shutdown hook's thread.
        List<ServiceProcess> services = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        FlowWatcher.Counts counts;
        try (FlowWatcher watcher = new FlowWatcher(config.clientProperties(), payments,
                config.topic(ConfigKey.TOPIC_ORDERS_DLT), config.topic(ConfigKey.TOPIC_NOTIFICATIONS))) {
            shutdown.onExit(() -> {
                stopAll(services);
                stopAll(liveView);
                if (watching.get()) {
                    watcher.wakeup();
                }
            });
            if (liveViewPort != null) {
                liveView.add(startLiveView(connection));
            }
            out.println("Starting payment-service and notification-service, each in its own JVM...");
            services.add(ServiceProcess.start("payment", PaymentService.class,
                    withGroup(connection, flow.paymentGroup()), out));
            services.add(ServiceProcess.start("notification", NotificationService.class,
                    withGroup(connection, flow.notificationGroup()), out));
            awaitGroupsStable(config, services, List.of(flow.paymentGroup(), flow.notificationGroup()));

            List<String> producerArgs = new ArrayList<>(List.of("--count", Long.toString(orders), "--interval", Double.toString(intervalSeconds)));
            producerArgs.addAll(connection);
            ServiceProcess producer = ServiceProcess.start("order", OrderProducer.class, producerArgs, out);
            services.add(producer);
            if (producer.waitFor(FLOW_TIMEOUT) != 0 && !shutdown.requested()) {
                // The cause in the message itself: its output above may be far up, or missing.
                throw new UserFacingException(producer.failure("did not end within " + FLOW_TIMEOUT.toSeconds() + " s"));
            }
            counts = watcher.awaitCompletion(orders, FLOW_TIMEOUT);
        } catch (WakeupException ctrlC) {
            out.println("Stopped (Ctrl-C): the services are stopped.");
            return 130;
        } finally {
            watching.set(false);
            stopAll(services);
        }
        printSummary(counts);
        boolean complete = counts.paid() + counts.deadLettered() == orders;
        return complete ? 0 : 1;
    }

    /**
     * The live view in its own JVM, as {@code live-view} runs in a terminal, on the demo's broker and
     * topics; the orders are placed once its page is served, so that it sees every one.
     */
    private ServiceProcess startLiveView(List<String> connection) throws IOException, InterruptedException {
        out.println("Starting the live view in its own JVM...");
        List<String> arguments = new ArrayList<>(connection);
        arguments.addAll(List.of("--port", Integer.toString(liveViewPort)));
        ServiceProcess liveView = ServiceProcess.start("live-view", LiveView.class, arguments, out);
        String ready = liveView.awaitLine(LIVE_VIEW_READY, SERVICE_START_TIMEOUT);
        if (ready == null) {
            String failure = liveView.failure("did not say it was ready within " + SERVICE_START_TIMEOUT.toSeconds()
                    + " s");
            liveView.close();
            throw new UserFacingException(failure);
        }
        return liveView;
    }

    /** After the summary, with --live-view: broker and live view stay, so that the learner can look around. */
    private void keepLookingUntilCtrlC(GracefulShutdown shutdown) throws InterruptedException {
        if (liveView.isEmpty()) {
            return;
        }
        ServiceProcess page = liveView.get(0);
        if (!shutdown.requested()) {
            out.printf("%nThe broker and the live view keep running: open http://localhost:%d and follow an order."
                    + " Ctrl-C to stop both.%n", liveViewPort);
        }
        while (!shutdown.requested() && page.isAlive()) {
            page.waitFor(Duration.ofMillis(500));
        }
        stopLiveView();
    }

    /** Stops the live view's JVM, if one was started (for the tests, which stop the flow themselves). */
    void stopLiveView() {
        stopAll(liveView);
        liveView.clear();
    }

    private static List<String> withGroup(List<String> arguments, String group) {
        List<String> withGroup = new ArrayList<>(arguments);
        withGroup.addAll(List.of("--group", group));
        return withGroup;
    }

    /**
     * Orders are placed only once both services own their partitions: asks the broker for the
     * groups' state (the Admin API) rather than reading the services' output.
     */
    private void awaitGroupsStable(FranzConfig config, List<ServiceProcess> services, List<String> groups)
            throws InterruptedException {
        long deadline = System.nanoTime() + SERVICE_START_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(config.clientProperties())) {
            while (!allStableWithPartitions(admin, groups)) {
                for (ServiceProcess service : services) {
                    if (!service.isAlive()) {
                        throw new UserFacingException(service.failure("is still running"));
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new UserFacingException("The services did not join their groups " + groups + " within "
                            + SERVICE_START_TIMEOUT.toSeconds() + " s.");
                }
                services.get(0).waitFor(Duration.ofMillis(200));
            }
        }
    }

    private static boolean allStableWithPartitions(Admin admin, List<String> groups) throws InterruptedException {
        try {
            for (ConsumerGroupDescription group : admin.describeConsumerGroups(groups).all().get(5, TimeUnit.SECONDS)
                    .values()) {
                boolean everyMemberHasPartitions = !group.members().isEmpty() && group.members().stream()
                        .allMatch(member -> !member.assignment().topicPartitions().isEmpty());
                if (group.groupState() != GroupState.STABLE || !everyMemberHasPartitions) {
                    return false;
                }
            }
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false; // not there yet: ask again
        }
    }

    private void stopAll(List<ServiceProcess> services) {
        for (ServiceProcess service : services) {
            try {
                service.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void printSummary(FlowWatcher.Counts counts) {
        out.printf("%nSummary: %d orders placed -> %d payments (%d approved, %d declined), %d dead-lettered,"
                        + " %d notifications.%n", orders, counts.paid(), counts.approved(), counts.declined(),
                counts.deadLettered(), counts.notifications());
        out.print("""

                Run each service by hand, each in its own terminal (start a broker first:
                ./mvnw -q compile exec:java -pl local-kafka):
                  ./mvnw -q compile exec:java -pl payment-service
                  ./mvnw -q compile exec:java -pl notification-service
                  ./mvnw -q compile exec:java -pl order-producer -Dexec.args="--count 10 --interval 2"
                """);
    }
}
