package dev.franz.liveview;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.franz.common.cli.BindAddress;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.BrokerUnreachableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./mvnw -q compile exec:java -pl live-view}: a page to keep open beside the terminals while
 * doing the lessons, at http://localhost:8088. It shows topics and partitions as logs (log start,
 * high watermark, last stable offset), the newest records coloured by key, aborted records and
 * transaction markers, groups of every kind with their members, partitions, committed offsets and
 * lag, and a timeline of rebalances.
 *
 * <p>Reading path: this class is the command line and the shutdown; {@link KafkaWatcher} makes the
 * Kafka clients (an Admin client and consumers that join no group) and names the file of each thing
 * it watches; {@link WebServer} serves the page and pushes what the watcher saw; the page itself is
 * in {@code src/main/resources/live-view}.
 */
@Command(name = "live-view", mixinStandardHelpOptions = true, version = "live-view (Franz)",
        description = "Watch Kafka work in the browser: topics, partitions, records, groups, lag and rebalances,"
                + " live. Read-only: it joins no group, commits nothing, creates no topic, changes no setting.")
public final class LiveView implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8088", converter = Numbers.Port.class,
            description = "Port of the web page (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", converter = BindAddress.class,
            description = "Address to serve on (default: ${DEFAULT-VALUE}, this machine only). 0.0.0.0 shows your"
                    + " topics' records to anyone who can reach this machine.")
    String bind;

    @Option(names = "--records-per-partition", paramLabel = "N", defaultValue = "20",
            converter = RecordsPerPartition.class,
            description = "Newest records kept and shown per partition, 1 to 200 (default: ${DEFAULT-VALUE}).")
    int recordsPerPartition;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new LiveView(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        FranzConfig config = configOptions.load();
        String notSet = MemoryFootprint.keepSmall();
        if (!notSet.isEmpty()) {
            out.println("This JVM did not accept " + notSet + ": the live view may keep more memory than it uses.");
        }
        try {
            BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        } catch (BrokerUnreachableException e) {
            // Unlike a lesson, the live view starts anyway: the page says the same, and shows the
            // cluster as soon as a broker answers.
            out.println(e.getMessage());
            out.println("The live view starts anyway and keeps trying; the page says so until a broker answers.");
        }
        Level3Flow.Topics flowTopics = new Level3Flow.Topics(config.topic(ConfigKey.TOPIC_ORDERS),
                config.topic(ConfigKey.TOPIC_PAYMENTS), config.topic(ConfigKey.TOPIC_ORDERS_DLT),
                config.topic(ConfigKey.TOPIC_NOTIFICATIONS));
        KafkaWatcher watcher = new KafkaWatcher(config.clientProperties(), config.bootstrapServers(), recordsPerPartition,
                flowTopics, out);
        RecordText recordText = new RecordText(config.schemaRegistryUrl(), config.schemaRegistryBasicAuth());
        WebServer server = WebServer.start(watcher, recordText, bind, port);
        watcher.start();

        String host = bind.equals("127.0.0.1") || bind.equals("0.0.0.0") ? "localhost" : bind;
        out.printf("Live view of %s at http://%s:%d  (Ctrl-C to stop)%n", config.bootstrapServers(), host, server.port());
        out.println("  read-only: it joins no group, commits nothing, creates no topic, changes no setting");
        String exposure = LocalRequests.exposure(bind);
        if (exposure != null) {
            out.println(exposure);
        }

        // Ctrl-C (SIGINT) or SIGTERM runs this hook: the web server stops, then the watcher wakes up
        // its consumers (wakeup() makes a blocked poll() throw WakeupException) and waits for its
        // threads, which close their clients.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping the live view...");
            server.close();
            watcher.close();
            out.println("Live view stopped.");
            stopped.countDown();
        }, "live-view-shutdown"));
        stopped.await();
        return 0;
    }

    /** 1 to 200 records per partition: enough to see keys land, small enough for thousands of partitions. */
    static final class RecordsPerPartition implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int number = new Numbers.PositiveInt().convert(value);
            if (number > 200) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not allowed, it must be from 1 to 200");
            }
            return number;
        }
    }
}
