package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserProfile;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.Topics;

/**
 * The reference data of the enrichment lesson: creates the compacted {@code user_profiles} topic and,
 * if it is new, fills it with profiles for user-1 to user-6. user-7 and user-8 (basic-producer's
 * other users) are left without one on purpose, to show how a missing profile is handled.
 */
final class ProfileSeeder {

    static final List<UserProfile> PROFILES = List.of(
            new UserProfile("user-1", "Ada", "gold", "GB"),
            new UserProfile("user-2", "Grace", "silver", "US"),
            new UserProfile("user-3", "Alan", "bronze", "GB"),
            new UserProfile("user-4", "Edsger", "gold", "NL"),
            new UserProfile("user-5", "Barbara", "silver", "US"),
            new UserProfile("user-6", "Niklaus", "bronze", "CH"));

    private ProfileSeeder() {
    }

    /** Creates the compacted profiles topic and fills it, if it does not exist yet. */
    static void ensureProfiles(FranzConfig config, String topic, PrintStream out) {
        boolean created;
        try (Admin admin = Admin.create(config.clientProperties())) {
            // Compacted: Kafka keeps at least the latest record of every key for ever, so the topic is
            // a table of the current profiles that any consumer can rebuild from the start.
            created = !Topics.createIfMissing(admin, List.of(config.newTopic(topic)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))),
                    Duration.ofSeconds(30)).isEmpty();
        }
        if (created) {
            Properties props = config.clientProperties();
            try (Producer<String, UserProfile> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new JsonSerializer<>())) {
                for (UserProfile profile : PROFILES) {
                    producer.send(new ProducerRecord<>(topic, profile.userId(), profile));
                }
            }
            out.printf("Created the compacted topic %s with %d profiles (user-1 to user-%d)%n", topic, PROFILES.size(),
                    PROFILES.size());
        }
    }

    /** The profiles as a map by user id, for the plain engine. */
    static Map<String, UserProfile> byUser(List<UserProfile> profiles) {
        Map<String, UserProfile> byUser = new LinkedHashMap<>();
        profiles.forEach(profile -> byUser.put(profile.userId(), profile));
        return byUser;
    }
}
