package dev.franz.basicconsumer;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.kafka.ConnectionLines;

/**
 * The poll loop of basic-consumer: subscribe, poll, print, commit. Ends on {@code consumer.wakeup()}
 * (Ctrl-C), after {@code maxMessages}, or after {@code idleTimeout} without a record.
 */
final class ConsumeLoop {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /**
     * commitSync() waits for the broker's answer up to default.api.timeout.ms (60 s): a broker gone
     * during a commit would freeze the loop that long, saying nothing. Wait 5 s, then poll again
     * (which says the broker is gone) and commit the same offsets after the next poll.
     */
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How the loop runs; {@code maxMessages} 0 and a zero {@code idleTimeout} mean no limit.
     * The idle timeout counts only while this consumer owns partitions.
     */
    record Settings(boolean manualCommit, StartPosition startPosition, long maxMessages, Duration idleTimeout,
                    long printEvery) {

        /** True when the run replays (--from-...): it reads every partition itself and commits nothing. */
        boolean replaying() {
            return !(startPosition instanceof StartPosition.Committed);
        }
    }

    /** Values larger than this are printed as their size. */
    private static final int MAX_PRINTED_BYTES = 500;

    private final Consumer<String, JsonNode> consumer;
    private final Settings settings;
    private final PrintStream out;

    /** Next offset to commit per partition: the offset after the last record processed (or skipped). */
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new TreeMap<>(ConsumeLoop::compare);
    private final Map<Integer, Long> recordsByPartition = new TreeMap<>();
    /** The partitions this member owns now (the idle timeout counts only while there are some). */
    private volatile Set<TopicPartition> owned = Set.of();
    private long records;
    private long poisonRecords;

    private final ConnectionLines connection;

    ConsumeLoop(Consumer<String, JsonNode> consumer, Settings settings, PrintStream out, ConnectionLines connection) {
        this.consumer = consumer;
        this.settings = settings;
        this.out = out;
        this.connection = connection;
    }

    ConsumeSummary run(String topic) {
        long startedAt = System.nanoTime();
        if (settings.replaying()) {
            // Replay reads *every* partition, whatever other members of the group do: assign() takes
            // them all without joining the group (subscribe() would get only this member's share).
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            owned = Set.copyOf(partitions);
            partitions.forEach(this::applyStartPosition);
        } else {
            consumer.subscribe(List.of(topic), new PrintingRebalanceListener());
        }
        long lastRecordAt = System.nanoTime();
        try {
            while (!reachedMaxMessages()) {
                ConsumerRecords<String, JsonNode> batch;
                try {
                    batch = consumer.poll(POLL_TIMEOUT);
                } catch (RecordDeserializationException poison) {
                    skip(poison);
                    continue;
                }
                connection.check(consumer.metrics()); // one line when the broker goes, one when it is back
                process(batch);
                commitProcessed(); // nothing to do unless records were processed (or a commit timed out)
                if (!batch.isEmpty() || owned.isEmpty()) {
                    // Idle means owning partitions and getting nothing: waiting for an assignment
                    // (after a crash, the group waits a session timeout first) does not count.
                    lastRecordAt = System.nanoTime();
                } else if (idleFor(lastRecordAt)) {
                    out.printf("No new records for %d s: stopping.%n", settings.idleTimeout().toSeconds());
                    break;
                }
            }
        } catch (WakeupException shutdownRequested) {
            // consumer.wakeup() from the shutdown hook: leave the loop, commit below, then close.
        } finally {
            commitProcessed();
            if (settings.manualCommit() && !settings.replaying() && !processed.isEmpty()) {
                out.println(notCommitted(processed.keySet()));
            }
        }
        return new ConsumeSummary(records, poisonRecords, Duration.ofNanos(System.nanoTime() - startedAt),
                recordsByPartition, committed);
    }

    /** Partition by partition: records of one partition are in offset order, across partitions not. */
    private void process(ConsumerRecords<String, JsonNode> batch) {
        for (TopicPartition partition : batch.partitions()) {
            long done = 0;
            long nextOffset = -1;
            for (ConsumerRecord<String, JsonNode> record : batch.records(partition)) {
                if (reachedMaxMessages()) {
                    // Fetched but not processed: move the position back to it, or an automatic
                    // commit (which commits positions) would skip it for the group.
                    consumer.seek(partition, record.offset());
                    break;
                }
                print(record);
                records++;
                done++;
                nextOffset = record.offset() + 1;
            }
            if (done > 0) {
                recordsByPartition.merge(partition.partition(), done, Long::sum);
                // Commit the offset of the *next* record to read: that is where the group resumes.
                processed.put(partition, new OffsetAndMetadata(nextOffset));
            }
        }
    }

    private void print(ConsumerRecord<String, JsonNode> record) {
        if (ConsoleLines.printThis(records + 1, settings.printEvery())) {
            // A large value is shown by its size: a megabyte of JSON in the terminal shows nothing.
            Object value = record.serializedValueSize() > MAX_PRINTED_BYTES
                    ? "(a value of " + record.serializedValueSize() + " bytes)" : record.value();
            out.printf("partition %d  offset %-5d key %-8s %s  %s%n", record.partition(), record.offset(), record.key(),
                    TIME.format(Instant.ofEpochMilli(record.timestamp())), value);
        }
    }

    /**
     * A record whose bytes are not JSON: poll() throws, and the position stays on it, so every
     * further poll() would throw again. Report it and step over it.
     */
    private void skip(RecordDeserializationException poison) {
        poisonRecords++;
        TopicPartition partition = poison.topicPartition();
        out.println(ConsoleLines.skipped(partition.topic(), partition.partition(), poison.offset(),
                poison.getCause() == null ? poison.getMessage() : poison.getCause().getMessage()));
        consumer.seek(partition, poison.offset() + 1);
        processed.put(partition, new OffsetAndMetadata(poison.offset() + 1));
    }

    /**
     * Manual-commit mode: commit what was processed, synchronously. At least once: a crash between
     * processing and this commit means those records are read again at the next start, never lost.
     */
    private void commitProcessed() {
        if (!settings.manualCommit() || settings.replaying() || processed.isEmpty()) {
            return;
        }
        if (commit(processed)) {
            processed.clear();
        }
    }

    /**
     * Commits {@code offsets}; false if the broker did not answer within {@link #COMMIT_TIMEOUT}.
     * Nothing is lost then: the offsets are committed later, or, if the consumer stops first, the
     * group reads those records again from its last commit (at least once).
     */
    private boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (TimeoutException brokerNotAnswering) {
            return false;
        }
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
        return true;
    }

    /** Moves the position of one partition to the replay start (--from-beginning, -offset, -timestamp). */
    private void applyStartPosition(TopicPartition partition) {
        StartPosition start = settings.startPosition();
        if (start instanceof StartPosition.Beginning) {
            consumer.seekToBeginning(List.of(partition));
        } else if (start instanceof StartPosition.Offset offset) {
            // Seeking outside the log would make the consumer reset by auto.offset.reset (to the first
            // record here) without a word: say where this partition starts instead.
            long first = consumer.beginningOffsets(List.of(partition)).get(partition);
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long from = Math.max(first, Math.min(offset.offset(), end));
            if (from != offset.offset()) {
                out.printf("partition %d has offsets %d to %d: --from-offset %d is %s, so it starts at %d%s%n",
                        partition.partition(), first, end - 1, offset.offset(),
                        offset.offset() > end ? "past its end" : "before its first record (deleted by retention)",
                        from, from == end ? ", the next record written" : ", its first record");
            }
            consumer.seek(partition, from);
        } else if (start instanceof StartPosition.Timestamp timestamp) {
            Map<TopicPartition, OffsetAndTimestamp> found =
                    consumer.offsetsForTimes(Map.of(partition, timestamp.timestamp().toEpochMilli()));
            OffsetAndTimestamp offset = found.get(partition);
            if (offset == null) {
                consumer.seekToEnd(List.of(partition)); // no record at or after that time
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
    }

    /** The line for offsets a commit could not save: what the group will read again. */
    private static String notCommitted(Collection<TopicPartition> partitions) {
        return "Not committed (no answer from the broker): " + partitions.stream().sorted(ConsumeLoop::compare).toList()
                + "; the group goes on from their last commit, so their last records will be read again.";
    }

    /** The partitions this consumer owns right now, as the group assigned them. Thread-safe. */
    Set<TopicPartition> ownedPartitions() {
        return owned;
    }

    private boolean reachedMaxMessages() {
        return settings.maxMessages() > 0 && records >= settings.maxMessages();
    }

    private boolean idleFor(long lastRecordAt) {
        return !settings.idleTimeout().isZero()
                && System.nanoTime() - lastRecordAt > settings.idleTimeout().toNanos();
    }

    private static int compare(TopicPartition a, TopicPartition b) {
        int byTopic = a.topic().compareTo(b.topic());
        return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
    }

    /** Shows the consumer group at work: which partitions this instance owns, as they move. */
    private final class PrintingRebalanceListener implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            // Another instance is about to own these: commit what was done with them first,
            // or it would process those records again.
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = processed.remove(partition);
                if (offset != null && settings.manualCommit()) {
                    done.put(partition, offset);
                }
            }
            if (!done.isEmpty() && !commit(done)) {
                out.println(notCommitted(done.keySet()));
            }
            owned = without(owned, partitions);
            out.println(ConsoleLines.revoked(partitions));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> now = new HashSet<>(owned);
            now.addAll(partitions);
            owned = Set.copyOf(now);
            out.println(ConsoleLines.assigned(partitions));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // The group moved on without us (e.g. we missed heartbeats): another member may have
            // these already, so committing now would overwrite its progress.
            partitions.forEach(processed::remove);
            owned = without(owned, partitions);
            out.println(ConsoleLines.lost(partitions));
        }

        private static Set<TopicPartition> without(Set<TopicPartition> from, Collection<TopicPartition> removed) {
            Set<TopicPartition> rest = new HashSet<>(from);
            rest.removeAll(removed);
            return Set.copyOf(rest);
        }
    }
}
