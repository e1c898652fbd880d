package dev.franz.liveview;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.franz.liveview.Views.FlowReaderView;
import dev.franz.liveview.Views.FlowTopicView;
import dev.franz.liveview.Views.FlowView;
import dev.franz.liveview.Views.GroupPartitionView;
import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.MemberView;
import dev.franz.liveview.Views.OrderSummaryView;
import dev.franz.liveview.Views.PartitionView;
import dev.franz.liveview.Views.TopicView;
import dev.franz.liveview.Views.TransactionView;
import dev.franz.liveview.Views.WriterView;

/**
 * Level 3's flow as the page draws it, built from what the watcher asked the broker (no Kafka calls
 * here). Kafka does not record which program writes to a topic, so nothing is guessed:
 * <ul>
 *   <li>who reads a topic: the groups with committed offsets or members on it;</li>
 *   <li>who writes it: the producer ids the partition leaders list (Admin {@code describeProducers}),
 *       named by their transactional id where the transaction coordinator has one for that producer id;</li>
 *   <li>a group member and a transactional id are shown as one program only when they have the same
 *       name, as payment-service and notification-service give both (their {@code --instance} name).</li>
 * </ul>
 */
final class Level3Flow {

    /** The four topic names, from the same configuration as the services'. */
    record Topics(String orders, String payments, String deadLetters, String notifications) {
        List<String> all() {
            return List.of(orders, payments, deadLetters, notifications);
        }

        String role(String topic) {
            if (topic.equals(orders)) {
                return "orders";
            } else if (topic.equals(payments)) {
                return "payments";
            } else if (topic.equals(deadLetters)) {
                return "dead letters";
            }
            return "notifications";
        }
    }

    /** One producer the leader of one partition knows: what {@code describeProducers} answers. */
    record Producer(String topic, int partition, long producerId, int producerEpoch, long lastTimestamp) {
    }

    /** How far back the growth rate of a topic's log is measured. */
    static final long RATE_WINDOW_MS = 5000;
    /** Writers shown per topic, newest first: every run of an idempotent producer is a new producer id. */
    static final int WRITERS_SHOWN = 5;

    private final Topics topics;
    private final Map<String, ArrayDeque<long[]>> ends = new HashMap<>(); // topic -> [time, sum of high watermarks]

    Level3Flow(Topics topics) {
        this.topics = topics;
    }

    Topics topics() {
        return topics;
    }

    FlowView build(long now, List<TopicView> topicViews, List<GroupView> groups, List<Producer> producers,
                   List<TransactionView> transactions, List<OrderSummaryView> recentOrders, String skipped) {
        Map<String, TopicView> byName = new HashMap<>();
        topicViews.forEach(t -> byName.put(t.name(), t));
        Map<Long, String> transactionalIds = new HashMap<>();
        transactions.forEach(t -> transactionalIds.put(t.producerId(), t.transactionalId()));

        List<FlowTopicView> flowTopics = new ArrayList<>();
        Map<String, Set<String>> topicsWrittenBy = new HashMap<>(); // transactional id -> flow topics
        boolean present = false;
        for (String name : topics.all()) {
            TopicView topic = byName.get(name);
            if (topic == null) {
                ends.remove(name);
                flowTopics.add(new FlowTopicView(topics.role(name), name, false, 0, null, List.of()));
                continue;
            }
            present = true;
            long end = topic.partitions().stream().mapToLong(PartitionView::highWatermark).sum();
            long start = topic.partitions().stream().mapToLong(PartitionView::logStartOffset).sum();
            List<WriterView> writers = writers(name, producers, transactionalIds);
            writers.stream().filter(w -> w.transactionalId() != null)
                    .forEach(w -> topicsWrittenBy.computeIfAbsent(w.transactionalId(), id -> new TreeSet<>()).add(name));
            flowTopics.add(new FlowTopicView(topics.role(name), name, true, end - start, rate(name, now, end),
                    writers.size() > WRITERS_SHOWN ? writers.subList(0, WRITERS_SHOWN) : writers));
        }
        List<FlowReaderView> readers = new ArrayList<>();
        for (String name : topics.all()) {
            for (GroupView group : groups) {
                List<GroupPartitionView> onTopic = group.partitions().stream().filter(p -> p.topic().equals(name)).toList();
                if (onTopic.isEmpty()) {
                    continue;
                }
                long lag = onTopic.stream().mapToLong(p -> p.lag() == null ? 0 : p.lag()).sum();
                List<String> members = new ArrayList<>();
                Set<String> writesAs = new LinkedHashSet<>();
                for (MemberView member : group.members()) {
                    members.add(member.name() + (member.instanceId() == null ? "" : " (static member " + member.instanceId() + ")"));
                    for (String sameName : new LinkedHashSet<>(List.of(member.clientId(),
                            member.instanceId() == null ? member.clientId() : member.instanceId()))) {
                        Set<String> written = topicsWrittenBy.get(sameName);
                        if (written != null) {
                            writesAs.add(sameName + " -> " + String.join(", ", written));
                        }
                    }
                }
                readers.add(new FlowReaderView(name, group.id(), group.type(), group.state(), members, lag,
                        List.copyOf(writesAs)));
            }
        }
        return new FlowView(present, flowTopics, readers, recentOrders, skipped);
    }

    /** The producers on the topic's partitions, one per producer id, the latest writer first. */
    private static List<WriterView> writers(String topic, List<Producer> producers, Map<Long, String> transactionalIds) {
        Map<Long, List<Producer>> byId = new HashMap<>();
        producers.stream().filter(p -> p.topic().equals(topic))
                .forEach(p -> byId.computeIfAbsent(p.producerId(), id -> new ArrayList<>()).add(p));
        List<WriterView> writers = new ArrayList<>();
        byId.forEach((id, states) -> writers.add(new WriterView(id,
                states.stream().mapToInt(Producer::producerEpoch).max().orElse(0), transactionalIds.get(id),
                states.stream().mapToLong(Producer::lastTimestamp).max().orElse(0),
                states.stream().map(Producer::partition).sorted().distinct().toList())));
        writers.sort(Comparator.comparingLong(WriterView::lastWrite).reversed());
        return writers;
    }

    /** Offsets per second over the last {@link #RATE_WINDOW_MS}; null until two looks are that far apart. */
    private Double rate(String topic, long now, long end) {
        ArrayDeque<long[]> history = ends.computeIfAbsent(topic, t -> new ArrayDeque<>());
        history.addLast(new long[] {now, end});
        while (history.size() > 2 && now - history.peekFirst()[0] > RATE_WINDOW_MS) {
            history.removeFirst();
        }
        long[] first = history.peekFirst();
        if (now - first[0] < RATE_WINDOW_MS / 2) {
            return null;
        }
        return Math.max(0, end - first[1]) * 1000.0 / (now - first[0]);
    }
}
