package dev.franz.notificationservice;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.TransactionFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Level 3: reads {@code orders} and {@code payments} and notifies each customer once per (order, kind) on
 * {@code notifications}, exactly once: payment-service's loop on two topics, written out again so that each
 * service reads on its own. Options and summary: {@link NotificationServiceOptions}; one record:
 * {@link NotificationProcessor} (no Kafka calls); what was sent already: {@link SentNotifications}.
 */
@Command(name = "notification-service", mixinStandardHelpOptions = true, version = "notification-service (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Notifies customers of received orders and payment results, once each.")
public final class NotificationService implements Callable<Integer> {

    /** A crashed instance's partitions move to the others after this long if it does not come back. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** The same record failing its transaction the same way this many times in a row is not passing: stop. */
    static final int MAX_SAME_FAILURES = 3;
    private static final int COMMIT_ATTEMPTS = 3;
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    @Mixin
    NotificationServiceOptions options;

    private final PrintStream out;
    private final TransactionFailure.Streak sameFailures = new TransactionFailure.Streak();
    private SentNotifications sent = new SentNotifications(); // what was notified already, from the topic

    public static void main(String[] args) {
        System.exit(Cli.run(new NotificationService(), args));
    }

    NotificationService() {
        this(System.out);
    }

    NotificationService(PrintStream out) {
        this.out = out;
    }

    /** The consumer's settings, each with why: payment-service's, for the same reasons. */
    static Properties consumerProperties(FranzConfig config, String group, String instanceName) {
        Properties props = config.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        // notification-service-N: each member has its own name in the group tools and the live view.
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceName);
        // Only payments and orders whose transactions committed: never notify of an aborted payment.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Offsets are committed by the producer, inside each transaction, never by the consumer.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group starts from the oldest record: nothing placed before the first start goes unnotified.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Static membership: a restarted instance with the same name gets its partitions back at once. The
        // classic protocol lets it replace a crashed member immediately (KIP-848's waits for its session).
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceName);
        // 45 s by default: a crashed instance that does not come back gives its partitions up sooner.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
        return props;
    }

    /** The transactional producer's settings, each with why. */
    static Properties producerProperties(FranzConfig config, String instanceName) {
        Properties props = config.clientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, instanceName);
        // Stable across restarts: initTransactions() aborts what a crashed predecessor left open and fences
        // it. It also requires idempotence and acks=all (Kafka's defaults, left as they are).
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, instanceName);
        return props;
    }

    @Override
    public Integer call() throws InterruptedException {
        FranzConfig config = options.configOptions.load();
        NotificationServiceOptions.TopicNames topics = options.checkBrokerAndTopics(config, out);
        sent = SentNotifications.load(config.clientProperties(), topics.notifications(), LOAD_TIMEOUT);
        String instanceName = options.service.instanceName("notification-service");
        options.printStart(out, instanceName, sent.size(), topics);
        NotificationProcessor processor = new NotificationProcessor(topics.orders(), topics.notifications(), sent,
                Clock.systemUTC(), out, options.service.printEvery().value());
        long startedAt = System.nanoTime();
        CountDownLatch finished = new CountDownLatch(1);
        try {
            // Closing the producer aborts a transaction still open (none is, after a clean stop). Closing the
            // consumer does not leave the group: a static member stays one until its session timeout.
            try (Consumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(config, options.group,
                    instanceName), new StringDeserializer(), new ByteArrayDeserializer());
                 Producer<String, byte[]> producer = new KafkaProducer<>(producerProperties(config, instanceName),
                         new StringSerializer(), new ByteArraySerializer())) {
                // Ctrl-C runs this hook: wakeup() makes the blocked poll() throw WakeupException; the hook then waits
                // (at most 8 s) for the loop, the closes and the summary: on a latch, as System.exit waits for it.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    consumer.wakeup();
                    GracefulShutdown.awaitFinished(finished, GracefulShutdown.CONSUMER_UNFINISHED);
                }, "notification-service-shutdown"));
                // One line when the broker goes and one when it is back, from a thread of their own: this
                // one can wait up to a minute in a transaction call (max.block.ms) while the broker is away.
                try (ConnectionLines.Watch lines = new ConnectionLines(out, config.bootstrapServers())
                        .watch(consumer::metrics, producer::metrics)) {
                    run(consumer, producer, processor, List.of(topics.orders(), topics.payments()));
                }
            }
            options.printSummary(out, instanceName, processor, startedAt, SESSION_TIMEOUT);
        } finally {
            finished.countDown();
        }
        return 0;
    }

    /** The read-process-write loop. Ends on Ctrl-C, after --max-messages, or after --idle-timeout. */
    void run(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer, NotificationProcessor processor,
             List<String> topics) {
        // Aborts whatever a previous instance with the same transactional id left open, and fences it.
        producer.initTransactions();
        consumer.subscribe(topics, new PrintingRebalanceListener());
        Duration idleTimeout = options.service.idleTimeout().value();
        try {
            long lastRecordAt = System.nanoTime();
            while (!options.service.maxMessages().reachedBy(processor.counts().read())) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
                if (!records.isEmpty()) {
                    processInTransaction(consumer, producer, processor, records);
                }
                // Idle means owning partitions and getting nothing: waiting for an assignment does not count.
                if (!records.isEmpty() || consumer.assignment().isEmpty()) {
                    lastRecordAt = System.nanoTime();
                } else if (!idleTimeout.isZero() && System.nanoTime() - lastRecordAt > idleTimeout.toNanos()) {
                    out.println(ConsoleLines.idleStop("records", idleTimeout));
                    break;
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C: the last batch was committed before this poll; nothing is open.
        } catch (FencedInstanceIdException e) {
            // The group noticed first (a heartbeat, during poll): another consumer has our instance id.
            throw TransactionFailure.fenced(e);
        }
    }

    /** One poll's notifications and offsets in one transaction: all of it becomes visible, or none. */
    void processInTransaction(Consumer<String, byte[]> consumer, Producer<String, byte[]> producer,
                              NotificationProcessor processor, ConsumerRecords<String, byte[]> records) {
        // Each record with its notification's send: if the transaction fails, they say which send failed and why.
        Map<ConsumerRecord<String, byte[]>, Future<RecordMetadata>> sends = new LinkedHashMap<>();
        producer.beginTransaction();
        try {
            for (ConsumerRecord<String, byte[]> record : records) {
                // The error rule: a record it cannot read is skipped with one line, never blocking the ones
                // behind it; null is that, or a duplicate: nothing to send. A failed send fails the transaction.
                ProducerRecord<String, byte[]> notification = processor.process(record);
                if (notification != null) {
                    sends.put(record, producer.send(notification));
                }
            }
            // The next offsets to read become part of the transaction, committed if and only if the
            // notifications are. groupMetadata() lets the broker reject a member that was rebalanced out.
            producer.sendOffsetsToTransaction(records.nextOffsets(), consumer.groupMetadata());
            commit(producer);
            sameFailures.reset();
            // Printing stands for e-mailing: it happens only after the commit (see the Level 3 docs).
            processor.committed();
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException e) {
            // A newer instance with our transactional id (or group instance id) took over: stop.
            throw TransactionFailure.fenced(e);
        } catch (InvalidConfigurationException e) {
            throw e; // fatal (authentication, authorization, unsupported version, ...): retrying cannot help
        } catch (KafkaException e) {
            // Abortable, as Kafka 4 classifies errors (a failed send, a timeout, a rebalance that moved on): throw
            // this batch's notifications away and read its records again. If even the abort fails, it stops.
            try {
                producer.abortTransaction();
            } catch (ProducerFencedException | InvalidProducerEpochException fenced) {
                throw TransactionFailure.fenced(fenced);
            } catch (TimeoutException timeout) {
                throw TransactionFailure.brokerAway("abort the transaction", timeout);
            }
            processor.aborted();
            // The exception often says only "we are in an error state": the failed send's own (every future
            // is done after the abort) names the record and the real cause.
            TransactionFailure failure = TransactionFailure.of(e, sends);
            out.printf("Aborted a transaction of %d records (%s): they will be processed again.%n", records.count(),
                    failure);
            // Reading again helps when the cause was passing (a rebalance, a broker that came back); the same
            // failure again and again will not: stop, naming it, its records uncommitted (none is skipped).
            sameFailures.stopIfRepeated(failure, MAX_SAME_FAILURES, "records");
            rewindToCommittedOffsets(consumer);
        }
    }

    /**
     * A commit that timed out may still complete on the broker: retrying it is safe, aborting is not allowed.
     * If it keeps timing out, stop: the next start with the same transactional id completes or aborts it.
     */
    private void commit(Producer<String, byte[]> producer) {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (attempt == COMMIT_ATTEMPTS) {
                    throw new UserFacingException("Could not commit a transaction in " + COMMIT_ATTEMPTS
                            + " attempts (" + e.getMessage() + "); stopping. Is the broker reachable?", e);
                }
                out.printf("Committing the transaction timed out, trying again (attempt %d of %d).%n", attempt + 1,
                        COMMIT_ATTEMPTS);
            }
        }
    }

    /** After an abort the consumer's position is past records whose notifications were thrown away: go back. */
    private static void rewindToCommittedOffsets(Consumer<String, byte[]> consumer) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(consumer.assignment());
            for (TopicPartition partition : consumer.assignment()) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, offset);
                }
            }
        } catch (TimeoutException e) {
            throw TransactionFailure.brokerAway("read the committed offsets", e);
        }
    }

    /** Shows which partitions this instance owns, as they move. Nothing to commit: each poll's batch already is. */
    private final class PrintingRebalanceListener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                out.println(ConsoleLines.revoked(partitions));
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                out.println(ConsoleLines.assigned(partitions));
                // These partitions may come from another instance, which notified some of their orders after
                // this one read the notifications topic: read on from there, before any record.
                NotificationServiceOptions.printReadOn(out, sent.catchUp());
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // The group moved on without us (missed heartbeats): another member may own these already.
            // Nothing to commit: no transaction is open in poll(); each batch's offsets went in its own.
            out.println(ConsoleLines.lost(partitions));
        }
    }
}
