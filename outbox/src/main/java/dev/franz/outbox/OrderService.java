package dev.franz.outbox;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderGenerator;
import dev.franz.common.json.Json;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.ReadToEnd;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Level 5: an order service whose orders live in PostgreSQL, and two ways to tell Kafka about them.
 * <ul>
 * <li>{@code place --via dual-write}: commit the order, then send it to Kafka. Two systems, no
 *     transaction spanning both: a crash between the two ({@code --crash-after N} makes one) leaves an
 *     order in the database that Kafka never hears of ({@code check} shows it).</li>
 * <li>{@code place --via outbox}: one database transaction writes the order and an outbox row; this
 *     program never talks to Kafka. Debezium's PostgreSQL connector, on Kafka Connect, reads the
 *     committed outbox rows from the database's write-ahead log and publishes each to {@code orders},
 *     in the JSON Level 3's services read. Crash anywhere: the order and its event are both there or
 *     both not.</li>
 * </ul>
 * The connectors are registered through Connect's REST API: {@code connectors register} ({@link ConnectRest}).
 */
@Command(name = "outbox", mixinStandardHelpOptions = true, version = "outbox (Franz)",
        description = "Level 5: orders in PostgreSQL, sent to Kafka by a dual write or through a transactional outbox"
                + " read by Debezium on Kafka Connect.",
        subcommands = {OrderService.Place.class, OrderService.Check.class, ConnectRest.ConnectorsCommand.class})
public final class OrderService {

    /** The two ways of telling Kafka. */
    enum Via { DUAL_WRITE, OUTBOX }

    @Mixin
    ConfigOptions configOptions;

    final PrintStream out = System.out;
    private FranzConfig config;

    public static void main(String[] args) {
        System.exit(Cli.run(new OrderService(), args));
    }

    FranzConfig config() {
        if (config == null) {
            config = configOptions.load();
        }
        return config;
    }

    @Command(name = "place", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Place made-up orders: each one committed to the orders table, and sent to Kafka by a dual"
                    + " write or through the outbox table.")
    static final class Place implements Callable<Integer> {
        @ParentCommand
        OrderService service;

        @Option(names = "--via", paramLabel = "WAY", required = true,
                description = "dual-write (the database, then Kafka) or outbox (one database transaction; Debezium"
                        + " publishes).")
        Via via;

        @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "10", converter = Numbers.Positive.class,
                description = "How many orders (default: ${DEFAULT-VALUE}).")
        long count;

        @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "0.5",
                converter = Numbers.NotNegativeSeconds.class,
                description = "Seconds between orders, fractions allowed; 0: as fast as possible (default: ${DEFAULT-VALUE}).")
        double interval;

        @Option(names = "--crash-after", paramLabel = "N", converter = Numbers.Positive.class,
                description = "Crash (halt the JVM, as kill -9 would) right after order N is committed to the database,"
                        + " before anything else happens to it.")
        Long crashAfter;

        @Option(names = "--seed", paramLabel = "N", description = "Random seed, to place the same orders again.")
        Long seed;

        @Mixin
        SharedOptions.PrintEvery printEvery;

        /** Set by the shutdown hook (Ctrl-C): the loop places no more orders. */
        private volatile boolean stopRequested;

        @Override
        public Integer call() throws Exception {
            FranzConfig config = service.config();
            PrintStream out = service.out;
            OrderGenerator orders = new OrderGenerator(seed == null ? new Random() : new Random(seed),
                    Clock.systemUTC(), 20);
            try (Connection db = connect(config)) {
                createTables(db);
                String topic = config.topic(ConfigKey.TOPIC_ORDERS);
                out.printf("Placing %d orders in %s, %s: %s%n", count, config.postgres(),
                        interval == 0 ? "as fast as possible" : "one every " + interval + " s", via == Via.OUTBOX
                                ? "each with an outbox row in one transaction; Debezium publishes the rows to " + topic
                                : "each committed, then sent to " + topic + " by this program (a dual write)");
                CountDownLatch finished = new CountDownLatch(1);
                // Ctrl-C runs this hook on its own thread: it asks the loop to place no more orders, then
                // waits (at most 8 s) until the order in hand is committed (in a dual write also sent and
                // acknowledged) and the producer is closed. It waits on a latch, not by join()ing the main
                // thread: main ends in System.exit, which waits for this hook.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stopRequested = true;
                    GracefulShutdown.awaitFinished(finished, GracefulShutdown.PRODUCER_UNFINISHED);
                }, "outbox-place-shutdown"));
                try {
                    long placed = via == Via.OUTBOX ? placeThroughOutbox(db, orders)
                            : placeWithDualWrite(db, config, topic, orders);
                    out.printf("Placed %d orders%s.%n", placed, via == Via.OUTBOX
                            ? " (in the database; Connect publishes them: outbox check compares)" : "");
                } finally {
                    finished.countDown();
                }
            }
            return 0;
        }

        /**
         * The dual write: 1. commit the order, 2. send it. Between the two lies a crash, a broker that is
         * away longer than delivery.timeout.ms, a deploy: the order stays, its event never happens. The
         * reverse order (send, then commit) has the opposite fault: an event for an order that does not exist.
         */
        private long placeWithDualWrite(Connection db, FranzConfig config, String topic, OrderGenerator orders)
                throws Exception {
            BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
            Topics.createIfMissing(config, List.of(topic), service.out);
            Properties props = config.clientProperties();
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "outbox-dual-write");
            // acks=all and idempotence are Kafka's defaults: the send itself is as safe as order-producer's.
            ObjectMapper json = Json.mapper();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new StringSerializer())) {
                return loop(number -> {
                    Order order = orders.next();
                    insertOrder(db, order);
                    db.commit(); // 1. the database has the order
                    crashIfAsked(number, order, "before it is sent to Kafka");
                    // 2. Kafka gets the event. Waiting for the acknowledgement keeps the demo plain: the
                    //    fault is the gap between the commit above and this line, however short.
                    RecordMetadata sent;
                    try {
                        sent = producer.send(new ProducerRecord<>(topic, order.orderId(),
                                json.writeValueAsString(order))).get();
                    } catch (ExecutionException e) {
                        // The same gap, without a crash: the database keeps the order, Kafka never gets it.
                        throw new UserFacingException("order " + order.orderId() + " is committed to the database, but"
                                + " its send failed: " + e.getCause().getMessage() + ". That is the dual-write problem:"
                                + " outbox check lists it.", e.getCause());
                    }
                    printOrder(number, order, "committed, then sent to " + sent.topic() + " partition "
                            + sent.partition() + " offset " + sent.offset());
                });
            }
        }

        /**
         * The outbox: the order and its event in one database transaction. Both rows commit, or neither
         * does; Debezium reads the committed outbox row from the write-ahead log and publishes it.
         */
        private long placeThroughOutbox(Connection db, OrderGenerator orders) throws Exception {
            ObjectMapper json = Json.mapper();
            try (PreparedStatement outbox = db.prepareStatement("INSERT INTO outbox (id, aggregatetype, aggregateid,"
                    + " type, payload) VALUES (?, 'order', ?, 'OrderPlaced', ?::jsonb)")) {
                return loop(number -> {
                    Order order = orders.next();
                    insertOrder(db, order);
                    outbox.setObject(1, UUID.randomUUID()); // the event's id: Debezium puts it in the "id" header
                    outbox.setString(2, order.orderId());    // the record's key
                    outbox.setString(3, json.writeValueAsString(order)); // the record's value, as order-producer writes it
                    outbox.executeUpdate();
                    db.commit(); // the order and its event: both, or neither
                    printOrder(number, order, "committed with its outbox row (one transaction)");
                    crashIfAsked(number, order, "Debezium publishes its outbox row all the same");
                });
            }
        }

        /** One order after the other, at the --interval rate, until --count or Ctrl-C. */
        private long loop(OrderStep step) throws Exception {
            long intervalNanos = Math.round(interval * 1e9);
            long startedAt = System.nanoTime();
            long placed = 0;
            while (placed < count && !stopRequested) {
                long dueIn = startedAt + placed * intervalNanos - System.nanoTime();
                if (dueIn > 0) {
                    TimeUnit.NANOSECONDS.sleep(dueIn);
                }
                step.place(placed + 1);
                placed++;
            }
            return placed;
        }

        private void crashIfAsked(long number, Order order, String what) {
            if (crashAfter != null && number == crashAfter) {
                service.out.printf("CRASH right after order %d (%s) was committed, %s (--crash-after %d)%n", number,
                        order.orderId(), what, number);
                service.out.flush();
                Runtime.getRuntime().halt(137); // no shutdown hook, no flush, no close: as kill -9
            }
        }

        private void printOrder(long number, Order order, String what) {
            if (printEvery.printThis(number)) {
                service.out.printf("order %-16s %-7s %8s %s %s%n", order.orderId(), order.customerId(),
                        order.amount().toPlainString(), order.currency(), what);
            }
        }
    }

    @FunctionalInterface
    private interface OrderStep {
        void place(long number) throws Exception;
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Compare the orders table with the orders topic: orders Kafka never heard of, and orders it"
                    + " heard of twice (read_committed, from the beginning to the end of the topic).")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        OrderService service;

        @Override
        public Integer call() throws Exception {
            FranzConfig config = service.config();
            PrintStream out = service.out;
            Set<String> inDatabase = new TreeSet<>();
            try (Connection db = connect(config); Statement query = db.createStatement()) {
                createTables(db);
                try (ResultSet rows = query.executeQuery("SELECT order_id FROM orders")) {
                    while (rows.next()) {
                        inDatabase.add(rows.getString(1));
                    }
                }
            }
            BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
            String topic = config.topic(ConfigKey.TOPIC_ORDERS);
            Map<String, Integer> onTopic = orderIdsOnTopic(config, topic);
            List<String> missing = inDatabase.stream().filter(id -> !onTopic.containsKey(id)).toList();
            List<String> twice = onTopic.entrySet().stream().filter(e -> e.getValue() > 1)
                    .map(e -> e.getKey() + " (" + e.getValue() + " times)").toList();
            List<String> unknown = onTopic.keySet().stream().filter(id -> !inDatabase.contains(id)).toList();
            out.printf("%d orders in the database, %d distinct order ids on %s%n", inDatabase.size(), onTopic.size(),
                    topic);
            out.printf("  in the database, never on %s: %d %s%n", topic, missing.size(), missing.isEmpty() ? "" : missing);
            out.printf("  on %s more than once      : %d %s%n", topic, twice.size(), twice.isEmpty() ? "" : twice);
            out.printf("  on %s, not in the database: %d %s%n", topic, unknown.size(),
                    unknown.isEmpty() ? "" : "(orders from elsewhere, e.g. order-producer)");
            return missing.isEmpty() && twice.isEmpty() ? 0 : 1;
        }

        /** Every key of the topic with how often it occurs, read_committed (Connect writes in transactions). */
        private static Map<String, Integer> orderIdsOnTopic(FranzConfig config, String topic) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            ReadToEnd.fromStart(config.clientProperties(), topic, new StringDeserializer(), new StringDeserializer(),
                    Duration.ofSeconds(30)).forEach(record -> counts.merge(record.key(), 1, Integer::sum));
            return counts;
        }
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

    static void insertOrder(Connection db, Order order) throws SQLException, JsonProcessingException {
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO orders (order_id, customer_id, items, amount,"
                + " currency, created_at) VALUES (?, ?, ?::jsonb, ?, ?, ?)")) {
            insert.setString(1, order.orderId());
            insert.setString(2, order.customerId());
            insert.setString(3, Json.mapper().writeValueAsString(order.items()));
            insert.setBigDecimal(4, order.amount());
            insert.setString(5, order.currency());
            insert.setTimestamp(6, Timestamp.from(order.createdAt()));
            insert.executeUpdate();
        }
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
