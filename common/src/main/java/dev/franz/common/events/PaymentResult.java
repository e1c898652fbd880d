package dev.franz.common.events;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The result of charging one order: the records of the {@code payments} topic, keyed by
 * {@code orderId}, exactly one per order.
 *
 * <pre>{@code {"order_id":"ord-1f3a","customer_id":"cust-12","status":"declined",
 *  "reason":"amount over limit","amount":25.00,"currency":"EUR","processed_at":"2026-11-26T18:16:49Z"}}</pre>
 *
 * @param reason why it was declined; null when approved
 */
public record PaymentResult(String orderId, String customerId, PaymentStatus status, String reason,
                            BigDecimal amount, String currency, Instant processedAt) {
}
