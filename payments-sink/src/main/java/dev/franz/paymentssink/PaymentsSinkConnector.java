package dev.franz.paymentssink;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * A sink connector of the course's own: Kafka Connect reads {@code payments} and hands the records to
 * {@link PaymentsSinkTask}, which upserts one row per order into a PostgreSQL table. The connector
 * itself only says which settings it takes and how many tasks to run; the worker does the consuming,
 * the offsets, the retries and the dead-letter topic.
 *
 * <p>Registered through Connect's REST API, e.g. (outbox's {@code connectors register} does it):
 * <pre>{@code
 * {"connector.class": "dev.franz.paymentssink.PaymentsSinkConnector", "topics": "payments",
 *  "connection.url": "jdbc:postgresql://localhost:5432/franz", "connection.user": "franz",
 *  "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "payments.DLT"}
 * }</pre>
 */
public class PaymentsSinkConnector extends SinkConnector {

    static final String URL = "connection.url";
    static final String USER = "connection.user";
    static final String PASSWORD = "connection.password";
    static final String TABLE = "table";

    static final ConfigDef CONFIG = new ConfigDef()
            .define(URL, Type.STRING, Importance.HIGH, "JDBC URL of the PostgreSQL database, e.g."
                    + " jdbc:postgresql://localhost:5432/franz")
            .define(USER, Type.STRING, "franz", Importance.HIGH, "Database user")
            .define(PASSWORD, Type.PASSWORD, "", Importance.HIGH, "Database password (none for local-postgres)")
            .define(TABLE, Type.STRING, "payments", Importance.MEDIUM,
                    "Table of payment results, one row per order id; created when missing");

    private Map<String, String> settings;

    @Override
    public void start(Map<String, String> props) {
        CONFIG.parse(props); // a missing or wrong setting fails here, and Connect's REST API shows why
        this.settings = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return PaymentsSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        // Every task gets the same settings: Connect divides the topic's partitions between them.
        return Collections.nCopies(maxTasks, settings);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public String version() {
        return "1.0";
    }
}
