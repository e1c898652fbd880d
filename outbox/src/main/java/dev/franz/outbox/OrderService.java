package dev.franz.outbox;

import java.io.PrintStream;
import java.sql.Connection;
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
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderGenerator;
import dev.franz.common.json.Json;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.ReadToEnd;
import dev.franz.common.kafka.Topics;
import dev.franz.outbox.OrderServiceOptions.Via;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
 * The connectors are registered through Connect's REST API: {@code connectors register} ({@link Connectors}).
 * The options are in {@link OrderServiceOptions}, what the commands print in {@link OrderServiceLines}, the
 * connection and the tables in {@link OrdersDatabase}.
 */
@Command(name = "outbox", mixinStandardHelpOptions = true, version = "outbox (Franz)",
        description = "Level 5: orders in PostgreSQL, sent to Kafka by a dual write or through a transactional outbox"
                + " read by Debezium on Kafka Connect.",
        subcommands = {OrderService.Place.class, OrderService.Check.class, Connectors.class})
public final class OrderService {

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

        @Mixin
        OrderServiceOptions options;

        /** Set by the shutdown hook (Ctrl-C): the loop places no more orders. */
        private volatile boolean stopRequested;

        @Override
        public Integer call() throws Exception {
            FranzConfig config = service.config();
            PrintStream out = service.out;
            OrderGenerator orders = new OrderGenerator(options.seed == null ? new Random() : new Random(options.seed),
                    Clock.systemUTC(), 20);
            try (Connection db = OrdersDatabase.connect(config)) {
                OrdersDatabase.createTables(db);
                String topic = config.topic(ConfigKey.TOPIC_ORDERS);
                OrderServiceLines.placing(out, config, topic, options);
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
                    long placed = options.via == Via.OUTBOX ? placeThroughOutbox(db, orders)
                            : placeWithDualWrite(db, config, topic, orders);
                    OrderServiceLines.placed(out, placed, options.via);
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
            long intervalNanos = Math.round(options.interval * 1e9);
            long startedAt = System.nanoTime();
            long placed = 0;
            while (placed < options.count && !stopRequested) {
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
            if (options.crashAfter != null && number == options.crashAfter) {
                OrderServiceLines.crash(service.out, number, order, what);
                Runtime.getRuntime().halt(137); // no shutdown hook, no flush, no close: as kill -9
            }
        }

        private void printOrder(long number, Order order, String what) {
            OrderServiceLines.order(service.out, options, number, order, what);
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
            try (Connection db = OrdersDatabase.connect(config); Statement query = db.createStatement()) {
                OrdersDatabase.createTables(db);
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
            OrderServiceLines.compared(out, topic, inDatabase, onTopic, missing, twice);
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

    /** The order's row: in a dual write committed on its own, through the outbox with its outbox row. */
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
}
