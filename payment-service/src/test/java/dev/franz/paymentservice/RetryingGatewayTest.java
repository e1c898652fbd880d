package dev.franz.paymentservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.events.PaymentStatus;

class RetryingGatewayTest {

    private static final Order ORDER = new Order("ord-1", "cust-1",
            List.of(new OrderItem("DESK-2", 1, new BigDecimal("349.00"))), new BigDecimal("349.00"), "EUR", Instant.EPOCH);

    @Test
    void aDeclineIsAnAnswerAndIsNotRetried() {
        int[] calls = {0};
        RetryingGateway gateway = new RetryingGateway(order -> {
            calls[0]++;
            return Charge.declined("no");
        }, RetryingGateway.Policy.of(4, Duration.ofMillis(1)));

        RetryingGateway.Outcome outcome = gateway.charge(ORDER);

        assertThat(outcome.charge().status()).isEqualTo(PaymentStatus.DECLINED);
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void anAlwaysFailingGatewayIsTriedMaxAttemptsTimes() {
        RetryingGateway gateway = new RetryingGateway(order -> {
            throw new GatewayUnavailableException("down");
        }, RetryingGateway.Policy.of(4, Duration.ofMillis(1)));

        RetryingGateway.Outcome outcome = gateway.charge(ORDER);

        assertThat(outcome.charge()).isNull();
        assertThat(outcome.failure()).hasMessage("down");
        assertThat(outcome.attempts()).isEqualTo(4);
    }

    @Test
    void worstCaseBackoffAddsUpDoublingWaitsAtMaximumJitter() {
        // 100, 200, 400 ms, each up to +50%: 1,050 ms
        assertThat(RetryingGateway.Policy.of(4, Duration.ofMillis(100)).worstCaseBackoff())
                .isEqualTo(Duration.ofMillis(1050));
    }

    @Test
    void theSimulatedGatewayDeclinesBlockedCustomersAndAmountsOverTheLimit() {
        SimulatedPaymentGateway gateway = new SimulatedPaymentGateway(new SimulatedPaymentGateway.Settings(
                new BigDecimal("300"), Set.of("cust-1"), 0, Duration.ZERO), new SplittableRandom(1));

        assertThat(charge(gateway, ORDER).reason()).isEqualTo("customer cust-1 is blocked");
        Order otherCustomer = new Order("ord-2", "cust-2", ORDER.items(), ORDER.amount(), "EUR", Instant.EPOCH);
        assertThat(charge(gateway, otherCustomer).reason()).isEqualTo("amount over limit of 300 EUR");
    }

    private static Charge charge(PaymentGateway gateway, Order order) {
        try {
            return gateway.charge(order);
        } catch (GatewayUnavailableException e) {
            throw new AssertionError("failure rate is 0", e);
        }
    }
}
