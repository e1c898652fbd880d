package dev.franz.common.events;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * A running summary of one user's activity: the records of {@code user_totals} (Level 2), keyed by
 * user id; each record replaces the previous one for that user.
 *
 * <pre>{@code {"user_id":"user-3","events":12,"purchases":2,"purchase_total":84.20}}</pre>
 */
public record UserTotals(String userId, long events, long purchases, BigDecimal purchaseTotal) {

    /**
     * What a purchase's amount may be: a plain decimal, up to 15 digits before the point and 4 after.
     * Anything else is a bad record, not a number to add: "abc" cannot be added, and a number of
     * thousands of digits (or "1e5000000", five million of them written out) would make totals that
     * no reader takes back (Jackson refuses numbers over 1,000 digits).
     */
    private static final Pattern AMOUNT = Pattern.compile("\\d{1,15}(\\.\\d{1,4})?");

    public static UserTotals empty(String userId) {
        return new UserTotals(userId, 0, 0, BigDecimal.ZERO);
    }

    /** These totals with {@code event} counted in. */
    public UserTotals add(UserEvent event) {
        if (!UserEvent.PURCHASE.equals(event.eventType())) {
            return new UserTotals(userId, events + 1, purchases, purchaseTotal);
        }
        return new UserTotals(userId, events + 1, purchases + 1, purchaseTotal.add(amountOf(event)));
    }

    /**
     * The amount of a purchase (zero when it has none).
     *
     * @throws IllegalArgumentException if the amount is not a plain decimal of at most 15 digits and
     *                                  4 decimals; its message says so in one line
     */
    public static BigDecimal amountOf(UserEvent event) {
        String amount = event.attributes().get("amount");
        if (amount == null) {
            return BigDecimal.ZERO;
        }
        if (!AMOUNT.matcher(amount).matches()) {
            String shown = amount.length() > 20 ? amount.substring(0, 20) + "... (" + amount.length() + " characters)"
                    : amount;
            throw new IllegalArgumentException("purchase amount '" + shown + "' is not a decimal of at most 15 digits"
                    + " and 4 decimals");
        }
        return new BigDecimal(amount);
    }
}
