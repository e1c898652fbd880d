package dev.franz.paymentservice;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;

import dev.franz.common.events.Order;
import dev.franz.common.events.PaymentResult;
import dev.franz.common.events.PaymentStatus;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.common.kafka.ExactlyOnceLoop;

/**
 * Turns orders into payment results: reads each order, validates it, charges it through the gateway
 * (with retries) and writes one result per order to {@code payments}, keyed by order id. What cannot
 * be paid goes to the dead letter topic with the reason in its headers. Never throws for a bad
 * record: one bad order must not stop the partition behind it.
 */
final class PaymentProcessor implements ExactlyOnceLoop.BatchProcessor<String, byte[]> {

    /** Where results go and how much to print. */
    record Settings(String paymentsTopic, String deadLetterTopic, long printEvery, Duration statsInterval) {
    }

    private final RetryingGateway gateway;
    private final Settings settings;
    private final Clock clock;
    private final PrintStream out;
    private final LongSupplier lag;
    private final LongSupplier abortedTransactions;
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

    PaymentProcessor(RetryingGateway gateway, Settings settings, Clock clock, PrintStream out, LongSupplier lag,
                     LongSupplier abortedTransactions) {
        this.gateway = gateway;
        this.settings = settings;
        this.clock = clock;
        this.out = out;
        this.lag = lag;
        this.abortedTransactions = abortedTransactions;
        this.lastStatsAt = System.nanoTime();
    }

    @Override
    public List<ProducerRecord<String, byte[]>> process(ConsumerRecords<String, byte[]> records) {
        List<ProducerRecord<String, byte[]>> outputs = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            outputs.add(process(record));
        }
        return outputs;
    }

    private ProducerRecord<String, byte[]> process(ConsumerRecord<String, byte[]> record) {
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
        return DeadLetters.of(record, settings.deadLetterTopic(), reason, error, attempts);
    }

    private void printSampled(String line) {
        seen++;
        if (settings.printEvery() > 0 && seen % settings.printEvery() == 0) {
            batchLines.add(line);
        }
    }

    @Override
    public void committed() {
        stats.add(batchApproved, batchDeclined, batchDeadLettered, batchRetried);
        batchLines.forEach(out::println);
        clearBatch();
    }

    @Override
    public void aborted() {
        out.printf("Aborted a transaction of %d orders: none of its results are visible; they will be processed"
                + " again.%n", batchApproved + batchDeclined + batchDeadLettered);
        clearBatch();
    }

    @Override
    public void afterPoll() {
        long now = System.nanoTime();
        long elapsed = now - lastStatsAt;
        if (elapsed >= settings.statsInterval().toNanos()) {
            long processed = stats.processed();
            if (processed != processedAtLastStats) {
                printStats((processed - processedAtLastStats) / (elapsed / 1e9));
            }
            processedAtLastStats = processed;
            lastStatsAt = now;
        }
    }

    void printStats(double ordersPerSecond) {
        out.println(stats.line(ordersPerSecond, lag.getAsLong(), abortedTransactions.getAsLong()));
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
