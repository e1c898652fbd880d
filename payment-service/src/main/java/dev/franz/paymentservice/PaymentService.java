package dev.franz.paymentservice;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.ServiceOptions;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.ExactlyOnceClients;
import dev.franz.common.kafka.ExactlyOnceLoop;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Level 3, the second service: charges every order on {@code orders} exactly once and publishes the
 * result on {@code payments}; what cannot be charged goes to {@code orders.DLT}.
 * {@code ./mvnw -q compile exec:java -pl payment-service}
 */
@Command(name = "payment-service", mixinStandardHelpOptions = true, version = "payment-service (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Charges each order on the orders topic once and publishes the result, exactly once.")
public final class PaymentService implements Callable<Integer> {

    static final String DEFAULT_GROUP = "payment_service";
    /** The most records one transaction handles; fewer when slow gateway calls could make it too long. */
    static final int MAX_BATCH = 500;

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = DEFAULT_GROUP,
            description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--limit", paramLabel = "AMOUNT", defaultValue = "1000",
            description = "The gateway declines orders over this amount (default: ${DEFAULT-VALUE}).")
    BigDecimal limit;

    @Option(names = "--blocked", paramLabel = "CUSTOMER", split = ",", defaultValue = "cust-13",
            description = "Customers whose orders the gateway declines (default: ${DEFAULT-VALUE}).")
    Set<String> blockedCustomers;

    @Option(names = "--failure-rate", paramLabel = "0..1", defaultValue = "0.1",
            description = "Share of gateway calls that fail transiently and are retried (default: ${DEFAULT-VALUE}).")
    double failureRate;

    @Option(names = "--latency-ms", paramLabel = "MS", defaultValue = "20",
            description = "How long each gateway call takes (default: ${DEFAULT-VALUE}).")
    long latencyMillis;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "4",
            description = "Gateway attempts per order before it goes to the dead letter topic (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--backoff-ms", paramLabel = "MS", defaultValue = "100",
            description = "Wait before the first retry, doubled (with jitter) each time (default: ${DEFAULT-VALUE}).")
    long backoffMillis;

    @Option(names = "--stats-interval", paramLabel = "SECONDS", defaultValue = "5",
            description = "Print a stats line this often while orders come in (default: ${DEFAULT-VALUE}).")
    long statsIntervalSeconds;

    @Option(names = "--max-orders", paramLabel = "N", defaultValue = "0",
            description = "Stop once N orders are committed (default: no limit).")
    long maxOrders;

    @Mixin
    ServiceOptions serviceOptions;

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new PaymentService(), args));
    }

    /**
     * How many orders one transaction may hold so that, even if every order needed every attempt,
     * a batch stays well inside {@code max.poll.interval.ms} (5 min) and the transaction timeout (1 min).
     */
    static int maxPollRecords(RetryingGateway.Policy policy, Duration latency, double failureRate) {
        Duration worstCasePerOrder = failureRate == 0 ? latency
                : latency.multipliedBy(policy.maxAttempts()).plus(policy.worstCaseBackoff());
        Duration budget = Duration.ofSeconds(20); // a third of the 60 s transaction timeout
        if (worstCasePerOrder.isZero()) {
            return MAX_BATCH;
        }
        long fits = budget.toMillis() / Math.max(1, worstCasePerOrder.toMillis());
        return (int) Math.min(MAX_BATCH, fits);
    }

    @Override
    public Integer call() {
        validateOptions();
        FranzConfig config = configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        String ordersTopic = config.topic(ConfigKey.TOPIC_ORDERS);
        String paymentsTopic = config.topic(ConfigKey.TOPIC_PAYMENTS);
        String deadLetterTopic = config.topic(ConfigKey.TOPIC_ORDERS_DLT);
        Topics.createIfMissing(config, List.of(ordersTopic, paymentsTopic, deadLetterTopic))
                .forEach(topic -> out.printf("Created topic %s%n", topic));

        RetryingGateway.Policy policy = RetryingGateway.Policy.of(maxAttempts, Duration.ofMillis(backoffMillis));
        Duration latency = Duration.ofMillis(latencyMillis);
        int maxPollRecords = maxPollRecords(policy, latency, failureRate);
        String instanceName = serviceOptions.instanceName("payment-service");
        out.printf("%s: reading %s as group %s, writing %s (dead letters: %s), exactly once,"
                        + " up to %d orders per transaction. Ctrl-C to stop.%n",
                instanceName, ordersTopic, group, paymentsTopic, deadLetterTopic, maxPollRecords);

        RetryingGateway gateway = new RetryingGateway(new SimulatedPaymentGateway(
                new SimulatedPaymentGateway.Settings(limit, blockedCustomers, failureRate, latency),
                new SplittableRandom()), policy);
        GracefulShutdown shutdown = new GracefulShutdown();
        try (shutdown) {
            PaymentProcessor processor;
            long aborted;
            long committedTransactions;
            Duration elapsed;
            try (Consumer<String, byte[]> consumer = ExactlyOnceClients.newConsumer(config, group, instanceName,
                    maxPollRecords);
                 Producer<String, byte[]> producer = ExactlyOnceClients.newProducer(config, instanceName)) {
                shutdown.wakeUpOnExit(consumer);
                ExactlyOnceLoop<String, byte[]> loop = new ExactlyOnceLoop<>(consumer, producer, out);
                processor = new PaymentProcessor(gateway, new PaymentProcessor.Settings(paymentsTopic,
                        deadLetterTopic, serviceOptions.printEvery(), Duration.ofSeconds(statsIntervalSeconds)), Clock.systemUTC(), out,
                        loop::lag, loop::abortedTransactions);
                long startedAt = System.nanoTime();
                loop.run(List.of(ordersTopic), processor, serviceOptions.idleTimeout(),
                        maxOrders > 0 ? maxOrders : Long.MAX_VALUE);
                elapsed = Duration.ofNanos(System.nanoTime() - startedAt);
                aborted = loop.abortedTransactions();
                committedTransactions = loop.committedTransactions();
            }
            PaymentStats stats = processor.stats();
            out.printf("%n%s stopped: %d orders committed in %.2f s (%,d approved, %,d declined, %,d dead-lettered)"
                            + " in %,d transactions, %,d aborted.%n", instanceName, stats.processed(),
                    elapsed.toNanos() / 1e9, stats.approved(), stats.declined(), stats.deadLettered(),
                    committedTransactions, aborted);
        }
        return 0;
    }

    private void validateOptions() {
        if (failureRate < 0 || failureRate > 1) {
            throw new ParameterException(spec.commandLine(), "--failure-rate must be between 0 and 1");
        }
        if (maxAttempts < 1 || backoffMillis < 1 || statsIntervalSeconds < 1 || latencyMillis < 0 || maxOrders < 0) {
            throw new ParameterException(spec.commandLine(), "--max-attempts, --backoff-ms and --stats-interval"
                    + " must be at least 1, --latency-ms and --max-orders not negative");
        }
        if (serviceOptions.problem() != null) {
            throw new ParameterException(spec.commandLine(), serviceOptions.problem());
        }
    }
}
