package dev.franz.paymentssink;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes payment results into PostgreSQL, one row per order id. The Connect worker consumes the topic,
 * converts each record's JSON (its value converter) and calls {@link #put} with a batch; when put
 * returns, the worker may commit the batch's offsets. So put commits its database transaction before it
 * returns, and a batch the worker delivers again (after a crash, a rebalance, a reset of the offsets)
 * meets rows that already hold the same values: the upsert changes nothing.
 *
 * <p>Three kinds of trouble, three answers:
 * <ul>
 * <li>the database is gone: a {@link RetriableException}; the worker keeps the batch and calls put
 *     again after {@link org.apache.kafka.connect.sink.SinkTaskContext#timeout}: the task stays RUNNING
 *     and catches up when the database is back;</li>
 * <li>a record that is not a payment (no order id, a bad status or amount) or that the table refuses:
 *     handed to the worker's {@link ErrantRecordReporter}, which with {@code errors.tolerance=all} and
 *     {@code errors.deadletterqueue.topic.name} writes it to the dead-letter topic with the reason in its
 *     headers; the rest of the batch is written;</li>
 * <li>a record that is not JSON at all never reaches put: the converter fails, and the same
 *     {@code errors.*} settings send it to the dead-letter topic.</li>
 * </ul>
 */
public class PaymentsSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(PaymentsSinkTask.class);
    /** How long the worker waits before it calls put again with a batch the database did not take. */
    private static final long RETRY_AFTER_MS = 5_000;

    private String url;
    private String user;
    private String password;
    private String table;
    private Connection connection;
    private boolean databaseWasDown;

    @Override
    public void start(Map<String, String> props) {
        AbstractConfig config = new AbstractConfig(PaymentsSinkConnector.CONFIG, props); // its validators too
        url = config.getString(PaymentsSinkConnector.URL);
        user = config.getString(PaymentsSinkConnector.USER);
        password = config.getPassword(PaymentsSinkConnector.PASSWORD).value();
        table = config.getString(PaymentsSinkConnector.TABLE);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        int written = 0;
        int unchanged = 0;
        int deadLetters = 0;
        try {
            Connection db = connection();
            try (PreparedStatement upsert = db.prepareStatement(upsertSql())) {
                for (SinkRecord record : records) {
                    Payment payment;
                    try {
                        payment = Payment.of(record.value());
                    } catch (DataException notAPayment) {
                        deadLetter(record, notAPayment);
                        deadLetters++;
                        continue;
                    }
                    // A savepoint per row: a row the table refuses is undone alone, the others stay.
                    Savepoint beforeRow = db.setSavepoint();
                    try {
                        payment.bind(upsert, record);
                        if (upsert.executeUpdate() == 1) {
                            written++;
                        } else {
                            unchanged++; // redelivered: the row already holds these values
                        }
                    } catch (SQLException refused) {
                        if (!isAboutTheRow(refused)) {
                            throw refused;
                        }
                        db.rollback(beforeRow);
                        deadLetter(record, new DataException("the table refused it: " + refused.getMessage(), refused));
                        deadLetters++;
                    }
                }
            }
            db.commit(); // before put returns: only then may the worker commit these offsets
        } catch (SQLException e) {
            closeConnection();
            if (!databaseWasDown) {
                log.warn("payments-sink: cannot write to {} ({}); the worker retries the batch every {} s",
                        url, e.getMessage(), RETRY_AFTER_MS / 1000);
                databaseWasDown = true;
            }
            context.timeout(RETRY_AFTER_MS);
            throw new RetriableException("database not available: " + e.getMessage(), e);
        }
        if (databaseWasDown) {
            log.info("payments-sink: {} answers again", url);
            databaseWasDown = false;
        }
        log.info("payments-sink: {} record(s) -> {} row(s) written, {} unchanged (already there), {} to the dead-letter"
                + " topic", records.size(), written, unchanged, deadLetters);
    }

    /**
     * Insert, or update only if something differs: a redelivered record updates no row (executeUpdate
     * says 0), so "unchanged" counts the redeliveries.
     */
    private String upsertSql() {
        List<String> columns = List.of("customer_id", "status", "reason", "amount", "currency", "processed_at");
        String updates = String.join(", ", columns.stream().map(c -> c + " = EXCLUDED." + c).toList());
        String current = String.join(", ", columns.stream().map(c -> table + "." + c).toList());
        String incoming = String.join(", ", columns.stream().map(c -> "EXCLUDED." + c).toList());
        return "INSERT INTO " + table + " (order_id, customer_id, status, reason, amount, currency, processed_at,"
                + " kafka_topic, kafka_partition, kafka_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (order_id) DO UPDATE SET " + updates + ", kafka_topic = EXCLUDED.kafka_topic,"
                + " kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset"
                + " WHERE (" + current + ") IS DISTINCT FROM (" + incoming + ")";
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Connection db = DriverManager.getConnection(url, user, password);
            db.setAutoCommit(false);
            try (Statement ddl = db.createStatement()) {
                ddl.execute("CREATE TABLE IF NOT EXISTS " + table + " (order_id text PRIMARY KEY, customer_id text,"
                        + " status text NOT NULL CHECK (status IN ('approved', 'declined')), reason text,"
                        + " amount numeric(12, 2) NOT NULL, currency text NOT NULL, processed_at timestamptz,"
                        + " kafka_topic text, kafka_partition int, kafka_offset bigint)");
            }
            db.commit();
            connection = db;
        }
        return connection;
    }

    /** A data exception (class 22) or a broken constraint (class 23) is this row's fault, not the database's. */
    private static boolean isAboutTheRow(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private void deadLetter(SinkRecord record, DataException reason) {
        ErrantRecordReporter reporter = context.errantRecordReporter();
        if (reporter == null) {
            throw reason; // a worker without dead-letter support: the task stops and says why
        }
        log.warn("payments-sink: skipped record at {}-{} offset {}: {}", record.topic(), record.kafkaPartition(),
                record.kafkaOffset(), reason.getMessage());
        reporter.report(record, reason); // with errors.tolerance=none this fails the task instead
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being dropped anyway
            }
            connection = null;
        }
    }

    @Override
    public void stop() {
        closeConnection();
    }

    @Override
    public String version() {
        return "1.0";
    }

    /** One payment result as the table stores it, read from the converted JSON of a record. */
    record Payment(String orderId, String customerId, String status, String reason, BigDecimal amount, String currency,
                   OffsetDateTime processedAt) {

        /** @throws DataException naming what is missing or wrong */
        static Payment of(Object value) {
            if (!(value instanceof Map<?, ?> fields)) {
                throw new DataException("not a JSON object: " + (value == null ? "no value" : value.getClass().getSimpleName()));
            }
            String orderId = text(fields, "order_id", true);
            String status = text(fields, "status", true);
            if (!status.equals("approved") && !status.equals("declined")) {
                throw new DataException("status: '" + status + "' is neither approved nor declined");
            }
            Object amount = fields.get("amount");
            if (!(amount instanceof Number number)) {
                throw new DataException("amount: expected a number, got " + amount);
            }
            String processedAt = text(fields, "processed_at", false);
            OffsetDateTime at;
            try {
                at = processedAt == null ? null : OffsetDateTime.parse(processedAt);
            } catch (DateTimeParseException e) {
                throw new DataException("processed_at: '" + processedAt + "' is not a timestamp");
            }
            return new Payment(orderId, text(fields, "customer_id", false), status, text(fields, "reason", false),
                    new BigDecimal(number.toString()), text(fields, "currency", true), at);
        }

        private static String text(Map<?, ?> fields, String name, boolean required) {
            Object value = fields.get(name);
            if (value == null && required) {
                throw new DataException(name + ": missing");
            }
            return value == null ? null : value.toString();
        }

        void bind(PreparedStatement upsert, SinkRecord record) throws SQLException {
            upsert.setString(1, orderId);
            upsert.setString(2, customerId);
            upsert.setString(3, status);
            upsert.setString(4, reason);
            upsert.setBigDecimal(5, amount);
            upsert.setString(6, currency);
            upsert.setObject(7, processedAt);
            upsert.setString(8, record.topic());
            upsert.setInt(9, record.kafkaPartition());
            upsert.setLong(10, record.kafkaOffset());
        }
    }
}
