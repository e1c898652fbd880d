package dev.franz.streamprocessing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.franz.common.events.UserProfile;

/**
 * The reference data of the enrichment lesson (no Kafka calls here; StreamProcessing writes and reads
 * the topic): profiles for user-1 to user-6. user-7 and user-8 (basic-producer's other users) are
 * left without one on purpose, to show how a missing profile is handled.
 */
final class UserProfiles {

    static final List<UserProfile> PROFILES = List.of(
            new UserProfile("user-1", "Ada", "gold", "GB"),
            new UserProfile("user-2", "Grace", "silver", "US"),
            new UserProfile("user-3", "Alan", "bronze", "GB"),
            new UserProfile("user-4", "Edsger", "gold", "NL"),
            new UserProfile("user-5", "Barbara", "silver", "US"),
            new UserProfile("user-6", "Niklaus", "bronze", "CH"));

    private UserProfiles() {
    }

    /** The profiles as a map by user id, for the plain engine. */
    static Map<String, UserProfile> byUser(List<UserProfile> profiles) {
        Map<String, UserProfile> byUser = new LinkedHashMap<>();
        profiles.forEach(profile -> byUser.put(profile.userId(), profile));
        return byUser;
    }
}
