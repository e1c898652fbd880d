package dev.franz.paymentservice;

/** An order that is well-formed JSON but cannot be charged (no items, amount not matching, ...). */
final class InvalidOrderException extends Exception {

    InvalidOrderException(String message) {
        super(message);
    }
}
