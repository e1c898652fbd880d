package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.producer.ProducerRecord;

import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserTotals;
import dev.franz.common.json.JsonSerializer;

/**
 * Stateful processing by hand: counters in two maps, and each new value published, keyed by what it
 * counts (the event type, the user), so the output topics read like a changelog of the maps. The maps
 * live in this JVM only: a restart starts them from zero while the group's offsets say the earlier
 * events were done (Kafka Streams keeps its state in changelog topics instead).
 */
final class PlainStatefulProcessor implements PlainProcessor {

    private final StreamTopics topics;
    private final Map<String, Long> countsByType = new TreeMap<>();
    private final Map<String, UserTotals> totalsByUser = new TreeMap<>();
    private final JsonSerializer<Object> json = new JsonSerializer<>();

    PlainStatefulProcessor(StreamTopics topics) {
        this.topics = topics;
    }

    @Override
    public List<ProducerRecord<String, byte[]>> process(String userId, UserEvent event, long timestamp) {
        long count = countsByType.merge(event.eventType(), 1L, Long::sum);
        UserTotals totals = totalsByUser.getOrDefault(userId, UserTotals.empty(userId)).add(event);
        totalsByUser.put(userId, totals);
        return List.of(
                new ProducerRecord<>(topics.typeCounts(), event.eventType(), json.serialize(topics.typeCounts(), count)),
                new ProducerRecord<>(topics.userTotals(), userId, json.serialize(topics.userTotals(), totals)));
    }

    @Override
    public void report(PrintStream out) {
        StatsTable.print(out, countsByType, totalsByUser);
    }
}
