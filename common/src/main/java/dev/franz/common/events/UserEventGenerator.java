package dev.franz.common.events;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Made-up website activity: a few users viewing pages, clicking, and now and then buying. basic-producer
 * sends these events, and the benchmarks' reference producer the same ones.
 */
public final class UserEventGenerator {

    private static final List<String> PAGES = List.of("/", "/products/42", "/products/7", "/cart", "/checkout");
    private static final List<String> ELEMENTS = List.of("add-to-cart", "search", "nav-home", "buy-now");

    private final Random random;
    private final Clock clock;
    private final String[] userIds;

    public UserEventGenerator(Random random, Clock clock, int users) {
        this.random = random;
        this.clock = clock;
        this.userIds = new String[users];
        for (int i = 0; i < users; i++) {
            userIds[i] = "user-" + (i + 1);
        }
    }

    public UserEvent next() {
        String userId = userIds[random.nextInt(userIds.length)];
        int roll = random.nextInt(10);
        if (roll < 6) {
            return new UserEvent(userId, UserEvent.PAGE_VIEW, now(), Map.of("page", pick(PAGES)));
        }
        if (roll < 9) {
            return new UserEvent(userId, UserEvent.CLICK, now(), Map.of("element", pick(ELEMENTS)));
        }
        BigDecimal amount = BigDecimal.valueOf(500 + random.nextInt(19_500)).movePointLeft(2).setScale(2, RoundingMode.UNNECESSARY);
        return new UserEvent(userId, UserEvent.PURCHASE, now(), Map.of("amount", amount.toPlainString()));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private String pick(List<String> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
