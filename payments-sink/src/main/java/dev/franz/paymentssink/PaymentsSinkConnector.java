package dev.franz.paymentssink;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
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
    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    // Validators run when the connector is registered: Connect refuses a wrong value there (HTTP 400,
    // each setting's reason), before any task starts.
    static final ConfigDef CONFIG = new ConfigDef()
            .define(URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.LambdaValidator.with((name, value) -> {
                if (value != null && !value.toString().startsWith("jdbc:postgresql://")) {
                    throw new ConfigException(name, value, "this sink writes with PostgreSQL's INSERT ... ON CONFLICT,"
                            + " so it takes a PostgreSQL URL: jdbc:postgresql://HOST:PORT/DATABASE");
                }
            }, () -> "jdbc:postgresql://HOST:PORT/DATABASE"), Importance.HIGH, "JDBC URL of the PostgreSQL database,"
                    + " e.g. jdbc:postgresql://localhost:5432/franz")
            .define(USER, Type.STRING, "franz", Importance.HIGH, "Database user")
            .define(PASSWORD, Type.PASSWORD, "", Importance.HIGH, "Database password (none for local-postgres)")
            // The name goes into the SQL the task writes: a plain lower-case name only, never quoting to get wrong.
            .define(TABLE, Type.STRING, "payments", ConfigDef.LambdaValidator.with((name, value) -> {
                if (value != null && !TABLE_NAME.matcher(value.toString()).matches()) {
                    throw new ConfigException(name, value, "a plain lower-case table name: a to z, 0 to 9 and _,"
                            + " up to 63 characters, not starting with a digit");
                }
            }, () -> "[a-z_][a-z0-9_]{0,62}"), Importance.MEDIUM,
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
