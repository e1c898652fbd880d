package dev.franz.basicproducer;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * What a run sent: counts, bytes, time, and which partitions each key went to. Counted by
 * {@link BasicProducer}'s sends and callbacks; callbacks run on the producer's I/O thread, so every
 * count here is safe to update from two threads.
 */
final class SendSummary {

    private final long startedAt = System.nanoTime();
    private volatile long endedAt;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<String, Set<Integer>> partitionsByKey = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> recordsByKey = new ConcurrentHashMap<>();

    /** Counts one more send; returns its number, from 1. */
    long countSent() {
        return sent.incrementAndGet();
    }

    void countAcknowledged(String key, RecordMetadata metadata) {
        acknowledged.incrementAndGet();
        bytes.addAndGet(Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize()));
        partitionsByKey.computeIfAbsent(key, k -> new ConcurrentSkipListSet<>()).add(metadata.partition());
        recordsByKey.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    void countFailed() {
        failed.incrementAndGet();
    }

    SendSummary finish() {
        endedAt = System.nanoTime();
        return this;
    }

    long sent() {
        return sent.get();
    }

    long acknowledged() {
        return acknowledged.get();
    }

    long failed() {
        return failed.get();
    }

    /** Serialized keys and values of the acknowledged records, before compression. */
    long bytes() {
        return bytes.get();
    }

    Duration elapsed() {
        return Duration.ofNanos((endedAt == 0 ? System.nanoTime() : endedAt) - startedAt);
    }

    /** Every partition a key landed on: one each, since the key picks the partition. */
    Map<String, Set<Integer>> partitionsByKey() {
        Map<String, Set<Integer>> partitions = new TreeMap<>();
        partitionsByKey.forEach((key, set) -> partitions.put(key, Set.copyOf(set)));
        return partitions;
    }

    Map<String, Long> recordsByKey() {
        Map<String, Long> counts = new TreeMap<>();
        recordsByKey.forEach((key, count) -> counts.put(key, count.get()));
        return counts;
    }
}
