package dev.franz.localconnect;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.childjvm.StarterWatch;
import dev.franz.common.UserFacingException;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./mvnw -q compile exec:java -pl local-connect}: one Kafka Connect worker in distributed mode,
 * its REST API on localhost:8083, until Ctrl-C. Connectors are not started here: they are registered
 * through the REST API (outbox's {@code connectors register} does it for Level 5), and the worker keeps
 * them, their settings, their offsets and their status in three topics on the broker, so a restarted
 * worker (or a second one with the same group) carries on where the last one stopped.
 *
 * <p>On its class path: Debezium's PostgreSQL connector and the course's payments sink. This worker
 * is Kafka 4.3.1, one version behind the broker: Debezium 3.6 is built against Kafka 4.3 and its task
 * fails on a 4.4 worker. A worker is a Kafka client, and an older client talks to a newer broker.
 */
@Command(name = "local-connect", mixinStandardHelpOptions = true, version = "local-connect (Franz)",
        description = "Starts one Kafka Connect worker (distributed mode) with Debezium's PostgreSQL connector and"
                + " the course's payments sink, its REST API on localhost, until Ctrl-C.")
public final class LocalConnect implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8083", converter = Numbers.Port.class,
            description = "Port of the REST API, on localhost only (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = "franz-connect",
            description = "The Connect cluster this worker joins (group.id); its topics are named after it:"
                    + " GROUP-configs, GROUP-offsets, GROUP-status (default: ${DEFAULT-VALUE}).")
    String group;

    /** For the tests and the benchmark that start the worker as a child JVM: it ends with them. */
    @Option(names = "--stop-with-starter", hidden = true)
    boolean stopWithStarter;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        // Debezium logs each step of its tasks at INFO: the worker's log keeps its warnings and errors (before
        // the first logger is made; -Dorg.slf4j.simpleLogger.log.io.debezium=info brings them back).
        if (System.getProperty("org.slf4j.simpleLogger.log.io.debezium") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.debezium", "warn");
        }
        System.exit(Cli.run(new LocalConnect(), args));
    }

    @Override
    public Integer call() throws Exception {
        if (stopWithStarter) {
            StarterWatch.stopWhenStarterEnds("The program that started this worker has ended: stopping.",
                    Duration.ofSeconds(10));
        }
        long startedAt = System.nanoTime();
        FranzConfig franz = config.load();
        BrokerPreflight.check(franz.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        requirePortFree(port);

        // Starts the herder (it joins the group, reads the three topics) and the REST server, and adds a
        // shutdown hook that stops both: Ctrl-C stops the tasks (each gets a few seconds to finish) and leaves.
        Connect<?> connect = new ConnectDistributed().startConnect(workerConfig(franz, port, group));
        URI rest = URI.create("http://localhost:" + port);
        JsonNode plugins = awaitReady(rest, connect.herderTask());
        out.printf("%nKafka Connect worker %s is running, ready in %.1f s%n", AppInfoParser.getVersion(),
                (System.nanoTime() - startedAt) / 1e9);
        out.printf("  REST API : %s (this machine only: no other Host, no page of another site)%n", rest);
        out.printf("  Kafka    : %s, Connect cluster %s, its topics %s-configs, %s-offsets, %s-status%n",
                franz.bootstrapServers(), group, group, group, group);
        for (JsonNode plugin : plugins) {
            out.printf("  Plugin   : %s (%s, %s)%n", plugin.path("class").asText(), plugin.path("type").asText(),
                    plugin.path("version").asText());
        }
        out.printf("  Version  : Kafka Connect %s, one behind the broker: Debezium 3.6 is built for Kafka 4.3, and a"
                + " worker is a client%n", AppInfoParser.getVersion());
        out.println("Register Level 5's connectors:  ./mvnw -q compile exec:java -pl outbox -Dexec.args=\"connectors"
                + " register\"");
        out.println("Ctrl-C to stop.");
        connect.awaitStop();
        out.println("Kafka Connect worker stopped. Connectors, offsets and status stay in Kafka.");
        return 0;
    }

    /**
     * The worker's settings, as a properties file for {@code connect-distributed.sh} would hold them.
     * Static, so a test can read them.
     */
    static Map<String, String> workerConfig(FranzConfig franz, int port, String group) {
        Map<String, String> worker = new LinkedHashMap<>();
        // The security settings of KAFKA_CLIENT_CONFIG for the worker's own clients, and (prefixed) for the
        // producers, consumers and admin clients it creates for connectors.
        franz.clientProperties().forEach((key, value) -> {
            worker.put(key.toString(), value.toString());
            for (String prefix : List.of("producer.", "consumer.", "admin.")) {
                worker.put(prefix + key, value.toString());
            }
        });
        worker.put("group.id", group);
        worker.put("config.storage.topic", group + "-configs");
        worker.put("offset.storage.topic", group + "-offsets");
        worker.put("status.storage.topic", group + "-status");
        // Connect's default for its three topics is 3 copies; -1 takes the cluster's default.replication.factor
        // (1 on local-kafka), unless TOPIC_REPLICATION_FACTOR says otherwise.
        String replicas = franz.topicReplicationFactor().map(String::valueOf).orElse("-1");
        for (String topic : List.of("config", "offset", "status")) {
            worker.put(topic + ".storage.replication.factor", replicas);
        }
        // Required: how records are turned into bytes and back, unless a connector says otherwise. Franz's
        // keys are plain strings and its values plain JSON, without the schema envelope JsonConverter adds.
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("value.converter.schemas.enable", "false");
        // Off by default: source connectors then write their records and offsets in one Kafka transaction
        // (KIP-618), so a killed worker neither loses nor repeats what a source connector read.
        worker.put("exactly.once.source.support", "enabled");
        // A sink's dead letter is the whole errant record plus Connect's error headers (errors.deadletterqueue
        // .context.headers.enable): for a record at Kafka's 1 MiB default limit that is more than 1 MiB, and a
        // dead letter the worker cannot write fails the task. Its producers may send 2 MiB; the dead-letter
        // topic must take as much (outbox connectors register creates payments.DLT so).
        worker.put("producer.max.request.size", Integer.toString(2 * 1024 * 1024));
        // Sink connectors read only committed records: Level 3's services write in transactions, and an
        // aborted payment must not reach a database (consumers read uncommitted ones by default).
        worker.put("consumer.isolation.level", "read_committed");
        // The plugins are on the class path, each with a ServiceLoader manifest: the worker finds them from
        // those alone instead of scanning every class (KIP-898; the default also scans, and warns).
        worker.put("plugin.discovery", "service_load");
        // The REST API on this machine only (Connect's default listens on every interface), and for requests
        // meant for it only: LocalRequestsOnly refuses a Host that is not this machine (a web page using DNS
        // rebinding) and a request sent by a page of another site (its Origin). Named, not referenced: this
        // class stays readable without Connect on the class path.
        worker.put("listeners", "http://localhost:" + port);
        worker.put("rest.extension.classes", "dev.franz.localconnect.LocalRequestsOnly");
        // A connector may not change the settings of the clients the worker makes for it
        // (producer.override.*, consumer.override.*, admin.override.*): with Connect's default (All), whoever
        // may register a connector could, say, read other topics or from another cluster. No lesson needs it.
        worker.put("connector.client.config.override.policy", "None");
        return worker;
    }

    private static void requirePortFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UserFacingException("Port " + port + " is in use: is a Connect worker already running? (curl"
                    + " http://localhost:" + port + "/ answers if so). Stop it, or start this one with --port.");
        }
    }

    /**
     * (No Connect type in a signature of this class: docs-check reads its options without Connect 4.3.1.)
     * Until the worker has joined its group and read its topics, its REST API answers 409 or 503 for
     * connectors; then it lists its plugins.
     */
    private static JsonNode awaitReady(URI rest, Future<?> herder) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && (herder == null || !herder.isDone())) {
            try {
                HttpResponse<String> connectors = http.send(HttpRequest.newBuilder(rest.resolve("/connectors"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (connectors.statusCode() == 200) {
                    HttpResponse<String> plugins = http.send(HttpRequest.newBuilder(rest.resolve("/connector-plugins"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    return json.readTree(plugins.body());
                }
            } catch (IOException notYet) {
                // the REST server is not listening yet
            }
            Thread.sleep(200);
        }
        throw new UserFacingException("The Connect worker did not become ready within 60 s; its log above says why.");
    }
}
