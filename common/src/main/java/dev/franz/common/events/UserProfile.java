package dev.franz.common.events;

/**
 * Reference data about a user: the records of the compacted {@code user_profiles} topic (Level 2),
 * keyed by {@code userId}. Compaction keeps the latest profile of each user for ever.
 *
 * <pre>{@code {"user_id":"user-3","name":"Ada","tier":"gold","country":"FR"}}</pre>
 */
public record UserProfile(String userId, String name, String tier, String country) {
}
