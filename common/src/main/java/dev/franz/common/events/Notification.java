package dev.franz.common.events;

import java.time.Instant;

/**
 * A message "sent" to a customer: the records of the {@code notifications} topic, keyed by
 * {@code orderId}. One per (order, kind).
 *
 * <pre>{@code {"order_id":"ord-1f3a","customer_id":"cust-12","kind":"payment_approved",
 *  "message":"Your payment of 25.00 EUR was approved.","created_at":"2026-11-26T18:16:49Z"}}</pre>
 */
public record Notification(String orderId, String customerId, NotificationKind kind, String message,
                           Instant createdAt) {
}
