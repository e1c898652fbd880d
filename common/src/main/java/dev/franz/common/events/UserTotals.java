package dev.franz.common.events;

import java.math.BigDecimal;

/**
 * A running summary of one user's activity: the records of {@code user_totals} (Level 2), keyed by
 * user id; each record replaces the previous one for that user.
 *
 * <pre>{@code {"user_id":"user-3","events":12,"purchases":2,"purchase_total":84.20}}</pre>
 */
public record UserTotals(String userId, long events, long purchases, BigDecimal purchaseTotal) {

    public static UserTotals empty(String userId) {
        return new UserTotals(userId, 0, 0, BigDecimal.ZERO);
    }

    /** These totals with {@code event} counted in. */
    public UserTotals add(UserEvent event) {
        if (!UserEvent.PURCHASE.equals(event.eventType())) {
            return new UserTotals(userId, events + 1, purchases, purchaseTotal);
        }
        String amount = event.attributes().get("amount");
        BigDecimal value = amount == null ? BigDecimal.ZERO : new BigDecimal(amount);
        return new UserTotals(userId, events + 1, purchases + 1, purchaseTotal.add(value));
    }
}
