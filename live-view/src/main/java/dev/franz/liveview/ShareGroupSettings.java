package dev.franz.liveview;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

import dev.franz.liveview.PartitionWindow.Stored;
import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.TopicView;

/**
 * Each share group's settings, as the broker holds them (Admin {@code describeConfigs} on a GROUP
 * resource), and its dead-letter topic's newest records, from what {@link NewestRecords} read. What
 * the Admin API does not report: which record a member holds now, under which lock, and how many
 * times a record still in the group was delivered; only the start offset and the dead letters'
 * headers tell of deliveries.
 */
final class ShareGroupSettings {

    private final NewestRecords records;

    ShareGroupSettings(NewestRecords records) {
        this.records = records;
    }

    List<Views.ShareGroupView> look(Admin admin, List<GroupView> groups, List<TopicView> topics)
            throws InterruptedException {
        List<ConfigResource> resources = groups.stream().filter(g -> g.type().equals("share"))
                .map(g -> new ConfigResource(ConfigResource.Type.GROUP, g.id())).toList();
        if (resources.isEmpty()) {
            return List.of();
        }
        var configs = admin.describeConfigs(resources).values();
        List<Views.ShareGroupView> views = new ArrayList<>();
        for (ConfigResource resource : resources) {
            Config config = KafkaWatcher.getOrNull(configs.get(resource));
            String deadLetterTopic = value(config, "errors.deadletterqueue.topic.name");
            Long count = null;
            List<Views.DeadLetterView> deadLetters = new ArrayList<>();
            if (deadLetterTopic != null && !deadLetterTopic.isEmpty()) {
                for (TopicView topic : topics) {
                    if (topic.name().equals(deadLetterTopic)) {
                        count = topic.partitions().stream().mapToLong(p -> p.highWatermark() - p.logStartOffset()).sum();
                        topic.partitions().forEach(p -> deadLetters.addAll(deadLetters(new TopicPartition(topic.name(), p.partition()))));
                    }
                }
            }
            deadLetters.sort(Comparator.comparingLong(Views.DeadLetterView::timestamp).reversed());
            views.add(new Views.ShareGroupView(resource.name(), value(config, "share.delivery.count.limit"),
                    value(config, "share.record.lock.duration.ms"), value(config, "share.auto.offset.reset"),
                    deadLetterTopic, count, deadLetters));
        }
        return views;
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config == null ? null : config.get(name);
        return entry == null ? null : entry.value();
    }

    /** The dead letters the records loop keeps for one partition of a dead-letter topic. */
    private List<Views.DeadLetterView> deadLetters(TopicPartition tp) {
        PartitionWindow window = records.window(tp);
        List<Views.DeadLetterView> found = new ArrayList<>();
        if (window == null) {
            return found;
        }
        synchronized (window) {
            for (PartitionWindow.Cell cell : window.cells()) {
                Stored r = cell.record();
                if (r == null) {
                    continue;
                }
                Map<String, String> headers = new HashMap<>();
                r.headers().forEach(h -> headers.put(h.key(), h.value() == null ? null
                        : new String(h.value(), StandardCharsets.UTF_8)));
                found.add(new Views.DeadLetterView(tp.partition(), r.offset(), r.timestamp(), RecordText.shortText(r.key()),
                        r.value() == null ? null : RecordText.shortText(r.value()), headers.get("__dlq.errors.delivery.count"),
                        headers.get("__dlq.errors.message"), headers.get("__dlq.errors.topic") == null ? null
                        : headers.get("__dlq.errors.topic") + "-" + headers.get("__dlq.errors.partition") + " offset "
                        + headers.get("__dlq.errors.offset")));
            }
        }
        return found;
    }
}
