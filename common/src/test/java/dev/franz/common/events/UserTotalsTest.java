package dev.franz.common.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserTotalsTest {

    @Test
    void purchasesAddTheirAmountsAndOtherEventsOnlyCount() {
        UserTotals totals = UserTotals.empty("user-1")
                .add(purchase("12.50"))
                .add(new UserEvent("user-1", UserEvent.CLICK, Instant.EPOCH, Map.of("amount", "abc")))
                .add(purchase("999999999999999.9999"));
        assertThat(totals.events()).isEqualTo(3);
        assertThat(totals.purchases()).isEqualTo(2);
        assertThat(totals.purchaseTotal()).isEqualByComparingTo(new BigDecimal("1000000000000012.4999"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "1e5000000", "-3", "1,50", "12.34567", "1234567890123456", " 1"})
    void anAmountThatIsNotAPlainDecimalOfAtMost15DigitsAnd4DecimalsIsRefusedInOneLine(String amount) {
        assertThatThrownBy(() -> UserTotals.empty("user-1").add(purchase(amount)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("purchase amount '")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aVeryLongAmountIsShownCut() {
        assertThatThrownBy(() -> UserTotals.amountOf(purchase("9".repeat(10_000))))
                .hasMessage("purchase amount '99999999999999999999... (10000 characters)' is not a decimal of at most 15"
                        + " digits and 4 decimals");
    }

    private static UserEvent purchase(String amount) {
        return new UserEvent("user-1", UserEvent.PURCHASE, Instant.EPOCH, Map.of("amount", amount));
    }
}
