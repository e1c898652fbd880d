package dev.franz.paymentservice;

import dev.franz.common.events.Order;

/** Charges an order: the outside system the payment service talks to. */
interface PaymentGateway {

    /**
     * @return approved, or declined with a reason (a final answer: retrying gives the same)
     * @throws GatewayUnavailableException a transient failure: trying again later may succeed
     */
    Charge charge(Order order) throws GatewayUnavailableException;
}
