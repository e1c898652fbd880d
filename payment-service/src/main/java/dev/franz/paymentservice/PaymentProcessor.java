package dev.franz.paymentservice;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;

import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.events.Order;
import dev.franz.common.events.PaymentResult;
import dev.franz.common.events.PaymentStatus;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.DeadLetters;

/**
 * Turns orders into payment results: reads each order, validates it, charges it through the gateway
 * (with retries) and writes one result per order to {@code payments}, keyed by order id. What cannot
 * be paid goes to the dead letter topic with the reason in its headers. Never throws for a bad
 * record: one bad order must not stop the partition behind it. Makes no Kafka calls: PaymentService
 * sends what it returns inside its transaction, and tells it whether the batch was committed.
 */
final class PaymentProcessor {

    /**
     * Where results go and how much to print. {@code maxRequestSize} is the producer's
     * {@code max.request.size}: no dead letter is made bigger than that (DeadLetters cuts the value).
     */
    record Settings(String paymentsTopic, String deadLetterTopic, long printEvery, Duration reportInterval,
                    int maxRequestSize) {
    }

    private final RetryingGateway gateway;
    private final Settings settings;
    private final Clock clock;
    private final PrintStream out;
    private final JsonDeserializer<Order> orderReader = new JsonDeserializer<>(Order.class);
    private final JsonSerializer<PaymentResult> resultWriter = new JsonSerializer<>();
    private final PaymentStats stats = new PaymentStats();

    // The batch in the open transaction: counted and printed only once it is committed.
    private final List<String> batchLines = new ArrayList<>();
    private long batchApproved;
    private long batchDeclined;
    private long batchDeadLettered;
    private long batchRetried;

    private long seen;
    private long lastStatsAt;
    private long processedAtLastStats;

    PaymentProcessor(RetryingGateway gateway, Settings settings, Clock clock, PrintStream out) {
        this.gateway = gateway;
        this.settings = settings;
        this.clock = clock;
        this.out = out;
        this.lastStatsAt = System.nanoTime();
    }

    /** The result of one order, for payments, or the order itself for the dead letter topic. */
    ProducerRecord<String, byte[]> process(ConsumerRecord<String, byte[]> record) {
        String source = record.topic() + "-" + record.partition() + "@" + record.offset();
        Order order;
        try {
            order = orderReader.deserialize(record.topic(), record.value());
            if (order == null) {
                throw new SerializationException("The record has no value");
            }
        } catch (SerializationException e) {
            return deadLetter(record, "malformed", e, 0, source);
        }
        try {
            OrderValidation.check(order);
        } catch (InvalidOrderException e) {
            return deadLetter(record, "invalid", e, 0, source);
        }
        RetryingGateway.Outcome outcome = gateway.charge(order);
        if (outcome.attempts() > 1) {
            batchRetried++;
        }
        if (outcome.charge() == null) {
            return deadLetter(record, "retries-exhausted", outcome.failure(), outcome.attempts(), source);
        }
        Charge charge = outcome.charge();
        if (charge.status() == PaymentStatus.APPROVED) {
            batchApproved++;
        } else {
            batchDeclined++;
        }
        PaymentResult result = new PaymentResult(order.orderId(), order.customerId(), charge.status(), charge.reason(),
                order.amount(), order.currency(), clock.instant());
        printSampled(String.format("%-16s %-8s %9s %s  %s%s  (%s%s)", order.orderId(), order.customerId(),
                order.amount().toPlainString(), order.currency(), charge.status().name().toLowerCase(),
                charge.reason() == null ? "" : ": " + charge.reason(), source,
                outcome.attempts() > 1 ? ", " + outcome.attempts() + " attempts" : ""));
        // Keyed by order id, like the order: the result lands on the same partition number.
        return new ProducerRecord<>(settings.paymentsTopic(), order.orderId(),
                resultWriter.serialize(settings.paymentsTopic(), result));
    }

    private ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, String reason,
                                                      Exception error, int attempts, String source) {
        batchDeadLettered++;
        printSampled(String.format("%s -> %s (%s): %s", source, settings.deadLetterTopic(), reason, error.getMessage()));
        return DeadLetters.of(record, settings.deadLetterTopic(), reason, error, attempts, settings.maxRequestSize());
    }

    private void printSampled(String line) {
        seen++;
        if (ConsoleLines.printThis(seen, settings.printEvery())) {
            batchLines.add(line);
        }
    }

    /** The batch is committed: its results are final, count and print them. */
    void committed() {
        stats.add(batchApproved, batchDeclined, batchDeadLettered, batchRetried);
        stats.transactionCommitted();
        batchLines.forEach(out::println);
        clearBatch();
    }

    /** The batch was aborted (for the reason given) and will be read again: forget its effects. */
    void aborted(String why) {
        stats.transactionAborted();
        out.printf("Aborted a transaction of %d orders (%s): none of its results are visible; they will be"
                + " processed again.%n", batchApproved + batchDeclined + batchDeadLettered, why);
        clearBatch();
    }

    /** Called after every poll: prints a stats line once per report interval while orders come in. */
    void printStatsEvery(long lag) {
        long now = System.nanoTime();
        long elapsed = now - lastStatsAt;
        if (elapsed >= settings.reportInterval().toNanos()) {
            long processed = stats.processed();
            if (processed != processedAtLastStats) {
                out.println(stats.line((processed - processedAtLastStats) / (elapsed / 1e9), lag));
            }
            processedAtLastStats = processed;
            lastStatsAt = now;
        }
    }

    PaymentStats stats() {
        return stats;
    }

    private void clearBatch() {
        batchLines.clear();
        batchApproved = 0;
        batchDeclined = 0;
        batchDeadLettered = 0;
        batchRetried = 0;
    }
}
