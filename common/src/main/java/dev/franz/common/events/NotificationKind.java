package dev.franz.common.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a {@link Notification} tells the customer. */
public enum NotificationKind {
    @JsonProperty("order_received") ORDER_RECEIVED,
    @JsonProperty("payment_approved") PAYMENT_APPROVED,
    @JsonProperty("payment_declined") PAYMENT_DECLINED
}
