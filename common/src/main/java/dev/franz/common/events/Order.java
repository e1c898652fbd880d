package dev.franz.common.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An order placed by a customer: the records of the {@code orders} topic (Level 3), keyed by
 * {@code orderId} so that all events of one order stay in order on one partition.
 *
 * <pre>{@code {"order_id":"ord-1f3a","customer_id":"cust-12","items":[{"sku":"BOOK-42","quantity":2,
 *  "unit_price":12.50}],"amount":25.00,"currency":"EUR","created_at":"2026-11-26T18:16:48.123Z"}}</pre>
 */
public record Order(String orderId, String customerId, List<OrderItem> items, BigDecimal amount, String currency,
                    Instant createdAt) {

    public Order {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
