package dev.franz.outbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import dev.franz.common.UserFacingException;
import dev.franz.common.config.FranzConfig;

/**
 * The order service's PostgreSQL: the connection and the two tables. What is written to them, and in
 * which transaction, is in {@link OrderService}.
 */
final class OrdersDatabase {

    private OrdersDatabase() {
    }

    /** The orders table, and the outbox table in the shape Debezium's outbox event router reads. */
    static void createTables(Connection db) throws SQLException {
        try (Statement ddl = db.createStatement()) {
            ddl.execute("CREATE TABLE IF NOT EXISTS orders (order_id text PRIMARY KEY, customer_id text NOT NULL,"
                    + " items jsonb NOT NULL, amount numeric(12, 2) NOT NULL, currency text NOT NULL,"
                    + " created_at timestamptz NOT NULL)");
            ddl.execute("CREATE TABLE IF NOT EXISTS outbox (id uuid PRIMARY KEY, aggregatetype text NOT NULL,"
                    + " aggregateid text NOT NULL, type text NOT NULL, payload jsonb NOT NULL,"
                    + " created_at timestamptz NOT NULL DEFAULT now())");
        }
        db.commit();
    }

    /** A connection without auto-commit (the lesson commits itself), or one line saying what to start. */
    static Connection connect(FranzConfig config) {
        FranzConfig.Postgres postgres = config.postgres();
        try {
            DriverManager.setLoginTimeout(5);
            Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
            db.setAutoCommit(false);
            return db;
        } catch (SQLException e) {
            if (!"08001".equals(e.getSQLState())) { // it answered, and said no: no such database, user, password
                throw new UserFacingException("PostgreSQL at " + postgres + " refused the connection: " + e.getMessage()
                        + ". Check POSTGRES_URL, POSTGRES_USER and POSTGRES_PASSWORD.", e);
            }
            throw new UserFacingException("No PostgreSQL at " + postgres + " (" + e.getMessage() + ").\n"
                    + "  - Start the local one in another terminal:  ./mvnw -q compile exec:java -pl local-postgres\n"
                    + "  - or point Franz at yours:                  POSTGRES_URL, POSTGRES_USER, POSTGRES_PASSWORD"
                    + " (in .env or the environment, or --set)", e);
        }
    }
}
