package dev.franz.common.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The outcome of charging an order; written as {@code "approved"} or {@code "declined"}. */
public enum PaymentStatus {
    @JsonProperty("approved") APPROVED,
    @JsonProperty("declined") DECLINED
}
