package dev.franz.paymentservice;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;
import java.util.random.RandomGenerator;

import dev.franz.common.events.Order;

/**
 * A pretend payment gateway with deterministic answers: it declines orders over a limit and orders of
 * blocked customers, approves the rest. Like a real one, it takes a while to answer and sometimes
 * fails transiently, at a configurable rate.
 */
final class SimulatedPaymentGateway implements PaymentGateway {

    /** The gateway's rules and behaviour. */
    record Settings(BigDecimal limit, Set<String> blockedCustomers, double failureRate, Duration latency) {
    }

    private final Settings settings;
    private final RandomGenerator random;

    SimulatedPaymentGateway(Settings settings, RandomGenerator random) {
        this.settings = settings;
        this.random = random;
    }

    @Override
    public Charge charge(Order order) throws GatewayUnavailableException {
        if (!settings.latency().isZero()) {
            simulateNetworkTime();
        }
        if (settings.failureRate() > 0 && random.nextDouble() < settings.failureRate()) {
            throw new GatewayUnavailableException("payment gateway unavailable (simulated, rate "
                    + settings.failureRate() + ")");
        }
        if (settings.blockedCustomers().contains(order.customerId())) {
            return Charge.declined("customer " + order.customerId() + " is blocked");
        }
        if (order.amount().compareTo(settings.limit()) > 0) {
            return Charge.declined("amount over limit of " + settings.limit().toPlainString() + " " + order.currency());
        }
        return Charge.approved();
    }

    private void simulateNetworkTime() {
        try {
            Thread.sleep(settings.latency().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
