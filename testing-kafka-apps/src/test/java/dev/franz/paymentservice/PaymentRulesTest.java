package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.events.PaymentStatus;

/**
 * Layer 1 of the pyramid: the payment rules of Level 3 as plain Java, no Kafka at all.
 *
 * payment-service keeps its decisions out of its Kafka loop: {@code OrderValidation} says whether an
 * order can be charged, the gateway (here {@code SimulatedPaymentGateway}) approves or declines it, and
 * {@code RetryingGateway} retries a transient failure. Each is a class with inputs and outputs, so each
 * rule is tested in milliseconds, here, and the broker tests only need to show the wiring.
 *
 * This class sits in the package of the code it tests, {@code dev.franz.paymentservice}, so that it
 * can use the package-private classes as payment-service's own tests do.
 */
class PaymentRulesTest {

    private static Order order(String amount, OrderItem... items) {
        return new Order("ord-1", "cust-1", List.of(items), new BigDecimal(amount), "EUR",
                Instant.parse("2026-11-26T18:00:00Z"));
    }

    private static final OrderItem TWO_MUGS = new OrderItem("MUG-7", 2, new BigDecimal("8.90"));

    @Test
    void anOrderWhoseAmountIsItsItemsTotalPassesValidation() throws InvalidOrderException {
        OrderValidation.check(order("17.80", TWO_MUGS)); // throws if it is refused
    }

    @Test
    void aRefusedOrderNamesEveryProblemAtOnce() {
        Order wrong = new Order("ord-1", "", List.of(TWO_MUGS), new BigDecimal("99.00"), "euro", Instant.EPOCH);

        // The message goes into the dead letter's headers: it must say what is wrong, all of it.
        assertThatThrownBy(() -> OrderValidation.check(wrong))
                .isInstanceOf(InvalidOrderException.class)
                .hasMessageContaining("customer_id is missing")
                .hasMessageContaining("currency must be a 3-letter code, was euro");
    }

    @Test
    void moneyHasBoundsSoAHugeNumberIsRefusedNotCharged() {
        // A valid JSON number, and a valid BigDecimal: the rule, not the parser, must stop it.
        assertThatThrownBy(() -> OrderValidation.check(order("1e12", new OrderItem("GOLD", 1, new BigDecimal("1e12")))))
                .isInstanceOf(InvalidOrderException.class)
                .hasMessageContaining("must be at most 1000000000");
    }

    @Test
    void theGatewayDeclinesOverTheLimitAndBlockedCustomersAndApprovesTheRest() throws GatewayUnavailableException {
        // No latency and no failures: deterministic, so a test can assert each answer.
        SimulatedPaymentGateway gateway = new SimulatedPaymentGateway(new SimulatedPaymentGateway.Settings(
                new BigDecimal("100"), Set.of("cust-13"), 0, Duration.ZERO), new Random(1));

        assertThat(gateway.charge(order("17.80", TWO_MUGS)).status()).isEqualTo(PaymentStatus.APPROVED);
        // The boundary: exactly the limit is still approved (a rule's edges are where bugs live).
        assertThat(gateway.charge(order("100.00", new OrderItem("MUG-7", 10, new BigDecimal("10.00")))).status())
                .isEqualTo(PaymentStatus.APPROVED);
        assertThat(gateway.charge(order("178.00", new OrderItem("MUG-7", 20, new BigDecimal("8.90")))).reason())
                .isEqualTo("amount over limit of 100 EUR");
        Order blocked = new Order("ord-2", "cust-13", List.of(TWO_MUGS), new BigDecimal("17.80"), "EUR", Instant.EPOCH);
        assertThat(gateway.charge(blocked).status()).isEqualTo(PaymentStatus.DECLINED);
    }

    @Test
    void aTransientFailureIsRetriedAndADeclineIsNot() {
        // A fake gateway written in the test: fails twice, then answers. Plain Java, no mocking library.
        AtomicInteger calls = new AtomicInteger();
        PaymentGateway flaky = order -> {
            if (calls.incrementAndGet() <= 2) {
                throw new GatewayUnavailableException("try again");
            }
            return Charge.declined("card expired");
        };
        RetryingGateway retrying = new RetryingGateway(flaky, RetryingGateway.Policy.of(4, Duration.ofMillis(1)));

        RetryingGateway.Outcome outcome = retrying.charge(order("17.80", TWO_MUGS));

        assertThat(outcome.attempts()).isEqualTo(3);          // two failures, then the answer
        assertThat(outcome.charge()).isEqualTo(Charge.declined("card expired"));
        assertThat(calls).hasValue(3);                        // the decline itself was not retried
    }

    @Test
    void retriesAreBoundedAndTheLastFailureIsKept() {
        PaymentGateway down = order -> {
            throw new GatewayUnavailableException("gateway down");
        };

        RetryingGateway.Outcome outcome = new RetryingGateway(down, RetryingGateway.Policy.of(3, Duration.ofMillis(1)))
                .charge(order("17.80", TWO_MUGS));

        // No charge: payment-service dead-letters the order with reason retries-exhausted and this message.
        assertThat(outcome.charge()).isNull();
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(outcome.failure()).hasMessage("gateway down");
    }
}
