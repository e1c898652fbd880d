package dev.franz.orderproducer;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderGenerator;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Level 3, the first service: places orders on the {@code orders} topic, keyed by order id.
 * {@code ./mvnw -q compile exec:java -pl order-producer -Dexec.args="--count 10 --interval 2"}: ten orders,
 * one every 2 s ({@code "10 2"} too, as the original course's order producer took them).
 * The Kafka side, top to bottom: the settings, the producer, Ctrl-C, the send loop at a fixed rate, the
 * send with its callback. The options and what is printed are in {@link OrderProducerOptions}.
 */
@Command(name = "order-producer", mixinStandardHelpOptions = true, version = "order-producer (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Places made-up orders on the orders topic, keyed by order id.")
public final class OrderProducer implements Callable<Integer> {

    @Mixin
    OrderProducerOptions options;

    @Mixin
    ConfigOptions configOptions;

    private PrintStream out = System.out;
    private long printEvery;
    private OrderCounts counts = new OrderCounts();
    /** Set by the shutdown hook (Ctrl-C): the loop places no more orders. */
    private volatile boolean stopRequested;

    public static void main(String[] args) {
        System.exit(Cli.run(new OrderProducer(), args));
    }

    OrderProducer() { // the program: its settings come from the command line
    }

    /** The sends alone, as the tests run them on a producer they made. */
    OrderProducer(PrintStream out, long printEvery) {
        this.out = out;
        this.printEvery = printEvery;
    }

    /** The producer settings of a service that must not lose or duplicate orders. */
    static Properties producerProperties(FranzConfig config) {
        Properties props = config.clientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "order-producer");
        // acks and enable.idempotence are not set: Kafka's defaults (since 3.0) are what an order needs.
        // acks=all: an order counts as placed only once every in-sync replica has it. Idempotence: a
        // retry after a lost acknowledgement does not place it twice (the broker drops the duplicate by
        // producer id and sequence number) and a partition's orders stay in order.
        // linger.ms is not set: Kafka 4's default, 5 ms (KIP-1030), already batches what arrives
        // together at full speed, with no visible delay at demo pace.
        return props;
    }

    @Override
    public Integer call() throws InterruptedException {
        long orders = options.orders();
        double intervalSeconds = options.intervalSeconds();
        printEvery = options.printEvery.value();
        FranzConfig config = configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        String topic = config.topic(ConfigKey.TOPIC_ORDERS);
        Topics.createIfMissing(config, List.of(topic), out);
        OrderProducerOptions.printStart(out, orders, topic, intervalSeconds);

        OrderGenerator generator = new OrderGenerator(options.seed == null ? new Random() : new Random(options.seed),
                Clock.systemUTC(), options.customers);
        long intervalNanos = Math.round(intervalSeconds * 1e9);
        CountDownLatch finished = new CountDownLatch(1);
        try {
            // try-with-resources: close() sends what is still buffered, waits for the answers, and
            // stops the producer's I/O thread.
            try (Producer<String, Order> producer = new KafkaProducer<>(producerProperties(config),
                    new StringSerializer(), new JsonSerializer<>());
                 // One line when the broker goes and one when it is back: a send waits for it meanwhile.
                 ConnectionLines.Watch lines = ConnectionLines.forProducer(out, config.bootstrapServers())
                         .watch(producer::metrics)) {
                // Ctrl-C runs this hook on its own thread. A producer has no poll() to wake up: the hook
                // asks the loop to stop, then waits (at most 8 s) until every order sent so far has its
                // answer (flush), the producer is closed and the summary printed. It waits on a latch,
                // not by join()ing the main thread: main ends in System.exit, which waits for this hook.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stopRequested = true;
                    GracefulShutdown.awaitFinished(finished, GracefulShutdown.PRODUCER_UNFINISHED);
                }, "order-producer-shutdown"));

                counts = new OrderCounts(); // the time counts from the first send
                // A fixed rate: order i is due at start + i x interval, however long each send took.
                long startedAt = System.nanoTime();
                // A refusal by a secured broker (a missing ACL) is final: stop at the first one.
                for (long i = 0; i < orders && !stopRequested && counts.refusal() == null; i++) {
                    long dueIn = startedAt + i * intervalNanos - System.nanoTime();
                    if (dueIn > 0) {
                        TimeUnit.NANOSECONDS.sleep(dueIn);
                    }
                    send(producer, topic, generator.next());
                }
                // Orders may still be in flight: flush() returns once each has its answer (and its
                // callback has run).
                producer.flush();
            }
            options.printSummary(out, counts, topic);
            if (counts.refusal() != null) {
                throw counts.refusal(); // the program's last line names the user, the topic and the operation
            }
            return counts.failed() == 0 ? 0 : 1;
        } finally {
            finished.countDown();
        }
    }

    /**
     * Keyed by order id, so that every event about one order lands on one partition and is read in
     * order. send() returns at once; the callback runs when the broker answers, on the producer's I/O
     * thread, which sends every other order too: count and print there, nothing slow.
     */
    void send(Producer<String, Order> producer, String topic, Order order) {
        counts.countSent();
        producer.send(new ProducerRecord<>(topic, order.orderId(), order), (metadata, error) -> {
            if (error == null) {
                OrderProducerOptions.printAcknowledged(out, counts.countAcknowledged(), printEvery, order, metadata);
                return;
            }
            // Retriable errors were already retried until delivery.timeout.ms: this one is final.
            counts.countFailed();
            OrderProducerOptions.printFailed(out, order, error);
            if (error instanceof AuthorizationException || error instanceof AuthenticationException) {
                // The broker refused this user: every next order would fail the same way. Stop sending.
                counts.refused((KafkaException) error);
            }
        });
    }

    /** What this run sent so far. */
    OrderCounts counts() {
        return counts;
    }
}
