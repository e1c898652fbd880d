package dev.franz.common.kafka;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.franz.common.UserFacingException;

/**
 * Read-process-write with exactly-once semantics: each poll's records are processed, their results
 * sent and their offsets committed in <em>one</em> transaction, so either all of it becomes visible
 * (to {@code read_committed} readers) or none of it, and a record is never processed twice into the
 * output. Errors are handled by kind, as Kafka 4's clients classify them:
 * <ul>
 *   <li>fenced ({@code ProducerFencedException}, {@code InvalidProducerEpochException},
 *       {@code FencedInstanceIdException}, from the {@code ApplicationRecoverableException} family): a
 *       newer instance with the same name took over, so this one stops ({@link FencedException});
 *       closing the producer aborts the open transaction;</li>
 *   <li>fatal ({@code InvalidConfigurationException}: authentication, authorization, unsupported
 *       version, ...): retrying cannot help, stop;</li>
 *   <li>a commit that times out is retried, never aborted (it may be completing on the broker);</li>
 *   <li>abortable (anything else a transaction throws: a failed send, a timeout, a rebalance that
 *       moved on to a new group generation, {@code TransactionAbortableException}): abort, rewind the
 *       consumer to the last committed offsets and go on. If even the abort fails, that error
 *       propagates and the program stops.</li>
 * </ul>
 * Ctrl-C ({@link Consumer#wakeup()}) is noticed in the next {@code poll()}, so the batch in hand is
 * committed first.
 */
public final class ExactlyOnceLoop<K, V> {

    /** What a service does with one poll's records; called inside the transaction. */
    public interface BatchProcessor<K, V> {
        /** The records to write for {@code records}; a failure here aborts the whole batch. */
        List<ProducerRecord<K, byte[]>> process(ConsumerRecords<K, V> records);

        /** The batch is committed: make its effects final (print, count). */
        void committed();

        /** The batch was aborted and will be read again: forget its effects. */
        void aborted();

        /** Called after every poll, with or without records (for periodic stats). */
        default void afterPoll() {
        }
    }

    /** A newer instance with the same transactional id or group instance id took over. */
    public static final class FencedException extends UserFacingException {
        FencedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ExactlyOnceLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final int COMMIT_ATTEMPTS = 3;

    private final Consumer<K, V> consumer;
    private final Producer<K, byte[]> producer;
    private final PrintStream out;
    private long committedTransactions;
    private long abortedTransactions;
    private long committedRecords;

    public ExactlyOnceLoop(Consumer<K, V> consumer, Producer<K, byte[]> producer, PrintStream out) {
        this.consumer = consumer;
        this.producer = producer;
        this.out = out;
    }

    /**
     * Runs until the consumer is woken up (Ctrl-C), or no record came for {@code idleTimeout}
     * (zero: wait for ever).
     *
     * @throws FencedException if another instance took over
     */
    public void run(Collection<String> topics, BatchProcessor<K, V> processor, Duration idleTimeout) {
        run(topics, processor, idleTimeout, Long.MAX_VALUE);
    }

    /** Like {@link #run(Collection, BatchProcessor, Duration)}, stopping once {@code maxRecords} are committed. */
    public void run(Collection<String> topics, BatchProcessor<K, V> processor, Duration idleTimeout, long maxRecords) {
        // Registers the transactional id with the transaction coordinator: aborts whatever a previous
        // instance with the same id left open, and fences that instance.
        producer.initTransactions();
        consumer.subscribe(topics, new PrintingRebalanceListener());
        try {
            long lastRecordAt = System.nanoTime();
            while ((idleTimeout.isZero() || System.nanoTime() - lastRecordAt < idleTimeout.toNanos())
                    && committedRecords < maxRecords) {
                ConsumerRecords<K, V> records = consumer.poll(POLL_TIMEOUT);
                if (!records.isEmpty()) {
                    processInTransaction(records, processor);
                    lastRecordAt = System.nanoTime();
                }
                processor.afterPoll();
            }
        } catch (WakeupException e) {
            // Ctrl-C: the last batch was committed before this poll; nothing is open.
        } catch (FencedInstanceIdException e) {
            // The group noticed first (a heartbeat, during poll): another consumer has our instance id.
            throw fenced(e);
        }
    }

    public long committedTransactions() {
        return committedTransactions;
    }

    public long abortedTransactions() {
        return abortedTransactions;
    }

    /** Records not yet read in the assigned partitions, as of the last fetch. */
    public long lag() {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        return lag;
    }

    private void processInTransaction(ConsumerRecords<K, V> records, BatchProcessor<K, V> processor) {
        producer.beginTransaction();
        try {
            for (ProducerRecord<K, byte[]> output : processor.process(records)) {
                producer.send(output); // a failed send makes commitTransaction() below throw
            }
            // The consumer's offsets become part of the transaction: committed if and only if the
            // outputs are. groupMetadata() lets the broker reject a member that was rebalanced out.
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            commit();
            committedTransactions++;
            committedRecords += records.count();
            processor.committed();
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException e) {
            throw fenced(e);
        } catch (InvalidConfigurationException e) {
            throw e; // fatal (authentication, authorization, unsupported version, ...): retrying cannot help
        } catch (WakeupException e) {
            abort(processor, e);
            throw e;
        } catch (KafkaException e) {
            abort(processor, e);
            rewindToCommittedOffsets();
        }
    }

    /**
     * A commit that times out may still be completing on the broker: retrying it is safe, aborting
     * is not allowed. If it keeps timing out, stop: closing the producer leaves the transaction to
     * the coordinator, and the next start with the same transactional id completes or aborts it.
     */
    private void commit() {
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

    private static FencedException fenced(KafkaException e) {
        return new FencedException("Another instance with the same name took over (" + e.getClass().getSimpleName()
                + "); this one stops. Give each running instance its own --instance.", e);
    }

    private void abort(BatchProcessor<K, V> processor, KafkaException cause) {
        abortedTransactions++;
        log.warn("Transaction aborted, its records will be processed again: {}", cause.toString());
        producer.abortTransaction();
        processor.aborted();
    }

    /** After an abort the consumer's position is past records whose results were thrown away: go back. */
    private void rewindToCommittedOffsets() {
        Set<TopicPartition> assignment = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assignment);
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
    static <K, V> Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<K, V> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<K, V>> partitionRecords = records.records(partition);
            long last = partitionRecords.get(partitionRecords.size() - 1).offset();
            offsets.put(partition, new OffsetAndMetadata(last + 1));
        }
        return offsets;
    }

    private final class PrintingRebalanceListener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                out.println("Assigned " + describe(partitions));
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Nothing to commit here: every batch is committed (or aborted) before the next poll.
            if (!partitions.isEmpty()) {
                out.println("Revoked " + describe(partitions));
            }
        }

        private String describe(Collection<TopicPartition> partitions) {
            return partitions.stream().map(TopicPartition::toString).sorted().collect(Collectors.joining(", "));
        }
    }
}
