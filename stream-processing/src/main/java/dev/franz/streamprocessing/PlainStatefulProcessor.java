package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.producer.ProducerRecord;

import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserTotals;
import dev.franz.common.json.JsonSerializer;

/**
 * Stateful processing by hand: counters in two maps, and their new values published after each poll,
 * keyed by what they count (the event type, the user), so the output topics read like a changelog of
 * the maps. The maps
 * live in this JVM only: a restart starts them from zero while the group's offsets say the earlier
 * events were done (Kafka Streams keeps its state in changelog topics instead).
 */
final class PlainStatefulProcessor implements PlainProcessor {

    private final StreamTopics topics;
    private final Map<String, Long> countsByType = new TreeMap<>();
    private final Map<String, UserTotals> totalsByUser = new TreeMap<>();
    private final Set<String> changedTypes = new LinkedHashSet<>();
    private final Set<String> changedUsers = new LinkedHashSet<>();
    private final JsonSerializer<Object> json = new JsonSerializer<>();

    PlainStatefulProcessor(StreamTopics topics) {
        this.topics = topics;
    }

    @Override
    public List<ProducerRecord<String, byte[]>> process(String userId, UserEvent event, long timestamp) {
        countsByType.merge(event.eventType(), 1L, Long::sum);
        totalsByUser.put(userId, totalsByUser.getOrDefault(userId, UserTotals.empty(userId)).add(event));
        changedTypes.add(event.eventType());
        changedUsers.add(userId);
        return List.of();
    }

    /**
     * One record per key that changed in the poll, with its latest value, rather than one per event:
     * a reader keeping the latest value per key sees the same, for a fraction of the writes. (Kafka
     * Streams' record cache does the same between commits.)
     */
    @Override
    public List<ProducerRecord<String, byte[]>> endOfBatch() {
        List<ProducerRecord<String, byte[]>> outputs = new ArrayList<>();
        for (String type : changedTypes) {
            outputs.add(new ProducerRecord<>(topics.typeCounts(), type,
                    json.serialize(topics.typeCounts(), countsByType.get(type))));
        }
        for (String user : changedUsers) {
            outputs.add(new ProducerRecord<>(topics.userTotals(), user,
                    json.serialize(topics.userTotals(), totalsByUser.get(user))));
        }
        changedTypes.clear();
        changedUsers.clear();
        return outputs;
    }

    @Override
    public void report(PrintStream out) {
        StatsTable.print(out, countsByType, totalsByUser);
    }
}
