package dev.franz.notificationservice;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;

import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.events.Notification;
import dev.franz.common.events.NotificationKind;
import dev.franz.common.events.Order;
import dev.franz.common.events.PaymentResult;
import dev.franz.common.events.PaymentStatus;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;

/**
 * Turns orders and payment results into notifications: "order received" for each order, "payment
 * approved" or "payment declined" for each payment result, at most one per (order, kind).
 * Records it cannot read are skipped with one line: payment-service dead-letters bad orders. Makes no
 * Kafka calls: NotificationService sends what it returns inside its transaction.
 */
final class NotificationProcessor {

    /** What was notified, skipped as a duplicate, or unreadable. */
    record Counts(long sent, long duplicates, long unreadable) {

        /** The records of committed transactions: each is sent, a duplicate, or unreadable. */
        long read() {
            return sent + duplicates + unreadable;
        }
    }

    /**
     * The largest amount a notification states, and its decimals: past them the record is skipped as
     * unreadable. Without bounds, an amount of {@code 1e999999999} is a number, and written out in full
     * it is a billion digits (payment-service refuses such orders; this service reads orders directly).
     */
    static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");
    static final int MAX_DECIMALS = 2;
    /** Ids are short: a megabyte id would make a notification (keyed by it, holding it) too large to write. */
    static final int MAX_ID_LENGTH = 100;

    private final String ordersTopic;
    private final String notificationsTopic;
    private final SentNotifications sent;
    private final Clock clock;
    private final PrintStream out;
    private final long printEvery;
    private final JsonDeserializer<Order> orderReader = new JsonDeserializer<>(Order.class);
    private final JsonDeserializer<PaymentResult> paymentReader = new JsonDeserializer<>(PaymentResult.class);
    private final JsonSerializer<Notification> writer = new JsonSerializer<>();

    // The open transaction's notifications: final (printed, remembered) only once committed.
    private final List<Notification> batch = new ArrayList<>();
    private long batchDuplicates;
    private long batchUnreadable;
    private long totalSent;
    private long totalDuplicates;
    private long totalUnreadable;
    private long transactionsCommitted;
    private long transactionsAborted;

    NotificationProcessor(String ordersTopic, String notificationsTopic, SentNotifications sent, Clock clock,
                          PrintStream out, long printEvery) {
        this.ordersTopic = ordersTopic;
        this.notificationsTopic = notificationsTopic;
        this.sent = sent;
        this.clock = clock;
        this.out = out;
        this.printEvery = printEvery;
    }

    /** The notification for an order or a payment result, or null when there is nothing to send. */
    ProducerRecord<String, byte[]> process(ConsumerRecord<String, byte[]> record) {
        Notification notification;
        try {
            notification = record.topic().equals(ordersTopic) ? orderReceived(record) : paymentResult(record);
        } catch (SerializationException e) {
            batchUnreadable++;
            out.println(ConsoleLines.skipped(record.topic(), record.partition(), record.offset(), e.getMessage()));
            return null;
        }
        if (notification == null) {
            batchUnreadable++;
            out.println(ConsoleLines.skipped(record.topic(), record.partition(), record.offset(),
                    "no value or no order id"));
            return null;
        }
        String unusable = unusable(notification);
        if (unusable != null) {
            batchUnreadable++;
            out.println(ConsoleLines.skipped(record.topic(), record.partition(), record.offset(), unusable));
            return null;
        }
        if (sent.wasSent(notification.orderId(), notification.kind()) || inBatch(notification)) {
            batchDuplicates++;
            return null;
        }
        batch.add(notification);
        return new ProducerRecord<>(notificationsTopic, notification.orderId(),
                writer.serialize(notificationsTopic, notification));
    }

    private Notification orderReceived(ConsumerRecord<String, byte[]> record) {
        Order order = orderReader.deserialize(record.topic(), record.value());
        if (order == null || order.orderId() == null) {
            return null;
        }
        checkAmount(order.amount());
        return new Notification(order.orderId(), order.customerId(), NotificationKind.ORDER_RECEIVED,
                "We received your order " + order.orderId() + " of " + money(order.amount(), order.currency()) + ".",
                clock.instant());
    }

    private Notification paymentResult(ConsumerRecord<String, byte[]> record) {
        PaymentResult payment = paymentReader.deserialize(record.topic(), record.value());
        if (payment == null || payment.orderId() == null) {
            return null;
        }
        checkAmount(payment.amount());
        boolean approved = payment.status() == PaymentStatus.APPROVED;
        String message = approved
                ? "Your payment of " + money(payment.amount(), payment.currency()) + " was approved."
                : "Your payment of " + money(payment.amount(), payment.currency()) + " was declined: " + payment.reason()
                        + ".";
        return new Notification(payment.orderId(), payment.customerId(),
                approved ? NotificationKind.PAYMENT_APPROVED : NotificationKind.PAYMENT_DECLINED, message,
                clock.instant());
    }

    /** An amount past the bounds makes the record unreadable: checked before it is written out. */
    private static void checkAmount(BigDecimal amount) {
        if (amount != null && (amount.abs().compareTo(MAX_AMOUNT) > 0
                || amount.stripTrailingZeros().scale() > MAX_DECIMALS)) {
            throw new SerializationException("amount must be at most " + MAX_AMOUNT.toPlainString() + " with at most "
                    + MAX_DECIMALS + " decimal places");
        }
    }

    /** Why a notification cannot be sent (an id too long), or null. */
    private static String unusable(Notification notification) {
        if (notification.orderId().length() > MAX_ID_LENGTH) {
            return "order_id is longer than " + MAX_ID_LENGTH + " characters";
        }
        if (notification.customerId() != null && notification.customerId().length() > MAX_ID_LENGTH) {
            return "customer_id is longer than " + MAX_ID_LENGTH + " characters";
        }
        return null;
    }

    private boolean inBatch(Notification candidate) {
        for (Notification notification : batch) {
            if (notification.orderId().equals(candidate.orderId()) && notification.kind() == candidate.kind()) {
                return true;
            }
        }
        return false;
    }

    /** The batch is committed: its notifications count as sent (and are printed). */
    void committed() {
        for (Notification notification : batch) {
            sent.markSent(notification.orderId(), notification.kind());
            totalSent++;
            // Printing stands for e-mailing: it happens after the commit, see the README for why.
            if (ConsoleLines.printThis(totalSent, printEvery)) {
                out.printf("to %-8s %-16s %-16s %s%n", notification.customerId(), notification.kind().name()
                        .toLowerCase(), notification.orderId(), notification.message());
            }
        }
        totalDuplicates += batchDuplicates;
        totalUnreadable += batchUnreadable;
        if (batchDuplicates > 0) {
            out.printf("Skipped %d duplicate(s): already notified.%n", batchDuplicates);
        }
        transactionsCommitted++;
        clearBatch();
    }

    /** The batch was aborted and will be read again: forget its notifications. */
    void aborted() {
        transactionsAborted++;
        clearBatch();
    }

    Counts counts() {
        return new Counts(totalSent, totalDuplicates, totalUnreadable);
    }

    long transactionsCommitted() {
        return transactionsCommitted;
    }

    long transactionsAborted() {
        return transactionsAborted;
    }

    private void clearBatch() {
        batch.clear();
        batchDuplicates = 0;
        batchUnreadable = 0;
    }

    private static String money(BigDecimal amount, String currency) {
        return (amount == null ? "?" : amount.toPlainString()) + " " + currency;
    }
}
