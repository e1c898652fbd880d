package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;

class OrderValidationTest {

    private static final List<OrderItem> TWO_MUGS = List.of(new OrderItem("MUG-7", 2, new BigDecimal("8.90")));

    @Test
    void aConsistentOrderPasses() {
        assertThatCode(() -> OrderValidation.check(order("17.80", "EUR", TWO_MUGS))).doesNotThrowAnyException();
    }

    @Test
    void anAmountThatIsNotTheItemsTotalIsRejected() {
        assertThatThrownBy(() -> OrderValidation.check(order("20.00", "EUR", TWO_MUGS)))
                .isInstanceOf(InvalidOrderException.class)
                .hasMessage("amount 20.00 is not the items' total 17.80");
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        assertThatThrownBy(() -> OrderValidation.check(new Order(null, "", List.of(), new BigDecimal("-1"), "euro",
                Instant.EPOCH)))
                .hasMessageContaining("order_id is missing")
                .hasMessageContaining("customer_id is missing")
                .hasMessageContaining("currency must be a 3-letter code")
                .hasMessageContaining("at least one item")
                .hasMessageContaining("amount must be positive");
    }

    @Test
    void anAmountPastTheBoundsIsRejectedWithoutWritingItOut() {
        List<OrderItem> huge = List.of(new OrderItem("MUG-7", 1, new BigDecimal("1e999999999")));
        assertThatThrownBy(() -> OrderValidation.check(order("1e999999999", "EUR", huge)))
                .isInstanceOf(InvalidOrderException.class)
                .hasMessage("item MUG-7's unit_price must be at most 1000000000 with at most 2 decimal places;"
                        + " amount must be at most 1000000000 with at most 2 decimal places");
        String longNumber = "9".repeat(999); // Jackson reads numbers of up to 1,000 digits
        assertThatThrownBy(() -> OrderValidation.check(order(longNumber, "EUR", TWO_MUGS)))
                .hasMessage("amount must be at most 1000000000 with at most 2 decimal places");
    }

    @Test
    void anAmountWithFractionsOfACentIsRejectedAndTrailingZerosAreFine() {
        List<OrderItem> mug = List.of(new OrderItem("MUG-7", 1, new BigDecimal("8.905")));
        assertThatThrownBy(() -> OrderValidation.check(order("8.905", "EUR", mug)))
                .hasMessageContaining("amount must be at most 1000000000 with at most 2 decimal places");
        assertThatCode(() -> OrderValidation.check(order("17.8000", "EUR", TWO_MUGS))).doesNotThrowAnyException();
        assertThatCode(() -> OrderValidation.check(order("1000000000", "EUR",
                List.of(new OrderItem("DESK-2", 1, new BigDecimal("1000000000")))))).doesNotThrowAnyException();
    }

    @Test
    void idsLongerThanTheLimitAreRejected() {
        String longId = "x".repeat(OrderValidation.MAX_ID_LENGTH + 1);
        assertThatThrownBy(() -> OrderValidation.check(new Order(longId, longId, TWO_MUGS, new BigDecimal("17.80"),
                "EUR", Instant.EPOCH)))
                .hasMessage("order_id is longer than 100 characters; customer_id is longer than 100 characters");
    }

    private static Order order(String amount, String currency, List<OrderItem> items) {
        return new Order("ord-1", "cust-1", items, new BigDecimal(amount), currency, Instant.EPOCH);
    }
}
