package dev.franz.paymentservice;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.franz.common.events.Order;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

/**
 * Calls the gateway again after a transient failure, waiting longer each time (exponential backoff)
 * and by a random amount (jitter, so that many instances recovering together do not retry in step).
 * Bounded: after {@code maxAttempts} the failure is final and the order goes to the dead letter topic.
 */
final class RetryingGateway {

    /** How hard to try. */
    record Policy(int maxAttempts, Duration initialBackoff, double multiplier, double jitter, Duration maxBackoff) {

        static Policy of(int maxAttempts, Duration initialBackoff) {
            return new Policy(maxAttempts, initialBackoff, 2.0, 0.5, Duration.ofSeconds(2));
        }

        /** The longest the waits between attempts can add up to (every attempt failing, jitter at its maximum). */
        Duration worstCaseBackoff() {
            double total = 0;
            double wait = initialBackoff.toMillis();
            for (int retry = 1; retry < maxAttempts; retry++) {
                total += Math.min(maxBackoff.toMillis(), wait) * (1 + jitter);
                wait *= multiplier;
            }
            return Duration.ofMillis(Math.round(total));
        }
    }

    /** The gateway's answer, or its last transient failure, and how many attempts it took. */
    record Outcome(Charge charge, GatewayUnavailableException failure, int attempts) {
    }

    private final PaymentGateway gateway;
    private final Retry retry;

    RetryingGateway(PaymentGateway gateway, Policy policy) {
        this.gateway = gateway;
        this.retry = Retry.of("payment-gateway", RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(policy.initialBackoff(),
                        policy.multiplier(), policy.jitter(), policy.maxBackoff()))
                // Only transient failures are retried; a decline is an answer, not a failure.
                .retryExceptions(GatewayUnavailableException.class)
                .build());
    }

    Outcome charge(Order order) {
        AtomicInteger attempts = new AtomicInteger();
        try {
            Charge charge = Retry.decorateCallable(retry, () -> {
                attempts.incrementAndGet();
                return gateway.charge(order);
            }).call();
            return new Outcome(charge, null, attempts.get());
        } catch (GatewayUnavailableException e) {
            return new Outcome(null, e, attempts.get());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the gateway threw an undeclared exception", e);
        }
    }
}
