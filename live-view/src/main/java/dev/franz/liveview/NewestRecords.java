package dev.franz.liveview;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;

import dev.franz.liveview.PartitionWindow.Stored;
import dev.franz.liveview.Views.CellView;
import dev.franz.liveview.Views.ClusterView;
import dev.franz.liveview.Views.PartitionRecords;
import dev.franz.liveview.Views.PartitionView;
import dev.franz.liveview.Views.TopicView;

/**
 * The newest records of every partition, read twice: by a {@code read_uncommitted} consumer (every
 * record, aborted ones too) and a {@code read_committed} one (what a transactional reader sees);
 * comparing the two shows aborted records and transaction markers. Both take their partitions with
 * {@code assign()}: they join no group and commit nothing. What they read is kept in one
 * {@link PartitionWindow} per partition; the records of Level 3's flow also go to the {@link OrderIndex}.
 */
final class NewestRecords {

    /** Partitions whose records are read; a cluster with more shows the rest as offsets only. */
    static final int MAX_READ_PARTITIONS = 1000;
    /** The records loop reads at most this often while records arrive (ten times a second). */
    private static final Duration READ_PACE = Duration.ofMillis(100);

    private final Properties clientProperties;
    private final int recordsPerPartition;
    private final OrderIndex orders;
    private final Map<TopicPartition, PartitionWindow> windows = new ConcurrentHashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean running = true;
    private KafkaConsumer<byte[], byte[]> uncommitted; // both set once the loop has made them, for stop()
    private KafkaConsumer<byte[], byte[]> committed;

    NewestRecords(Properties clientProperties, int recordsPerPartition, OrderIndex orders) {
        this.clientProperties = clientProperties;
        this.recordsPerPartition = recordsPerPartition;
        this.orders = orders;
    }

    /** The loop, on a thread of its own until {@link #stop()}; {@code latest}: the Admin side's newest look. */
    void run(Supplier<ClusterView> latest) {
        try (KafkaConsumer<byte[], byte[]> readUncommitted = KafkaWatcher.consumer(clientProperties,
                     "franz-live-view-read-uncommitted", IsolationLevel.READ_UNCOMMITTED);
             KafkaConsumer<byte[], byte[]> readCommitted = KafkaWatcher.consumer(clientProperties,
                     "franz-live-view-read-committed", IsolationLevel.READ_COMMITTED)) {
            synchronized (this) {
                uncommitted = readUncommitted;
                committed = readCommitted;
            }
            Map<TopicPartition, long[]> assigned = Map.of(); // partition -> [log start, high watermark]
            while (running) {
                long pollStartedAt = System.nanoTime();
                ClusterView view = latest.get();
                Map<TopicPartition, long[]> wanted = partitionsToRead(view);
                if (!wanted.keySet().equals(assigned.keySet())) {
                    reassign(readUncommitted, readCommitted, assigned.keySet(), wanted);
                }
                assigned = wanted;
                jumpAheadWhenFarBehind(readUncommitted, readCommitted, wanted);
                if (assigned.isEmpty()) {
                    if (stop.await(200, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    continue;
                }
                ConsumerRecords<byte[], byte[]> uncommittedRecords = readUncommitted.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> record : uncommittedRecords) {
                    PartitionWindow window = windows.get(new TopicPartition(record.topic(), record.partition()));
                    if (window != null) {
                        Stored stored = stored(record);
                        synchronized (window) {
                            window.addUncommitted(stored);
                        }
                        if (orders.covers(record.topic())) {
                            orders.addRecord(record.topic(), record.partition(), stored);
                        }
                    }
                }
                for (ConsumerRecord<byte[], byte[]> record : readCommitted.poll(Duration.ofMillis(100))) {
                    PartitionWindow window = windows.get(new TopicPartition(record.topic(), record.partition()));
                    if (window != null) {
                        synchronized (window) {
                            window.addCommitted(record.offset());
                        }
                        if (orders.covers(record.topic())) {
                            orders.addCommitted(record.topic(), record.partition(), record.offset(), record.key());
                        }
                    }
                }
                Map<TopicPartition, Long> lso = lastStableOffsets(view);
                for (TopicPartition tp : assigned.keySet()) {
                    PartitionWindow window = windows.get(tp);
                    Long u = position(readUncommitted, tp);
                    Long c = position(readCommitted, tp);
                    if (window != null && u != null && c != null) {
                        synchronized (window) {
                            window.positions(u, c);
                            window.lastStableOffset(lso.getOrDefault(tp, -1L));
                        }
                        if (orders.covers(tp.topic())) {
                            orders.positions(tp.topic(), tp.partition(), u, c);
                        }
                    }
                }
                // The page gets records at most five times a second: reading more often than ten times a
                // second would only cost CPU while a producer runs at full speed (docs/live-view.md, "What it costs").
                long paceNanos = READ_PACE.toNanos() - (System.nanoTime() - pollStartedAt);
                if (!uncommittedRecords.isEmpty() && paceNanos > 0 && stop.await(paceNanos, TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
        } catch (WakeupException | InterruptedException stopping) {
            // stop() woke us up: the consumers close as we leave the try
        }
    }

    /** Ends the loop: wakes up a consumer blocked in {@code poll()} (it throws WakeupException). */
    void stop() {
        running = false;
        stop.countDown();
        synchronized (this) {
            if (uncommitted != null) {
                uncommitted.wakeup();
                committed.wakeup();
            }
        }
    }

    /** The next offset {@code consumer} fetches; null while it must ask the broker (after a reset, broker away). */
    private static Long position(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp) {
        try {
            return consumer.position(tp, Duration.ofMillis(100));
        } catch (org.apache.kafka.common.errors.TimeoutException notKnownYet) {
            return null;
        }
    }

    /** The partitions of every topic whose records are read, with log start and high watermark. */
    private static Map<TopicPartition, long[]> partitionsToRead(ClusterView view) {
        Map<TopicPartition, long[]> wanted = new LinkedHashMap<>();
        if (!view.brokerUp()) {
            return wanted;
        }
        for (TopicView topic : view.topics()) {
            if (!topic.recordsRead()) {
                continue;
            }
            for (PartitionView p : topic.partitions()) {
                if (wanted.size() < MAX_READ_PARTITIONS) {
                    wanted.put(new TopicPartition(topic.name(), p.partition()), new long[] {p.logStartOffset(), p.highWatermark()});
                }
            }
        }
        return wanted;
    }

    private static Map<TopicPartition, Long> lastStableOffsets(ClusterView view) {
        Map<TopicPartition, Long> lso = new HashMap<>();
        for (TopicView topic : view.topics()) {
            topic.partitions().forEach(p -> lso.put(new TopicPartition(topic.name(), p.partition()), p.lastStableOffset()));
        }
        return lso;
    }

    private void reassign(KafkaConsumer<byte[], byte[]> readUncommitted, KafkaConsumer<byte[], byte[]> readCommitted,
                          Set<TopicPartition> before, Map<TopicPartition, long[]> wanted) {
        readUncommitted.assign(wanted.keySet());
        readCommitted.assign(wanted.keySet());
        windows.keySet().retainAll(wanted.keySet());
        for (Map.Entry<TopicPartition, long[]> entry : wanted.entrySet()) {
            TopicPartition tp = entry.getKey();
            if (before.contains(tp) && windows.containsKey(tp)) {
                continue;
            }
            long start = Math.max(entry.getValue()[0], entry.getValue()[1] - recordsPerPartition);
            readUncommitted.seek(tp, start);
            readCommitted.seek(tp, start);
            windows.put(tp, new PartitionWindow(recordsPerPartition, start));
            orders.readingFrom(tp.topic(), tp.partition(), start, entry.getValue()[0], System.currentTimeMillis());
        }
    }

    /**
     * A reader far behind the end (a producer at full speed) skips to the newest records instead of
     * reading every one: the page shows the newest, and the live view's load stays small.
     */
    private void jumpAheadWhenFarBehind(KafkaConsumer<byte[], byte[]> readUncommitted,
                                        KafkaConsumer<byte[], byte[]> readCommitted, Map<TopicPartition, long[]> wanted) {
        for (Map.Entry<TopicPartition, long[]> entry : wanted.entrySet()) {
            TopicPartition tp = entry.getKey();
            PartitionWindow window = windows.get(tp);
            Long position = position(readUncommitted, tp);
            // The end: the newer of what the last fetch said (the consumer's lag) and the last look.
            long end = Math.max(entry.getValue()[1], position == null ? -1
                    : position + readUncommitted.currentLag(tp).orElse(0));
            if (window != null && position != null && end - position > 4L * recordsPerPartition) {
                long start = end - recordsPerPartition;
                if (orders.covers(tp.topic())) {
                    Long committedAt = position(readCommitted, tp);
                    orders.skipped(tp.topic(), tp.partition(), committedAt == null ? position : Math.min(committedAt, position),
                            position, start, System.currentTimeMillis());
                }
                readUncommitted.seek(tp, start);
                readCommitted.seek(tp, start);
                synchronized (window) {
                    window.restart(start);
                }
            }
        }
    }

    private static Stored stored(ConsumerRecord<byte[], byte[]> record) {
        List<PartitionWindow.Header> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            if (headers.size() == RecordText.STORED_HEADERS) {
                break; // the details say how many more there were
            }
            byte[] value = header.value();
            String key = header.key().length() <= RecordText.STORED_HEADER_BYTES ? header.key()
                    : header.key().substring(0, RecordText.STORED_HEADER_BYTES);
            headers.add(new PartitionWindow.Header(key, value == null ? null : cut(value, RecordText.STORED_HEADER_BYTES)));
        }
        byte[] value = record.value();
        return new Stored(record.offset(), record.timestamp(), record.key() == null ? null
                : cut(record.key(), RecordText.STORED_KEY_BYTES), value == null ? null
                : cut(value, RecordText.STORED_VALUE_BYTES), value == null ? -1 : value.length, headers,
                record.headers().toArray().length);
    }

    private static byte[] cut(byte[] bytes, int max) {
        return bytes.length <= max ? bytes : java.util.Arrays.copyOf(bytes, max);
    }

    /** The window of one partition, or null when its records are not read (yet). Synchronize on it to read it. */
    PartitionWindow window(TopicPartition tp) {
        return windows.get(tp);
    }

    /** The windows whose cells changed since {@code seen} (partition -> version), as views; updates {@code seen}. */
    List<PartitionRecords> changedRecords(Map<TopicPartition, Long> seen) {
        List<PartitionRecords> changed = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionWindow> entry : windows.entrySet()) {
            PartitionWindow window = entry.getValue();
            synchronized (window) {
                Long version = seen.get(entry.getKey());
                if (version != null && version == window.version()) {
                    continue;
                }
                seen.put(entry.getKey(), window.version());
                changed.add(new PartitionRecords(entry.getKey().topic(), entry.getKey().partition(), window.start(),
                        window.cells().stream().map(NewestRecords::cellView).toList()));
            }
        }
        seen.keySet().retainAll(windows.keySet());
        return changed;
    }

    private static CellView cellView(PartitionWindow.Cell cell) {
        Stored r = cell.record();
        return new CellView(cell.offset(), cell.kind(), cell.status().name().toLowerCase(java.util.Locale.ROOT),
                cell.markerOf(), r == null ? null : RecordText.shortText(r.key()), r == null ? null : r.timestamp(),
                r == null ? null : r.valueSize());
    }

    /** A record kept in a window, with what the live view knows of it. */
    record Shown(Stored stored, PartitionWindow.Status status) {
    }

    /** The record at {@code offset} if it is (still) shown, else null. */
    Shown record(TopicPartition tp, long offset) {
        PartitionWindow window = windows.get(tp);
        if (window == null) {
            return null;
        }
        synchronized (window) {
            Stored stored = window.find(offset);
            return stored == null ? null : new Shown(stored, window.statusOf(offset));
        }
    }
}
