package dev.franz.outbox;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.common.UserFacingException;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;

/**
 * Level 5's connectors and the Kafka Connect REST API that runs them. A connector is a name and a map
 * of settings, sent to any worker of the Connect cluster ({@code PUT /connectors/NAME/config}); the
 * cluster stores it in its config topic, starts its tasks on some worker, and answers for their status.
 * The settings are static methods, so that a test registers the same connectors the lesson does. No Kafka
 * client here: the {@code connectors} command that uses this is {@link Connectors}.
 */
final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI worker;

    ConnectRest(URI worker) {
        this.worker = worker;
    }

    /** The source connector's name: one per orders topic. */
    static String outboxConnectorName(FranzConfig config) {
        return config.topic(ConfigKey.TOPIC_ORDERS) + "-outbox";
    }

    /** The sink connector's name: one per payments topic. */
    static String paymentsSinkName(FranzConfig config) {
        return config.topic(ConfigKey.TOPIC_PAYMENTS) + "-to-postgres";
    }

    /**
     * Debezium's PostgreSQL connector, reading the outbox table and publishing each new row to
     * {@code orders} with Debezium's outbox event router.
     */
    static Map<String, String> outboxConnector(FranzConfig config) {
        FranzConfig.Postgres db = config.postgres();
        // Replication slots, publications and Debezium's topic prefix take letters, digits and underscores.
        String id = outboxConnectorName(config).replaceAll("[^A-Za-z0-9_]", "_").toLowerCase();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        c.put("database.hostname", db.host());
        c.put("database.port", String.valueOf(db.port()));
        c.put("database.user", db.user());
        c.put("database.password", db.password());
        c.put("database.dbname", db.database());
        // PostgreSQL's own logical decoding output (10 and later). Debezium's default, decoderbufs, is an
        // extension the server would need installed.
        c.put("plugin.name", "pgoutput");
        // The server keeps the write-ahead log for this slot until the connector has read it: one slot per
        // connector (Debezium's default name, "debezium", would be shared). The publication says which tables.
        c.put("slot.name", id);
        c.put("publication.name", id);
        c.put("publication.autocreate.mode", "filtered"); // a publication of the outbox table only
        c.put("table.include.list", "public.outbox");
        c.put("topic.prefix", id); // required; names the connector's own topics and metrics
        // Each outbox row becomes one record: key = aggregateid (the order id), value = payload (the order's
        // JSON), header "id" = the row's id. All rows go to the orders topic.
        c.put("transforms", "outbox");
        c.put("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        c.put("transforms.outbox.route.topic.replacement", config.topic(ConfigKey.TOPIC_ORDERS));
        // The payload column already holds the JSON Level 3 reads: written as it is, a string. (The worker's
        // JSON converter would quote it as a JSON string.)
        c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        // The worker must write the records and the connector's offsets in one Kafka transaction (KIP-618):
        // a crash neither loses nor repeats an order. Refused by a worker without exactly.once.source.support.
        c.put("exactly.once.support", "required");
        // Without Debezium's context headers (connector name, task, run id) on every record.
        c.put("extended.headers.enabled", "false");
        // Creates the orders topic when missing, as Level 3's programs do (the broker does not auto-create).
        c.put("topic.creation.default.partitions", String.valueOf(config.topicPartitions()));
        c.put("topic.creation.default.replication.factor", config.topicReplicationFactor().map(String::valueOf)
                .orElse("-1"));
        return c;
    }

    /**
     * The course's own sink connector ({@code payments-sink}): every payment result into the payments
     * table, one row per order, records it cannot write to a dead-letter topic with the reason.
     */
    static Map<String, String> paymentsSink(FranzConfig config) {
        FranzConfig.Postgres db = config.postgres();
        String payments = config.topic(ConfigKey.TOPIC_PAYMENTS);
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "dev.franz.paymentssink.PaymentsSinkConnector");
        c.put("topics", payments);
        c.put("connection.url", db.jdbcUrl());
        c.put("connection.user", db.user());
        c.put("connection.password", db.password());
        // A record that cannot be converted or written is skipped, not fatal (the default, none, stops the
        // task): it goes to the dead-letter topic with the reason in __connect.errors.* headers.
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", payments + ".DLT");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        c.put("errors.deadletterqueue.topic.replication.factor", config.topicReplicationFactor()
                .map(String::valueOf).orElse("-1")); // Connect's default is 3
        c.put("errors.log.enable", "true"); // and a line in the worker's log
        return c;
    }

    /** Creates the connector or replaces its settings; true if it was new. */
    boolean putConfig(String name, Map<String, String> config) {
        HttpResponse<String> response = send("PUT", "/connectors/" + name + "/config", config);
        return response.statusCode() == 201;
    }

    /** GET /connectors/NAME/status. */
    JsonNode status(String name) {
        return json(send("GET", "/connectors/" + name + "/status", null));
    }

    /** The status, or null while Connect has none yet (a connector created a moment ago: 404). */
    private JsonNode statusIfKnown(String name) {
        HttpResponse<String> response = send("GET", "/connectors/" + name + "/status", null, 404);
        return response.statusCode() == 404 ? null : json(response);
    }

    /** Every connector with its status: GET /connectors?expand=status. */
    JsonNode all() {
        return json(send("GET", "/connectors?expand=status", null));
    }

    /** PUT /connectors/NAME/pause, /resume, /stop. */
    void put(String name, String action) {
        send("PUT", "/connectors/" + name + "/" + action, null);
    }

    /** POST /connectors/NAME/restart: the connector and every task of it. */
    void restart(String name) {
        send("POST", "/connectors/" + name + "/restart?includeTasks=true&onlyFailed=false", null);
    }

    /** GET /connectors/NAME/offsets: where each task is (a source: its position in the database's log). */
    JsonNode offsets(String name) {
        return json(send("GET", "/connectors/" + name + "/offsets", null));
    }

    /** DELETE /connectors/NAME/offsets: a stopped connector starts over (a sink: from the topic's beginning). */
    void resetOffsets(String name) {
        send("DELETE", "/connectors/" + name + "/offsets", null);
    }

    void delete(String name) {
        send("DELETE", "/connectors/" + name, null);
    }

    /** One request; a refusal by Connect becomes one line with Connect's own message. */
    private HttpResponse<String> send(String method, String path, Object body) {
        return send(method, path, body, -1);
    }

    private HttpResponse<String> send(String method, String path, Object body, int expectedError) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(worker.resolve(path)).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json");
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400 && response.statusCode() != expectedError) {
                throw new UserFacingException("Kafka Connect refused " + method + " " + path + " (HTTP "
                        + response.statusCode() + "): " + message(response.body()));
            }
            return response;
        } catch (ConnectException | HttpTimeoutException e) {
            throw new UserFacingException("No Kafka Connect worker at " + worker + " (" + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()) + ").\n"
                    + "  - Start the local one in another terminal:  ./mvnw -q compile exec:java -pl local-connect\n"
                    + "  - or point Franz at yours:                  CONNECT_URL=http://host:8083", e);
        } catch (IOException e) {
            throw new UserFacingException("Kafka Connect at " + worker + " did not answer " + method + " " + path + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserFacingException("Interrupted while asking Kafka Connect", e);
        }
    }

    /** Connect's error body is {"error_code":400,"message":"..."}; its message can span lines. */
    static String message(String body) {
        try {
            String message = JSON.readTree(body).path("message").asText(body);
            return message.strip().replaceAll(":\\s*\\n\\s*", ": ").replaceAll("\\s*\\n\\s*", "; ");
        } catch (IOException notJson) {
            return body.strip();
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UserFacingException("Kafka Connect answered something that is not JSON: " + response.body(), e);
        }
    }

    /** One line per connector and per task: {@code NAME  TYPE  STATE  task 0 RUNNING on WORKER}. */
    static void printStatus(PrintStream out, JsonNode status) {
        JsonNode connector = status.path("connector");
        String name = status.path("name").asText();
        String nameColumn = "%-" + Math.max(28, name.length()) + "s"; // a longer name: its tasks still under it
        out.printf(nameColumn + " %-6s connector %-10s on %s%n", name, status.path("type").asText(),
                connector.path("state").asText(), connector.path("worker_id").asText());
        for (JsonNode task : status.path("tasks")) {
            out.printf(nameColumn + " %-6s task %-2s %-10s on %s%s%n", "", "", task.path("id").asText(), task.path("state").asText(),
                    task.path("worker_id").asText(), task.has("trace")
                            ? "  " + task.path("trace").asText().lines().findFirst().orElse("") : "");
        }
    }

    /**
     * Waits until the connector and at least one task report RUNNING (a new connector has no task for a
     * moment), or one FAILED; returns the last status.
     */
    JsonNode awaitTasks(String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode status;
        while (true) {
            status = statusIfKnown(name);
            if (status == null) {
                if (System.nanoTime() > deadline) {
                    return status(name); // the 404, as one line
                }
                Thread.sleep(250);
                continue;
            }
            boolean running = "RUNNING".equals(status.path("connector").path("state").asText())
                    && !status.path("tasks").isEmpty();
            boolean failed = "FAILED".equals(status.path("connector").path("state").asText());
            for (JsonNode task : status.path("tasks")) {
                running &= "RUNNING".equals(task.path("state").asText());
                failed |= "FAILED".equals(task.path("state").asText());
            }
            if (running || failed || System.nanoTime() > deadline) {
                return status;
            }
            Thread.sleep(250);
        }
    }
}
