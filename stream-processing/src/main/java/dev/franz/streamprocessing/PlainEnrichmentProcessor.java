package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;

import dev.franz.common.events.EnrichedUserEvent;
import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserProfile;
import dev.franz.common.json.JsonSerializer;

/**
 * Enrichment by hand: the profiles, read once from the compacted topic at start, are a map; each
 * event is looked up in it. An event whose user has no profile is passed on marked
 * {@code profile_missing}, not dropped. (Profiles changed after the start are not seen: Kafka
 * Streams' table keeps reading the topic.)
 */
final class PlainEnrichmentProcessor implements PlainProcessor {

    private final StreamTopics topics;
    private final Map<String, UserProfile> profiles;
    private final JsonSerializer<EnrichedUserEvent> json = new JsonSerializer<>();
    private long enriched;
    private long missing;

    PlainEnrichmentProcessor(StreamTopics topics, Map<String, UserProfile> profiles) {
        this.topics = topics;
        this.profiles = Map.copyOf(profiles);
    }

    @Override
    public List<ProducerRecord<String, byte[]>> process(String userId, UserEvent event, long timestamp) {
        EnrichedUserEvent result = EnrichedUserEvent.of(event, profiles.get(userId));
        if (result.profileMissing()) {
            missing++;
        } else {
            enriched++;
        }
        return List.of(new ProducerRecord<>(topics.enriched(), userId, json.serialize(topics.enriched(), result)));
    }

    @Override
    public void report(PrintStream out) {
        out.printf("enriched %,d events; %,d without a profile (passed on with profile_missing=true)%n", enriched,
                missing);
    }
}
