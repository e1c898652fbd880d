package dev.franz.paymentservice;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;

/** The checks an order must pass before anyone charges it. */
final class OrderValidation {

    /**
     * The largest amount (and unit price) an order may have. Money has bounds: without them, an order
     * of {@code 1e999999999} passes as a number and its amount written out in full has a billion digits,
     * and one of 999 digits is a payment that every service downstream must read and print.
     */
    static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");
    /** Cents: no currency of the course has smaller units. */
    static final int MAX_DECIMALS = 2;
    /**
     * Ids are short: an order id of a megabyte would make its payment result (keyed by it, and holding
     * it) too large to write, and every later order of its partition would wait behind it.
     */
    static final int MAX_ID_LENGTH = 100;

    private OrderValidation() {
    }

    /** @throws InvalidOrderException naming every problem found */
    static void check(Order order) throws InvalidOrderException {
        List<String> problems = new ArrayList<>();
        if (isBlank(order.orderId())) {
            problems.add("order_id is missing");
        } else if (order.orderId().length() > MAX_ID_LENGTH) {
            problems.add("order_id is longer than " + MAX_ID_LENGTH + " characters");
        }
        if (isBlank(order.customerId())) {
            problems.add("customer_id is missing");
        } else if (order.customerId().length() > MAX_ID_LENGTH) {
            problems.add("customer_id is longer than " + MAX_ID_LENGTH + " characters");
        }
        if (order.currency() == null || !order.currency().matches("[A-Z]{3}")) {
            problems.add("currency must be a 3-letter code, was " + order.currency());
        }
        if (order.items().isEmpty()) {
            problems.add("an order needs at least one item");
        }
        BigDecimal itemsTotal = BigDecimal.ZERO;
        for (OrderItem item : order.items()) {
            if (item.quantity() <= 0 || item.unitPrice() == null || item.unitPrice().signum() < 0) {
                problems.add("item " + item.sku() + " needs a positive quantity and a price");
            } else if (!withinBounds(item.unitPrice())) {
                problems.add("item " + item.sku() + "'s unit_price " + outOfBounds());
            } else {
                itemsTotal = itemsTotal.add(item.unitPrice().multiply(BigDecimal.valueOf(item.quantity())));
            }
        }
        if (order.amount() == null || order.amount().signum() <= 0) {
            problems.add("amount must be positive, was " + order.amount());
        } else if (!withinBounds(order.amount())) {
            problems.add("amount " + outOfBounds());
        } else if (problems.isEmpty() && order.amount().compareTo(itemsTotal) != 0) {
            problems.add("amount " + order.amount().toPlainString() + " is not the items' total "
                    + itemsTotal.toPlainString());
        }
        if (!problems.isEmpty()) {
            throw new InvalidOrderException(String.join("; ", problems));
        }
    }

    private static boolean withinBounds(BigDecimal money) {
        return money.compareTo(MAX_AMOUNT) <= 0 && money.stripTrailingZeros().scale() <= MAX_DECIMALS;
    }

    /** Says what the bounds are, not the number: it may be thousands of digits long. */
    private static String outOfBounds() {
        return "must be at most " + MAX_AMOUNT.toPlainString() + " with at most " + MAX_DECIMALS + " decimal places";
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
