package dev.franz.common.events;

import java.math.BigDecimal;

/** One line of an {@link Order}: {@code {"sku":"BOOK-42","quantity":2,"unit_price":12.50}}. */
public record OrderItem(String sku, int quantity, BigDecimal unitPrice) {
}
