package dev.franz.paymentservice;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.ServiceOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Level 3, the second service: charges every order on {@code orders} exactly once and publishes the
 * result on {@code payments}; what cannot be charged goes to {@code orders.DLT}.
 * {@code ./mvnw -q compile exec:java -pl payment-service}
 *
 * <p>Everything Kafka does here is in this file: the client settings ({@link #consumerProperties},
 * {@link #producerProperties}), the clients and Ctrl-C ({@link #call}), and the read-process-write
 * loop with its transaction ({@link #processInTransaction}). What happens to one order (validate,
 * charge, result or dead letter) is in {@link PaymentProcessor}, which makes no Kafka calls.
 */
@Command(name = "payment-service", mixinStandardHelpOptions = true, version = "payment-service (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Charges each order on the orders topic once and publishes the result, exactly once.")
public final class PaymentService implements Callable<Integer> {

    static final String DEFAULT_GROUP = "payment_service";
    /** The most records one transaction handles; fewer when slow gateway calls could make it too long. */
    static final int MAX_BATCH = 500;
    /** A transaction still open after this long is aborted by the broker (set below, Kafka's default too). */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(60);
    /** A member that does not poll for this long is removed from the group (set below, Kafka's default too). */
    static final Duration MAX_POLL_INTERVAL = Duration.ofMinutes(5);
    /** A crashed instance's partitions move to the others after this long if it does not come back. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final int COMMIT_ATTEMPTS = 3;
    /**
     * The same order failing its transaction for the same reason this many times in a row is not
     * transient: stop, and say which order and why, instead of aborting and retrying it for ever.
     */
    static final int MAX_SAME_FAILURES = 3;

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

    @Option(names = "--stats-interval", paramLabel = "SECONDS", defaultValue = "5", converter = Numbers.Positive.class,
            description = "Print a stats line this often while orders come in (default: ${DEFAULT-VALUE}).")
    long statsIntervalSeconds;

    @Mixin
    ServiceOptions serviceOptions;

    @Mixin
    SummaryOption summaryOption;

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private long committedTransactions;
    private long abortedTransactions;
    private long committedRecords;
    /** The last aborted transaction's failure, and how many aborts in a row it caused. */
    private TransactionFailure lastFailure;
    private int sameFailures;

    public static void main(String[] args) {
        System.exit(Cli.run(new PaymentService(), args));
    }

    PaymentService() {
        this(System.out);
    }

    PaymentService(PrintStream out) {
        this.out = out;
    }

    /** The consumer's settings, each with why. Static so that the tests use exactly these. */
    static Properties consumerProperties(FranzConfig config, String group, String instanceName, int maxPollRecords) {
        Properties props = config.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceName);
        // Skip records of transactions that are still open or were aborted: read only what other
        // exactly-once producers committed.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Offsets are committed by the producer, inside each transaction, never by the consumer.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group starts from the oldest order: no order placed before the first start is skipped.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Static membership: a restarted instance with the same name gets its partitions back at once,
        // without a rebalance. The classic protocol lets it replace a crashed member immediately; the
        // newer "consumer" protocol (KIP-848) refuses the name until the old session times out (45 s).
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceName);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
        // One poll's records are processed in one transaction; fewer records = shorter transactions.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        // The batch sizing above keeps one poll's work well inside this; written out because it relies on it.
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) MAX_POLL_INTERVAL.toMillis());
        return props;
    }

    /** The transactional producer's settings, each with why. */
    static Properties producerProperties(FranzConfig config, String instanceName) {
        Properties props = config.clientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, instanceName);
        // Stable across restarts: initTransactions() aborts what a crashed predecessor left open and
        // fences it, so a "zombie" that is only paused cannot commit any more.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, instanceName);
        // The broker aborts a transaction left open this long (a crashed instance's). The batch sizing
        // (maxPollRecords) keeps a transaction to a third of it; written out because it relies on it.
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
        // Transactions imply idempotence and acks=all; written out because they are the point.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // A transaction begun right after the previous commit can find the broker still writing that
        // commit's markers; the broker answers CONCURRENT_TRANSACTIONS and the client retries after
        // retry.backoff.ms, 100 ms by default. Measured by the benchmark on the same work at 1,000
        // orders/s: order -> notification p50 200 ms with the default, 155 ms with 10 ms (p99: noise).
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        return props;
    }

    /**
     * How many orders one transaction may hold so that, even if every order needed every attempt,
     * a batch stays within a third of the transaction timeout (and so well inside max.poll.interval.ms).
     */
    static int maxPollRecords(RetryingGateway.Policy policy, Duration latency, double failureRate) {
        Duration worstCasePerOrder = failureRate == 0 ? latency
                : latency.multipliedBy(policy.maxAttempts()).plus(policy.worstCaseBackoff());
        Duration budget = TRANSACTION_TIMEOUT.dividedBy(3);
        if (worstCasePerOrder.isZero()) {
            return MAX_BATCH;
        }
        long fits = budget.toMillis() / Math.max(1, worstCasePerOrder.toMillis());
        return (int) Math.min(MAX_BATCH, fits);
    }

    @Override
    public Integer call() throws InterruptedException {
        FranzConfig config = configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        ConnectionLines connection = new ConnectionLines(out, config.bootstrapServers());
        String ordersTopic = config.topic(ConfigKey.TOPIC_ORDERS);
        String paymentsTopic = config.topic(ConfigKey.TOPIC_PAYMENTS);
        String deadLetterTopic = config.topic(ConfigKey.TOPIC_ORDERS_DLT);
        // It writes payments and dead letters, so it creates those; it reads orders, so it waits for them
        // (a consumer never creates its input: a typo would make a new, empty topic).
        Topics.createIfMissing(config, List.of(paymentsTopic, deadLetterTopic), out);
        Topics.awaitExisting(config, List.of(ordersTopic), out);

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
        Properties producerProperties = producerProperties(config, instanceName);
        PaymentProcessor processor = new PaymentProcessor(gateway, new PaymentProcessor.Settings(paymentsTopic,
                deadLetterTopic, serviceOptions.printEvery().value(), Duration.ofSeconds(statsIntervalSeconds),
                DeadLetters.maxRequestSize(producerProperties)), Clock.systemUTC(), out);
        GracefulShutdown shutdown = new GracefulShutdown();
        // The shutdown hook waits until this block is done: the batch in hand committed, the clients
        // closed, the summary printed.
        try (shutdown) {
            long startedAt = System.nanoTime();
            // try-with-resources: closing the producer aborts a transaction still open (none is, after
            // a clean stop). Closing the consumer does not leave the group: a static member (its
            // group.instance.id) stays a member until its session timeout, waiting for its restart.
            try (Consumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(config, group,
                    instanceName, maxPollRecords), new StringDeserializer(), new ByteArrayDeserializer());
                 Producer<String, byte[]> producer = new KafkaProducer<>(producerProperties, new StringSerializer(),
                         new ByteArraySerializer())) {
                // Ctrl-C runs the shutdown hook: consumer.wakeup() makes the blocked poll() throw WakeupException,
                // the loop ends and try-with-resources closes the consumer; the hook waits for that (at most 8 s).
                shutdown.onExit(consumer::wakeup);
                // One line when the broker goes and one when it is back, from a thread of their own: this
                // one can wait up to a minute in a transaction call (max.block.ms) while the broker is away.
                try (ConnectionLines.Watch lines = connection.watch(consumer::metrics, producer::metrics)) {
                    run(consumer, producer, processor, ordersTopic);
                }
            }
            PaymentStats stats = processor.stats();
            new RunSummary(instanceName, "committed", stats.processed(), "orders",
                    Duration.ofNanos(System.nanoTime() - startedAt))
                    .count("approved", stats.approved())
                    .count("declined", stats.declined())
                    .count("dead-lettered", stats.deadLettered())
                    .count("retried", stats.retried())
                    .count("transactions committed", committedTransactions)
                    .count("transactions aborted", abortedTransactions)
                    .detail("its partitions", "held for " + instanceName + " for " + SESSION_TIMEOUT.toSeconds()
                            + " s (static membership): a restart within that time gets them back without a"
                            + " rebalance, else the other instances get them")
                    .report(out, summaryOption.file());
        }
        return 0;
    }

    /**
     * The read-process-write loop: poll, process the batch in one transaction, repeat. Ends on
     * Ctrl-C (the batch in hand is committed first), after {@code --max-messages}, or after
     * {@code --idle-timeout} without a record while partitions are assigned.
     *
     * @throws UserFacingException if another instance with the same name took over
     */
    void run(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer, PaymentProcessor processor,
             String ordersTopic) {
        // Registers the transactional id with the transaction coordinator: aborts whatever a previous
        // instance with the same id left open, and fences that instance.
        producer.initTransactions();
        consumer.subscribe(List.of(ordersTopic), new PrintingRebalanceListener());
        Duration idleTimeout = serviceOptions.idleTimeout().value();
        try {
            long lastRecordAt = System.nanoTime();
            while (!serviceOptions.maxMessages().reachedBy(committedRecords)) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (!records.isEmpty()) {
                    processInTransaction(consumer, producer, processor, records);
                }
                // Idle means owning partitions and getting nothing: waiting for an assignment does not count.
                if (!records.isEmpty() || consumer.assignment().isEmpty()) {
                    lastRecordAt = System.nanoTime();
                } else if (!idleTimeout.isZero() && System.nanoTime() - lastRecordAt > idleTimeout.toNanos()) {
                    out.printf("No new orders for %d s: stopping.%n", idleTimeout.toSeconds());
                    break;
                }
                processor.printStatsEvery(lag(consumer), abortedTransactions);
            }
        } catch (WakeupException e) {
            // Ctrl-C: the last batch was committed before this poll; nothing is open.
        } catch (FencedInstanceIdException e) {
            // The group noticed first (a heartbeat, during poll): another consumer has our instance id.
            throw fenced(e);
        }
    }

    /**
     * One poll's orders, their results and their offsets in one transaction: either all of it becomes
     * visible to {@code read_committed} readers, or none of it. Errors are handled by kind, as Kafka 4's
     * clients classify them.
     */
    void processInTransaction(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer,
                              PaymentProcessor processor, ConsumerRecords<String, byte[]> records) {
        // Each order with its send's future: if the transaction fails, they say which order's send failed and why.
        List<Sent> sends = new ArrayList<>(records.count());
        producer.beginTransaction();
        try {
            for (ConsumerRecord<String, byte[]> order : records) {
                // A result on payments, or the order itself on the dead letter topic. A failed send
                // makes the transaction fail: sendOffsetsToTransaction() or commitTransaction() below throws.
                sends.add(new Sent(order, producer.send(processor.process(order))));
            }
            // The consumer's offsets become part of the transaction: committed if and only if the
            // results are. groupMetadata() lets the broker reject a member that was rebalanced out.
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            commit(producer);
            committedTransactions++;
            committedRecords += records.count();
            lastFailure = null;
            sameFailures = 0;
            processor.committed();
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException e) {
            // A newer instance with our transactional id (or group instance id) took over: stop. Closing
            // the producer aborts our open transaction.
            throw fenced(e);
        } catch (InvalidConfigurationException e) {
            throw e; // fatal (authentication, authorization, unsupported version, ...): retrying cannot help
        } catch (WakeupException e) {
            abort(producer, processor, "stopping");
            throw e;
        } catch (KafkaException e) {
            // Abortable (a failed send, a timeout, a rebalance that moved on to a new generation):
            // throw this batch's results away and read its orders again. If even the abort fails,
            // that error propagates and the service stops.
            abort(producer, processor, null);
            // The exception itself often says only "we are in an error state": the failed send's own
            // exception (after the abort every future is done) names the order and the real cause.
            TransactionFailure failure = TransactionFailure.of(e, sends);
            processor.aborted(failure.toString());
            stopIfStuck(failure);
            rewindToCommittedOffsets(consumer);
        }
    }

    /**
     * Aborting and reading the orders again helps when the cause was passing (a rebalance, a broker that
     * came back). The same order failing the same way {@link #MAX_SAME_FAILURES} times in a row will
     * not: stop, naming it. Nothing of its transaction is committed, so no order is skipped; the next
     * start reads it again, once its cause is fixed.
     */
    private void stopIfStuck(TransactionFailure failure) {
        sameFailures = failure.equals(lastFailure) ? sameFailures + 1 : 1;
        lastFailure = failure;
        if (sameFailures >= MAX_SAME_FAILURES) {
            throw new UserFacingException("The same failure aborted " + sameFailures + " transactions in a row ("
                    + failure + "); stopping, with that transaction's orders not committed, so none is skipped."
                    + " Start again once the cause is fixed.");
        }
    }

    /** An order and its send's future. */
    private record Sent(ConsumerRecord<String, byte[]> order, Future<RecordMetadata> result) {
    }

    /**
     * Why a transaction failed, in one line: the order whose send failed (topic-partition@offset), or
     * none when no send did (the offsets or the commit failed), and the root cause's class and message.
     */
    record TransactionFailure(String order, String cause) {

        static TransactionFailure of(KafkaException failed, List<Sent> sends) {
            for (Sent sent : sends) {
                Throwable sendError = errorOf(sent.result());
                // The other sends of an aborted transaction fail with TransactionAbortedException: not a cause.
                if (sendError != null && !(sendError instanceof TransactionAbortedException)) {
                    ConsumerRecord<String, byte[]> order = sent.order();
                    return new TransactionFailure(order.topic() + "-" + order.partition() + "@" + order.offset(),
                            describe(sendError));
                }
            }
            return new TransactionFailure(null, describe(rootCause(failed)));
        }

        /** The error a finished send failed with, or null (succeeded, or not finished). */
        private static Throwable errorOf(Future<RecordMetadata> result) {
            if (!result.isDone()) {
                return null;
            }
            try {
                result.get(); // done: returns or throws at once
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        private static Throwable rootCause(Throwable error) {
            Throwable cause = error;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            return cause;
        }

        private static String describe(Throwable error) {
            return error.getClass().getSimpleName() + ": " + error.getMessage();
        }

        @Override
        public String toString() {
            return order == null ? cause : order + ": " + cause;
        }
    }

    /**
     * A commit that times out may still be completing on the broker: retrying it is safe, aborting
     * is not allowed. If it keeps timing out, stop: closing the producer leaves the transaction to
     * the coordinator, and the next start with the same transactional id completes or aborts it.
     */
    private static void commit(Producer<String, byte[]> producer) {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (attempt == COMMIT_ATTEMPTS) {
                    throw new UserFacingException("Could not commit a transaction in " + COMMIT_ATTEMPTS
                            + " attempts (" + e.getMessage() + "); stopping. Is the broker reachable?", e);
                }
                log.warn("Committing the transaction timed out, trying again (attempt {} of {})", attempt + 1,
                        COMMIT_ATTEMPTS);
            }
        }
    }

    /** Aborts the open transaction; {@code why} (if not null) is printed, else the caller prints it. */
    private void abort(Producer<String, byte[]> producer, PaymentProcessor processor, String why) {
        abortedTransactions++;
        try {
            producer.abortTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw fenced(e);
        } catch (TimeoutException e) {
            throw brokerAway("abort the transaction", e);
        }
        if (why != null) {
            processor.aborted(why);
        }
    }

    /** After an abort the consumer's position is past orders whose results were thrown away: go back. */
    private static void rewindToCommittedOffsets(Consumer<String, byte[]> consumer) {
        Set<TopicPartition> assignment = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = consumer.committed(assignment);
        } catch (TimeoutException e) {
            throw brokerAway("read the committed offsets", e);
        }
        for (TopicPartition partition : assignment) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, offset);
            }
        }
    }

    /** The offset to commit is the next one to read: last processed + 1, per partition. */
    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> partitionRecords = records.records(partition);
            long last = partitionRecords.get(partitionRecords.size() - 1).offset();
            offsets.put(partition, new OffsetAndMetadata(last + 1));
        }
        return offsets;
    }

    /** Orders not yet read in the assigned partitions, as of the last fetch. */
    private static long lag(Consumer<String, byte[]> consumer) {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        return lag;
    }

    /** A call that waited a minute (max.block.ms, default.api.timeout.ms) for a broker that is away. */
    private static UserFacingException brokerAway(String what, TimeoutException e) {
        return new UserFacingException("Could not " + what + " within a minute: the broker is away (" + e.getMessage()
                + "). This one stops, and nothing committed is lost: start it again once the broker is back.", e);
    }

    /**
     * The end of this instance: a newer one with the same name fenced it. A producer is fenced too when
     * the broker aborted its transaction after transaction.timeout.ms (the broker away that long).
     */
    private static UserFacingException fenced(KafkaException e) {
        String cause = e instanceof FencedInstanceIdException ? "Another instance with the same name took over"
                : "Another instance with the same name took over, or the broker aborted this instance's open"
                + " transaction after " + TRANSACTION_TIMEOUT.toSeconds() + " s (was it away that long?)";
        return new UserFacingException(cause + " (" + e.getClass().getSimpleName() + "); this one stops, and nothing"
                + " committed is lost. Give each running instance its own --instance, and start this one again.", e);
    }

    /** Shows the group at work: which partitions this instance owns, as they move. */
    private final class PrintingRebalanceListener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                out.println(ConsoleLines.assigned(partitions));
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Nothing to commit here: every batch is committed (or aborted) before the next poll.
            if (!partitions.isEmpty()) {
                out.println(ConsoleLines.revoked(partitions));
            }
        }
    }
}
