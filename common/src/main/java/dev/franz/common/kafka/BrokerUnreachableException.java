package dev.franz.common.kafka;

import dev.franz.common.UserFacingException;

/** No Kafka broker answered at the configured address; the message says how to start or set one. */
public final class BrokerUnreachableException extends UserFacingException {

    public BrokerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
