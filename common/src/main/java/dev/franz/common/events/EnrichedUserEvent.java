package dev.franz.common.events;

/**
 * A {@link UserEvent} joined with its user's {@link UserProfile}: the records of
 * {@code enriched_user_events} (Level 2), keyed by user id. {@code profile} is null when the user
 * has no profile yet; the event is still passed on, marked, rather than dropped.
 *
 * <pre>{@code {"event":{"user_id":"user-3","event_type":"click",...},
 *  "profile":{"user_id":"user-3","name":"Ada","tier":"gold","country":"FR"},"profile_missing":false}}</pre>
 */
public record EnrichedUserEvent(UserEvent event, UserProfile profile, boolean profileMissing) {

    public static EnrichedUserEvent of(UserEvent event, UserProfile profile) {
        return new EnrichedUserEvent(event, profile, profile == null);
    }
}
