package dev.franz.paymentservice;

import dev.franz.common.events.PaymentStatus;

/** The gateway's answer for one order; {@code reason} is null when approved. */
record Charge(PaymentStatus status, String reason) {

    static Charge approved() {
        return new Charge(PaymentStatus.APPROVED, null);
    }

    static Charge declined(String reason) {
        return new Charge(PaymentStatus.DECLINED, reason);
    }
}
