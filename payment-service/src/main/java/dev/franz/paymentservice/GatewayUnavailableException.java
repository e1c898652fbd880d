package dev.franz.paymentservice;

/** A transient gateway failure (timeout, 503): the same charge may succeed if tried again. */
final class GatewayUnavailableException extends Exception {

    GatewayUnavailableException(String message) {
        super(message);
    }
}
