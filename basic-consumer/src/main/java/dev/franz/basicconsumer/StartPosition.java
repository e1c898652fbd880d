package dev.franz.basicconsumer;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Where this run starts reading each partition. {@link #committed()} is the normal case: where the
 * group left off, or {@code auto.offset.reset} if the group has no committed offset yet. The others
 * replay: the run reads every partition of the topic from there (assign(), outside the group) and
 * commits nothing, so the group's offsets stay where they are.
 */
sealed interface StartPosition {

    static StartPosition committed() {
        return new Committed();
    }

    /** Moves the consumer's position in {@code partition}, which it was assigned, to this start. */
    void seek(Consumer<?, ?> consumer, TopicPartition partition, PrintStream out);

    /** Where the group left off: the consumer finds it itself, nothing to seek. */
    record Committed() implements StartPosition {
        @Override
        public void seek(Consumer<?, ?> consumer, TopicPartition partition, PrintStream out) {
        }
    }

    /** --from-beginning. */
    record Beginning() implements StartPosition {
        @Override
        public void seek(Consumer<?, ?> consumer, TopicPartition partition, PrintStream out) {
            consumer.seekToBeginning(List.of(partition));
        }
    }

    /** --from-offset. */
    record Offset(long offset) implements StartPosition {
        @Override
        public void seek(Consumer<?, ?> consumer, TopicPartition partition, PrintStream out) {
            // Seeking outside the log would make the consumer reset by auto.offset.reset (to the first
            // record here) without a word: say where this partition starts instead.
            long first = consumer.beginningOffsets(List.of(partition)).get(partition);
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long from = Math.max(first, Math.min(offset, end));
            if (from != offset) {
                out.printf("partition %d has offsets %d to %d: --from-offset %d is %s, so it starts at %d%s%n",
                        partition.partition(), first, end - 1, offset,
                        offset > end ? "past its end" : "before its first record (deleted by retention)",
                        from, from == end ? ", the next record written" : ", its first record");
            }
            consumer.seek(partition, from);
        }
    }

    /** --from-timestamp. */
    record Timestamp(Instant timestamp) implements StartPosition {
        @Override
        public void seek(Consumer<?, ?> consumer, TopicPartition partition, PrintStream out) {
            OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, timestamp.toEpochMilli())).get(partition);
            if (found == null) {
                consumer.seekToEnd(List.of(partition)); // no record at or after that time
            } else {
                consumer.seek(partition, found.offset());
            }
        }
    }
}
