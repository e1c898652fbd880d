package dev.franz.orderproducer;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.cli.SummaryOption;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Level 3, the first service: places orders on the {@code orders} topic.
 * {@code ./mvnw -q compile exec:java -pl order-producer -Dexec.args="--count 10 --interval 2"}: ten orders,
 * one every 2 s ({@code "10 2"} too, as the original course's order producer took them).
 */
@Command(name = "order-producer", mixinStandardHelpOptions = true, version = "order-producer (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Places made-up orders on the orders topic, keyed by order id.")
public final class OrderProducer implements Callable<Integer> {

    @Option(names = {"-n", "--count"}, paramLabel = "N", converter = Numbers.Positive.class,
            description = "How many orders (default: 10).")
    Long count;

    @Option(names = "--interval", paramLabel = "SECONDS", converter = Numbers.NotNegativeSeconds.class,
            description = "Seconds between orders, fractions allowed; 0 sends as fast as possible (default: 0.5).")
    Double interval;

    // The original course's order producer took both as words (3b_producer_orders.py 10 2): still accepted.
    @Parameters(index = "0", arity = "0..1", paramLabel = "NUM_ORDERS", converter = Numbers.Positive.class,
            description = "The same as --count, as a word.")
    Long countWord;

    @Parameters(index = "1", arity = "0..1", paramLabel = "INTERVAL_SECONDS", converter = Numbers.NotNegativeSeconds.class,
            description = "The same as --interval, as a word.")
    Double intervalWord;

    @Option(names = "--customers", paramLabel = "N", defaultValue = "20", converter = Numbers.PositiveInt.class,
            description = "How many different customers (default: ${DEFAULT-VALUE}).")
    int customers;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed, to place the same orders again.")
    Long seed;

    @Mixin
    SharedOptions.PrintEvery printEvery;

    @Mixin
    SummaryOption summaryOption;

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new OrderProducer(), args));
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

    /** --count, or NUM_ORDERS; 10 when neither is given. */
    long orders() {
        return Cli.givenOnce(spec, "--count", count, "NUM_ORDERS", countWord, 10L);
    }

    /** --interval, or INTERVAL_SECONDS; 0.5 when neither is given. */
    double intervalSeconds() {
        double seconds = Cli.givenOnce(spec, "--interval", interval, "INTERVAL_SECONDS", intervalWord, 0.5);
        if (seconds < 0) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--interval': '"
                    + seconds + "' is not allowed, it must be 0 or more");
        }
        return seconds;
    }

    @Override
    public Integer call() throws Exception {
        long orders = orders();
        double intervalSeconds = intervalSeconds();
        FranzConfig config = configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        String topic = config.topic(ConfigKey.TOPIC_ORDERS);
        Topics.createIfMissing(config, List.of(topic), out);
        out.printf("Placing %d orders on %s, %s%n", orders, topic,
                intervalSeconds == 0 ? "as fast as possible" : "one every " + intervalSeconds + " s");

        OrderGenerator generator = new OrderGenerator(seed == null ? new Random() : new Random(seed), Clock.systemUTC(),
                customers);
        long intervalNanos = Math.round(intervalSeconds * 1e9);
        GracefulShutdown shutdown = new GracefulShutdown(GracefulShutdown.PRODUCER_UNFINISHED);
        // Ctrl-C stops placing orders; the shutdown hook waits until those already sent are acknowledged.
        try (shutdown) {
            // A producer has no poll() to wake up: the loop checks shutdown.requested() between sends.
            shutdown.onExit(() -> { });
            OrderSender.Summary summary;
            KafkaException refused;
            try (Producer<String, Order> producer = new KafkaProducer<>(producerProperties(config),
                    new StringSerializer(), new JsonSerializer<>());
                 // One line when the broker goes and one when it is back: a send waits for it meanwhile.
                 ConnectionLines.Watch lines = ConnectionLines.forProducer(out, config.bootstrapServers())
                         .watch(producer::metrics)) {
                OrderSender sender = new OrderSender(producer, topic, out, printEvery.value());
                // A fixed rate: order i is due at start + i x interval, however long each send took.
                long startedAt = System.nanoTime();
                // A refusal by a secured broker (a missing ACL) is final: stop at the first one.
                for (long i = 0; i < orders && !shutdown.requested() && sender.refusal() == null; i++) {
                    long dueIn = startedAt + i * intervalNanos - System.nanoTime();
                    if (dueIn > 0) {
                        TimeUnit.NANOSECONDS.sleep(dueIn);
                    }
                    sender.send(generator.next());
                }
                sender.flush();
                summary = sender.summary();
                refused = sender.refusal();
            }
            new RunSummary("order-producer", "placed", summary.sent(), "orders", summary.elapsed())
                    .detail("topic", topic)
                    .count("acknowledged", summary.acknowledged())
                    .count("failed", summary.failed())
                    .report(out, summaryOption.file());
            if (refused != null) {
                throw refused; // the program's last line names the user, the topic and the operation
            }
            return summary.failed() == 0 ? 0 : 1;
        }
    }
}
