package dev.franz.notificationservice;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
import org.apache.kafka.clients.producer.ProducerRecord;
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
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.ServiceOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Level 3, the third service: reads {@code orders} and {@code payments} and notifies each customer
 * once per (order, kind) on {@code notifications}, exactly once.
 * {@code ./mvnw -q compile exec:java -pl notification-service}
 *
 * <p>The Kafka side is in this file. Its read-process-write loop is a deliberate near-copy of
 * payment-service's (read that one first, its comments explain each step), so that each service can
 * be read on its own; the differences are two input topics and no periodic stats. What happens to
 * one record is in {@link NotificationProcessor}, which makes no Kafka calls.
 */
@Command(name = "notification-service", mixinStandardHelpOptions = true, version = "notification-service (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Notifies customers of received orders and payment results, once each.")
public final class NotificationService implements Callable<Integer> {

    static final String DEFAULT_GROUP = "notification_service";
    /** Notifications are cheap to make: a transaction of 500 records is short. */
    private static final int MAX_POLL_RECORDS = 500;
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final int COMMIT_ATTEMPTS = 3;
    /** As payment-service: the same failure aborting this many transactions in a row stops the service. */
    static final int MAX_SAME_FAILURES = 3;
    private static final Logger log = LoggerFactory.getLogger(NotificationService.class);

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = DEFAULT_GROUP,
            description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String group;

    @Mixin
    ServiceOptions serviceOptions;

    @Mixin
    SummaryOption summaryOption;

    @Mixin
    ConfigOptions configOptions;

    private final PrintStream out;
    private long committedTransactions;
    private long abortedTransactions;
    private long committedRecords;
    /** The last aborted transaction's failure, and how many aborts in a row it caused. */
    private String lastFailure;
    private int sameFailures;
    /** What was notified already; read again from the topic when partitions move here. */
    private SentNotifications sent = new SentNotifications();

    public static void main(String[] args) {
        System.exit(Cli.run(new NotificationService(), args));
    }

    NotificationService() {
        this(System.out);
    }

    NotificationService(PrintStream out) {
        this.out = out;
    }

    /** As payment-service's consumer: read_committed, offsets in the transaction, static membership. */
    static Properties consumerProperties(FranzConfig config, String group, String instanceName) {
        Properties props = config.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceName);
        // Only payments and orders whose transactions committed: never notify of an aborted payment.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceName);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        return props;
    }

    /** As payment-service's producer: a stable transactional id per instance. */
    static Properties producerProperties(FranzConfig config, String instanceName) {
        Properties props = config.clientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, instanceName);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, instanceName);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // See payment-service: a short retry after CONCURRENT_TRANSACTIONS keeps latency low.
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        return props;
    }

    @Override
    public Integer call() throws InterruptedException {
        FranzConfig config = configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        ConnectionLines connection = new ConnectionLines(out, config.bootstrapServers());
        String ordersTopic = config.topic(ConfigKey.TOPIC_ORDERS);
        String paymentsTopic = config.topic(ConfigKey.TOPIC_PAYMENTS);
        String notificationsTopic = config.topic(ConfigKey.TOPIC_NOTIFICATIONS);
        // It creates what it writes and waits for what it reads, as payment-service does.
        Topics.createIfMissing(config, List.of(notificationsTopic), out);
        Topics.awaitExisting(config, List.of(ordersTopic, paymentsTopic), out);
        sent = SentNotifications.load(config.clientProperties(), notificationsTopic, LOAD_TIMEOUT);
        String instanceName = serviceOptions.instanceName("notification-service");
        out.printf("%s: %,d notifications already sent; reading %s and %s as group %s, writing %s. Ctrl-C to stop.%n",
                instanceName, sent.size(), ordersTopic, paymentsTopic, group, notificationsTopic);

        NotificationProcessor processor = new NotificationProcessor(ordersTopic, notificationsTopic, sent,
                Clock.systemUTC(), out, serviceOptions.printEvery().value());
        GracefulShutdown shutdown = new GracefulShutdown();
        try (shutdown) {
            long startedAt = System.nanoTime();
            try (Consumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(config, group,
                    instanceName), new StringDeserializer(), new ByteArrayDeserializer());
                 Producer<String, byte[]> producer = new KafkaProducer<>(producerProperties(config, instanceName),
                         new StringSerializer(), new ByteArraySerializer())) {
                // Ctrl-C runs the shutdown hook: consumer.wakeup() makes the blocked poll() throw WakeupException,
                // the loop ends and try-with-resources closes the consumer; the hook waits for that (at most 8 s).
                shutdown.onExit(consumer::wakeup);
                // One line when the broker goes and one when it is back, from a thread of their own: this
                // one can wait up to a minute in a transaction call (max.block.ms) while the broker is away.
                try (ConnectionLines.Watch lines = connection.watch(consumer::metrics, producer::metrics)) {
                    run(consumer, producer, processor, List.of(ordersTopic, paymentsTopic));
                }
            }
            NotificationProcessor.Counts counts = processor.counts();
            new RunSummary(instanceName, "sent", counts.sent(), "notifications",
                    Duration.ofNanos(System.nanoTime() - startedAt))
                    .count("records read", committedRecords)
                    .count("duplicates skipped", counts.duplicates())
                    .count("unreadable records skipped", counts.unreadable())
                    .count("transactions committed", committedTransactions)
                    .count("transactions aborted", abortedTransactions)
                    .detail("its partitions", "held for " + instanceName + " for " + SESSION_TIMEOUT.toSeconds()
                            + " s (static membership): a restart within that time gets them back without a"
                            + " rebalance, else the other instances get them")
                    .report(out, summaryOption.file());
        }
        return 0;
    }

    /** The same loop as payment-service's, on two topics. */
    void run(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer, NotificationProcessor processor,
             List<String> topics) {
        producer.initTransactions();
        consumer.subscribe(topics, new PrintingRebalanceListener());
        Duration idleTimeout = serviceOptions.idleTimeout().value();
        try {
            long lastRecordAt = System.nanoTime();
            while (!serviceOptions.maxMessages().reachedBy(committedRecords)) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (!records.isEmpty()) {
                    processInTransaction(consumer, producer, processor, records);
                }
                if (!records.isEmpty() || consumer.assignment().isEmpty()) {
                    lastRecordAt = System.nanoTime();
                } else if (!idleTimeout.isZero() && System.nanoTime() - lastRecordAt > idleTimeout.toNanos()) {
                    out.printf("No new records for %d s: stopping.%n", idleTimeout.toSeconds());
                    break;
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C: the last batch was committed before this poll; nothing is open.
        } catch (FencedInstanceIdException e) {
            throw fenced(e);
        }
    }

    /** One poll's notifications and offsets in one transaction, errors handled as in payment-service. */
    void processInTransaction(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer,
                              NotificationProcessor processor, ConsumerRecords<String, byte[]> records) {
        // Each record with its notification's send, to name the record whose send failed (see payment-service).
        Map<ConsumerRecord<String, byte[]>, Future<RecordMetadata>> sends = new LinkedHashMap<>();
        producer.beginTransaction();
        try {
            for (ConsumerRecord<String, byte[]> record : records) {
                ProducerRecord<String, byte[]> notification = processor.process(record);
                if (notification != null) { // null: a duplicate or an unreadable record, nothing to send
                    sends.put(record, producer.send(notification));
                }
            }
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            commit(producer);
            committedTransactions++;
            committedRecords += records.count();
            lastFailure = null;
            sameFailures = 0;
            // Printing stands for e-mailing: it happens only after the commit (see the Level 3 docs).
            processor.committed();
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException e) {
            throw fenced(e);
        } catch (InvalidConfigurationException e) {
            throw e; // fatal: retrying cannot help
        } catch (WakeupException e) {
            abort(producer, processor);
            throw e;
        } catch (KafkaException e) {
            abort(producer, processor);
            String failure = failure(e, sends);
            out.printf("Aborted a transaction of %d records (%s): they will be processed again.%n", records.count(),
                    failure);
            // The same failure again and again is no passing one: stop, naming it (as payment-service).
            sameFailures = failure.equals(lastFailure) ? sameFailures + 1 : 1;
            lastFailure = failure;
            if (sameFailures >= MAX_SAME_FAILURES) {
                throw new UserFacingException("The same failure aborted " + sameFailures + " transactions in a row ("
                        + failure + "); stopping, with that transaction's records not committed, so none is"
                        + " skipped. Start again once the cause is fixed.");
            }
            rewindToCommittedOffsets(consumer);
        }
    }

    /**
     * Why a transaction failed, in one line: the record whose notification's send failed (after the
     * abort every send is done) and that send's error, or else the root cause of the exception.
     */
    static String failure(KafkaException failed, Map<ConsumerRecord<String, byte[]>, Future<RecordMetadata>> sends) {
        for (Map.Entry<ConsumerRecord<String, byte[]>, Future<RecordMetadata>> send : sends.entrySet()) {
            if (send.getValue().isDone()) {
                try {
                    send.getValue().get(); // done: returns or throws at once
                } catch (ExecutionException e) {
                    // The other sends of an aborted transaction fail with TransactionAbortedException: not a cause.
                    if (!(e.getCause() instanceof TransactionAbortedException)) {
                        ConsumerRecord<String, byte[]> record = send.getKey();
                        return record.topic() + "-" + record.partition() + "@" + record.offset() + ": "
                                + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        Throwable cause = failed;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** A timed-out commit is retried, never aborted (see payment-service). */
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

    private void abort(Producer<String, byte[]> producer, NotificationProcessor processor) {
        abortedTransactions++;
        try {
            producer.abortTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw fenced(e);
        } catch (TimeoutException e) {
            throw brokerAway("abort the transaction", e);
        }
        processor.aborted();
    }

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

    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> partitionRecords = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(partitionRecords.get(partitionRecords.size() - 1).offset() + 1));
        }
        return offsets;
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

    private final class PrintingRebalanceListener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                out.println(ConsoleLines.assigned(partitions));
                // These partitions may come from another instance, which notified some of their orders
                // after this one read the notifications topic: read on from there, before any record.
                int learned = sent.catchUp();
                if (learned > 0) {
                    out.printf("Read on in the notifications topic: %,d notifications sent meanwhile by other"
                            + " instances, not sent again.%n", learned);
                }
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                out.println(ConsoleLines.revoked(partitions));
            }
        }
    }
}
