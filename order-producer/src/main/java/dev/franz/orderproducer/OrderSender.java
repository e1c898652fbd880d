package dev.franz.orderproducer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.events.Order;

/**
 * Sends orders keyed by order id, so that every event about one order lands on one partition and
 * is read in order; prints each acknowledged order (or every Nth, {@code --print-every}). Works with any {@link Producer}, a {@code MockProducer} in unit tests.
 */
final class OrderSender {

    /** What a run sent. */
    record Summary(long sent, long acknowledged, long failed, Duration elapsed) {
    }


    private final Producer<String, Order> producer;
    private final String topic;
    private final PrintStream out;
    private final long printEvery;
    private final long startedAt = System.nanoTime();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<KafkaException> refused = new AtomicReference<>();

    /** @param printEvery as {@code --print-every}: the first order, then every Nth; 0 prints none */
    OrderSender(Producer<String, Order> producer, String topic, PrintStream out, long printEvery) {
        this.producer = producer;
        this.topic = topic;
        this.out = out;
        this.printEvery = printEvery;
    }

    void send(Order order) {
        sent.incrementAndGet();
        producer.send(new ProducerRecord<>(topic, order.orderId(), order), (metadata, error) -> {
            if (error != null) {
                // Retriable errors were already retried until delivery.timeout.ms: this one is final.
                failed.incrementAndGet();
                out.printf("order %s FAILED: %s%n", order.orderId(), error);
                if (error instanceof AuthorizationException || error instanceof AuthenticationException) {
                    // The broker refused this user: every next order would fail the same way. Stop sending.
                    refused.compareAndSet(null, (KafkaException) error);
                }
                return;
            }
            long number = acknowledged.incrementAndGet();
            if (ConsoleLines.printThis(number, printEvery)) {
                out.printf("order %-16s %-7s %d item(s) %8s %s -> %s partition %d offset %d%n", order.orderId(),
                        order.customerId(), order.items().size(), order.amount().toPlainString(), order.currency(),
                        metadata.topic(), metadata.partition(), metadata.offset());
            }
        });
    }

    void flush() {
        producer.flush();
    }

    /** The broker's refusal of this user (a missing ACL, ...), if a send met one: no point sending more. */
    KafkaException refusal() {
        return refused.get();
    }

    Summary summary() {
        return new Summary(sent.get(), acknowledged.get(), failed.get(), Duration.ofNanos(System.nanoTime() - startedAt));
    }
}
