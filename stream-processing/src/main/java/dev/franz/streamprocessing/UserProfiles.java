package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.UserFacingException;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserProfile;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.ReadToEnd;
import dev.franz.common.kafka.Topics;

/**
 * The reference data of the enrichment mode, profiles for user-1 to user-6, and the compacted topic
 * that holds them: {@link #ensureTopic} creates and fills it (both engines, before they start);
 * {@link #readTopic} reads it to its end (the plain engine's copy of the table). user-7 and user-8
 * (basic-producer's other users) are left without one on purpose, to show how a missing profile is
 * handled.
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

    /**
     * Creates the compacted profiles topic and, if it is new, fills it with {@link #PROFILES}.
     * Each send's result is checked before the line saying so is printed.
     */
    static void ensureTopic(FranzConfig config, String topic, PrintStream out) {
        boolean created;
        try (Admin admin = Admin.create(config.clientProperties())) {
            // Compacted: Kafka keeps at least the latest record of every key for ever, so the topic is
            // a table of the current profiles that any consumer can rebuild from the start.
            created = !Topics.createIfMissing(admin, List.of(config.newTopic(topic)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))),
                    Duration.ofSeconds(30)).isEmpty();
        }
        if (!created) {
            return;
        }
        try (Producer<String, UserProfile> producer = new KafkaProducer<>(config.clientProperties(),
                new StringSerializer(), new JsonSerializer<>())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (UserProfile profile : PROFILES) {
                sent.add(producer.send(new ProducerRecord<>(topic, profile.userId(), profile)));
            }
            for (Future<RecordMetadata> result : sent) {
                result.get(30, TimeUnit.SECONDS); // the broker's answer, or the reason it failed
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new UserFacingException("Could not write the profiles to " + topic + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : "no answer within 30 s"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserFacingException("Interrupted while writing the profiles to " + topic, e);
        }
        out.printf("Created the compacted topic %s with %d profiles (user-1 to user-%d)%n", topic,
                PROFILES.size(), PROFILES.size());
    }

    /**
     * The plain engine's copy of the table: every profile on the compacted topic, read from the start
     * of each partition to its end as it is now (later records of a user replace earlier ones in
     * {@link #byUser}), without a group. A tombstone (a deleted profile) is no profile.
     */
    static List<UserProfile> readTopic(Properties clientProperties, String topic, Duration timeout) {
        return ReadToEnd.fromStart(clientProperties, topic, new StringDeserializer(),
                new JsonDeserializer<>(UserProfile.class), timeout).stream().map(ConsumerRecord::value)
                .filter(java.util.Objects::nonNull).toList();
    }
}
