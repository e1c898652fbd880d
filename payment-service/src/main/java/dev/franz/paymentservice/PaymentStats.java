package dev.franz.paymentservice;

/** What the payment service has committed so far. Only committed batches count. */
final class PaymentStats {

    private long approved;
    private long declined;
    private long deadLettered;
    private long retried;

    void add(long approved, long declined, long deadLettered, long retried) {
        this.approved += approved;
        this.declined += declined;
        this.deadLettered += deadLettered;
        this.retried += retried;
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

    String line(double ordersPerSecond, long lag, long abortedTransactions) {
        return String.format("[stats] %,d orders: %,d approved, %,d declined, %,d dead-lettered (%,d retried)"
                        + " | %,.0f orders/s | lag %,d | %,d aborted transactions",
                processed(), approved, declined, deadLettered, retried, ordersPerSecond, lag, abortedTransactions);
    }
}
