package dev.franz.paymentservice;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** What the payment service has committed so far (only committed batches count), and its transactions. */
final class PaymentStats {

    private long approved;
    private long declined;
    private long deadLettered;
    private long retried;
    private long transactionsCommitted;
    private long transactionsAborted;

    void add(long approved, long declined, long deadLettered, long retried) {
        this.approved += approved;
        this.declined += declined;
        this.deadLettered += deadLettered;
        this.retried += retried;
    }

    void transactionCommitted() {
        transactionsCommitted++;
    }

    void transactionAborted() {
        transactionsAborted++;
    }

    long transactionsCommitted() {
        return transactionsCommitted;
    }

    long transactionsAborted() {
        return transactionsAborted;
    }

    long processed() {
        return approved + declined + deadLettered;
    }

    long approved() {
        return approved;
    }

    long declined() {
        return declined;
    }

    long deadLettered() {
        return deadLettered;
    }

    /** Orders that needed more than one gateway attempt. */
    long retried() {
        return retried;
    }

    String line(double ordersPerSecond, long lag) {
        return String.format("[stats] %,d orders: %,d approved, %,d declined, %,d dead-lettered (%,d retried)"
                        + " | %,.0f orders/s | lag %,d | %,d aborted transactions",
                processed(), approved, declined, deadLettered, retried, ordersPerSecond, lag, transactionsAborted);
    }

    /** Records not yet read in the consumer's assigned partitions, as of its last fetch. */
    static long lag(Consumer<?, ?> consumer) {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        return lag;
    }
}
