package dev.franz.basicconsumer;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What a run read, skipped and committed: counted by {@link BasicConsumer}'s poll loop, printed at the end. */
final class ConsumeSummary {

    static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final long startedAt = System.nanoTime();
    private long endedAt;
    private long records;
    private long poisonRecords;
    private final Map<Integer, Long> recordsByPartition = new TreeMap<>();
    private final Map<TopicPartition, Long> committed = new TreeMap<>(BY_TOPIC_AND_PARTITION);

    void read(int partition) {
        records++;
        recordsByPartition.merge(partition, 1L, Long::sum);
    }

    void skipped() {
        poisonRecords++;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
    }

    ConsumeSummary finish() {
        endedAt = System.nanoTime();
        return this;
    }

    /** Records printed (or counted, with --print-every), not those skipped. */
    long records() {
        return records;
    }

    /** Records skipped because their bytes are not JSON. */
    long poisonRecords() {
        return poisonRecords;
    }

    Duration elapsed() {
        return Duration.ofNanos((endedAt == 0 ? System.nanoTime() : endedAt) - startedAt);
    }

    /** Records read per partition number. */
    Map<Integer, Long> recordsByPartition() {
        return recordsByPartition;
    }

    /** Offsets this run committed itself (manual-commit mode): the next offset to read in each partition. */
    Map<TopicPartition, Long> committed() {
        return committed;
    }
}
