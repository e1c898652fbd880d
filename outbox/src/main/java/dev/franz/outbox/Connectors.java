package dev.franz.outbox;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.UserFacingException;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code outbox connectors}: Level 5's connectors, run by Kafka Connect. Its Kafka story is in
 * {@code register}: a sink does not create the topics it reads and writes its dead letters to, so it
 * creates them first (the dead-letter topic with room for the largest dead letter, Admin API), then
 * registers the connectors. The connectors' settings and Connect's REST API are in {@link ConnectRest}.
 */
@Command(name = "connectors", mixinStandardHelpOptions = true,
        description = "Level 5's connectors through Kafka Connect's REST API (CONNECT_URL): register, status,"
                + " pause, resume, restart, reset-offsets, offsets, delete.")
final class Connectors {

    /** The connectors register can be limited to. */
    enum Which { OUTBOX, PAYMENTS_SINK }

    /** The largest dead letter of the sink: local-connect's producer.max.request.size, 2 MiB. */
    static final int DEAD_LETTER_BYTES = 2 * 1024 * 1024;

    @ParentCommand
    OrderService service;

    ConnectRest rest() {
        return new ConnectRest(service.config().connectUrl());
    }

    @Command(name = "register", description = "Create (or update) the outbox connector (Debezium) and the payments"
            + " sink, then wait until their tasks run.")
    int register(@Option(names = "--only", paramLabel = "WHICH", description = "outbox or payments-sink (default:"
            + " both).") Which only) throws InterruptedException {
        FranzConfig config = service.config();
        ConnectRest rest = rest();
        Map<String, Map<String, String>> connectors = new LinkedHashMap<>();
        if (only == null || only == Which.OUTBOX) {
            connectors.put(ConnectRest.outboxConnectorName(config), ConnectRest.outboxConnector(config));
            // Debezium publishes the outbox table's rows: the table must exist for its publication.
            try (Connection db = OrdersDatabase.connect(config)) {
                OrdersDatabase.createTables(db);
            } catch (SQLException e) {
                throw new UserFacingException("Cannot create the outbox table in " + config.postgres() + ": "
                        + e.getMessage(), e);
            }
        }
        if (only == null || only == Which.PAYMENTS_SINK) {
            connectors.put(ConnectRest.paymentsSinkName(config), ConnectRest.paymentsSink(config));
            // A sink does not create the topic it reads; the worker would create the dead-letter topic at the
            // first bad record, with an ERROR line in its log. Both made here, as Level 3's programs do.
            BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
            String payments = config.topic(ConfigKey.TOPIC_PAYMENTS);
            Topics.createIfMissing(config, List.of(payments), service.out);
            // A dead letter is the whole record plus Connect's error headers: for a payment at the 1 MiB
            // limit that is more than 1 MiB. The worker's producers may send 2 MiB (local-connect sets
            // producer.max.request.size); this topic takes that much, so every errant record fits.
            try (Admin admin = Admin.create(config.clientProperties())) {
                String deadLetters = payments + ".DLT";
                Map<String, String> room = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(DEAD_LETTER_BYTES));
                List<Topics.Created> created = Topics.createMissing(admin,
                        List.of(config.newTopic(deadLetters).configs(room)), Duration.ofSeconds(30));
                created.forEach(topic -> service.out.println(topic.line()));
                if (created.isEmpty()) {
                    // Made by an earlier Franz, with the broker's 1 MiB: give it the room too.
                    giveRoom(admin, deadLetters, service.out);
                }
            }
        }
        connectors.forEach((name, settings) -> service.out.printf("%s: %s%n", name,
                rest.putConfig(name, settings) ? "created" : "updated"));
        for (String name : connectors.keySet()) {
            ConnectRest.printStatus(service.out, rest.awaitTasks(name, Duration.ofSeconds(30)));
        }
        return 0;
    }

    @Command(name = "status", description = "Every connector of the Connect cluster with its tasks.")
    int status() {
        JsonNode all = rest().all();
        if (all.isEmpty()) {
            service.out.println("No connectors. Register Level 5's: outbox connectors register");
        }
        all.forEach(entry -> ConnectRest.printStatus(service.out, entry.path("status")));
        return 0;
    }

    @Command(name = "pause", description = "Pause a connector: its tasks stop working but keep their place.")
    int pause(@Parameters(paramLabel = "NAME") String name) {
        rest().put(name, "pause");
        service.out.printf("%s: pause requested (status shows PAUSED once its tasks have stopped)%n", name);
        return 0;
    }

    @Command(name = "resume", description = "Resume a paused connector.")
    int resume(@Parameters(paramLabel = "NAME") String name) {
        rest().put(name, "resume");
        service.out.printf("%s: resume requested%n", name);
        return 0;
    }

    @Command(name = "restart", description = "Restart a connector and all its tasks (a FAILED task starts again).")
    int restart(@Parameters(paramLabel = "NAME") String name) throws InterruptedException {
        ConnectRest rest = rest();
        rest.restart(name);
        ConnectRest.printStatus(service.out, rest.awaitTasks(name, Duration.ofSeconds(30)));
        return 0;
    }

    @Command(name = "reset-offsets", description = "Stop a connector, forget its offsets and resume it: a sink"
            + " reads its topics again from the beginning (a replay; the payments sink changes no row).")
    int resetOffsets(@Parameters(paramLabel = "NAME") String name) throws InterruptedException {
        ConnectRest rest = rest();
        rest.put(name, "stop"); // offsets can be changed only while the connector is STOPPED
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STOPPED".equals(rest.status(name).path("connector").path("state").asText())) {
            if (System.nanoTime() > deadline) {
                throw new UserFacingException(name + " did not stop within 30 s: its offsets are unchanged");
            }
            Thread.sleep(250);
        }
        rest.resetOffsets(name);
        rest.put(name, "resume");
        service.out.printf("%s: offsets reset, resumed from the beginning%n", name);
        ConnectRest.printStatus(service.out, rest.awaitTasks(name, Duration.ofSeconds(30)));
        return 0;
    }

    @Command(name = "offsets", description = "Where the connector is: a source's position in its database's log,"
            + " a sink's offsets in its topics.")
    int offsets(@Parameters(paramLabel = "NAME") String name) {
        for (JsonNode offset : rest().offsets(name).path("offsets")) {
            service.out.printf("%s: partition %s -> offset %s%n", name, offset.path("partition"), offset.path("offset"));
        }
        return 0;
    }

    @Command(name = "delete", description = "Remove a connector (its offsets stay in Connect's offsets topic).")
    int delete(@Parameters(paramLabel = "NAME") String name) {
        rest().delete(name);
        service.out.printf("%s: deleted%n", name);
        return 0;
    }

    /** Sets an existing dead-letter topic's max.message.bytes to {@link #DEAD_LETTER_BYTES}, or says why not. */
    private static void giveRoom(Admin admin, String topic, PrintStream out) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        AlterConfigOp set = new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(DEAD_LETTER_BYTES)), AlterConfigOp.OpType.SET);
        try {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(set))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            out.println("Could not let " + topic + " take dead letters of 2 MiB (" + e.getMessage() + "): a record near"
                    + " 1 MiB that the sink cannot write would stop its task.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
