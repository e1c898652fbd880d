package dev.franz.orderproducer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.KafkaException;

/**
 * What a run sent: counted by the main thread (sent) and by the producer's I/O thread, in the
 * callbacks (acknowledged, failed, the broker's first refusal of this user).
 */
final class OrderCounts {

    private final long startedAt = System.nanoTime();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<KafkaException> refused = new AtomicReference<>();

    void countSent() {
        sent.incrementAndGet();
    }

    /** @return how many are acknowledged now, this one included */
    long countAcknowledged() {
        return acknowledged.incrementAndGet();
    }

    void countFailed() {
        failed.incrementAndGet();
    }

    /** Keeps the first refusal of this user by the broker. */
    void refused(KafkaException refusal) {
        refused.compareAndSet(null, refusal);
    }

    /** The broker's refusal of this user (a missing ACL, ...), if a send met one: no point sending more. */
    KafkaException refusal() {
        return refused.get();
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

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedAt);
    }
}
