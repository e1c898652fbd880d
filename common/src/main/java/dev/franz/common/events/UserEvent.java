package dev.franz.common.events;

import java.time.Instant;
import java.util.Map;

/**
 * Something a user did on a website: the records of the {@code user_events} topic (Levels 1 and 2),
 * keyed by {@code userId} so that each user's events stay in order on one partition.
 *
 * <pre>{@code {"user_id":"user-7","event_type":"purchase","timestamp":"2026-11-26T18:16:48.123Z",
 *  "attributes":{"page":"/checkout","amount":"42.50"}}}</pre>
 *
 * @param eventType  one of {@link #PAGE_VIEW}, {@link #CLICK}, {@link #PURCHASE}; other values are
 *                   allowed, since other producers may know more kinds
 * @param attributes free-form details; a purchase carries its {@code amount} as a decimal string
 */
public record UserEvent(String userId, String eventType, Instant timestamp, Map<String, String> attributes) {

    public static final String PAGE_VIEW = "page_view";
    public static final String CLICK = "click";
    public static final String PURCHASE = "purchase";

    public UserEvent {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
