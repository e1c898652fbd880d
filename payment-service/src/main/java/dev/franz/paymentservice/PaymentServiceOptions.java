package dev.franz.paymentservice;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.ServiceOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * payment-service's command line: its group, the simulated gateway, how much it prints; and its
 * summary. The Kafka side, what the options change, is in {@link PaymentService}.
 */
final class PaymentServiceOptions {

    static final String DEFAULT_GROUP = "payment_service";
    /** The most orders one transaction handles; fewer when slow gateway calls could make it too long. */
    static final int MAX_BATCH = 500;

    /** The topics it reads and writes, from the configuration. */
    record TopicNames(String orders, String payments, String deadLetters) {
    }

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = DEFAULT_GROUP,
            description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--limit", paramLabel = "AMOUNT", defaultValue = "1000", converter = Numbers.NotNegativeAmount.class,
            description = "The gateway declines orders over this amount, 0 or more (default: ${DEFAULT-VALUE}).")
    BigDecimal limit;

    @Option(names = "--blocked", paramLabel = "CUSTOMER", split = ",", defaultValue = "cust-13",
            description = "Customers whose orders the gateway declines (default: ${DEFAULT-VALUE}).")
    Set<String> blockedCustomers;

    @Option(names = "--failure-rate", paramLabel = "0..1", defaultValue = "0.1", converter = Numbers.Fraction.class,
            description = "Share of gateway calls that fail transiently and are retried (default: ${DEFAULT-VALUE}).")
    double failureRate;

    @Option(names = "--latency-ms", paramLabel = "MS", defaultValue = "20", converter = Numbers.NotNegative.class,
            description = "How long each gateway call takes (default: ${DEFAULT-VALUE}).")
    long latencyMillis;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "4", converter = Numbers.PositiveInt.class,
            description = "Gateway attempts per order before it goes to the dead letter topic (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--backoff-ms", paramLabel = "MS", defaultValue = "100", converter = Numbers.Positive.class,
            description = "Wait before the first retry, doubled (with jitter) each time (default: ${DEFAULT-VALUE}).")
    long backoffMillis;

    @Option(names = "--report-interval", paramLabel = "SECONDS", defaultValue = "5", converter = Numbers.Positive.class,
            description = "Print a stats line this often while orders come in (default: ${DEFAULT-VALUE}).")
    long reportIntervalSeconds;

    @Mixin
    ServiceOptions service;

    @Mixin
    SummaryOption summaryOption;

    @Mixin
    ConfigOptions configOptions;

    /**
     * Checks the broker, creates the topics it writes (payments, dead letters) and waits for the one it
     * reads (orders): a consumer never creates its input, where a typo would make a new, empty topic.
     */
    TopicNames checkBrokerAndTopics(FranzConfig config, PrintStream out) throws InterruptedException {
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        TopicNames topics = new TopicNames(config.topic(ConfigKey.TOPIC_ORDERS), config.topic(ConfigKey.TOPIC_PAYMENTS),
                config.topic(ConfigKey.TOPIC_ORDERS_DLT));
        Topics.createIfMissing(config, List.of(topics.payments(), topics.deadLetters()), out);
        Topics.awaitExisting(config, List.of(topics.orders()), out);
        return topics;
    }

    RetryingGateway.Policy retryPolicy() {
        return RetryingGateway.Policy.of(maxAttempts, Duration.ofMillis(backoffMillis));
    }

    Duration latency() {
        return Duration.ofMillis(latencyMillis);
    }

    /** max.poll.records for these gateway options: see {@link #maxPollRecords(RetryingGateway.Policy, Duration, double)}. */
    int maxPollRecords() {
        return maxPollRecords(retryPolicy(), latency(), failureRate);
    }

    /**
     * How many orders one transaction may hold so that, even if every order needed every attempt, a batch
     * stays within a third of the transaction timeout (and so well inside max.poll.interval.ms, 5 min).
     */
    static int maxPollRecords(RetryingGateway.Policy policy, Duration latency, double failureRate) {
        Duration worstCasePerOrder = failureRate == 0 ? latency
                : latency.multipliedBy(policy.maxAttempts()).plus(policy.worstCaseBackoff());
        if (worstCasePerOrder.isZero()) {
            return MAX_BATCH;
        }
        long fits = PaymentService.TRANSACTION_TIMEOUT.dividedBy(3).toMillis() / Math.max(1, worstCasePerOrder.toMillis());
        return (int) Math.min(MAX_BATCH, fits);
    }

    /** What happens to one order: the simulated gateway with its retries, and where results go. */
    PaymentProcessor processor(TopicNames topics, int maxRequestSize, PrintStream out) {
        RetryingGateway gateway = new RetryingGateway(new SimulatedPaymentGateway(
                new SimulatedPaymentGateway.Settings(limit, blockedCustomers, failureRate, latency()),
                new SplittableRandom()), retryPolicy());
        return new PaymentProcessor(gateway, new PaymentProcessor.Settings(topics.payments(), topics.deadLetters(),
                service.printEvery().value(), Duration.ofSeconds(reportIntervalSeconds), maxRequestSize),
                Clock.systemUTC(), out);
    }

    void printStart(PrintStream out, String instanceName, TopicNames topics, int maxPollRecords) {
        out.printf("%s: reading %s as group %s, writing %s (dead letters: %s), exactly once,"
                        + " up to %d orders per transaction. Ctrl-C to stop.%n",
                instanceName, topics.orders(), group, topics.payments(), topics.deadLetters(), maxPollRecords);
    }

    /** {@code startedAt}: System.nanoTime() when the clients were created. */
    void printSummary(PrintStream out, String instanceName, PaymentStats stats, long startedAt,
                      Duration sessionTimeout) {
        new RunSummary(instanceName, "committed", stats.processed(), "orders",
                Duration.ofNanos(System.nanoTime() - startedAt))
                .count("approved", stats.approved())
                .count("declined", stats.declined())
                .count("dead-lettered", stats.deadLettered())
                .count("retried", stats.retried())
                .count("transactions committed", stats.transactionsCommitted())
                .count("transactions aborted", stats.transactionsAborted())
                .detail("its partitions", "held for " + instanceName + " for " + sessionTimeout.toSeconds()
                        + " s (static membership): a restart within that time gets them back without a"
                        + " rebalance, else the other instances get them")
                .report(out, summaryOption.file());
    }
}
