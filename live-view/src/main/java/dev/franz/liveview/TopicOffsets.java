package dev.franz.liveview;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

import dev.franz.liveview.Views.PartitionView;
import dev.franz.liveview.Views.TopicView;

/**
 * The topics and their partitions as logs, asked of the Admin client once a look: every topic
 * (internal ones too), its partitions with their leader, replicas, in-sync replicas and eligible leader
 * replicas ({@code describeTopics}), and three offsets of each partition (log start, high watermark,
 * last stable offset).
 */
final class TopicOffsets {

    /** What one look found: the topics as the page shows them, and what the other looks need of them. */
    record Found(List<TopicView> topics, List<TopicPartition> partitions, Map<TopicPartition, Long> highWatermark) {
    }

    private TopicOffsets() {
    }

    static Found look(Admin admin) throws ExecutionException, TimeoutException, InterruptedException {
        Collection<TopicListing> listings = admin.listTopics(new ListTopicsOptions().listInternal(true)).listings()
                .get(3, TimeUnit.SECONDS);
        Map<String, TopicDescription> descriptions = admin.describeTopics(
                listings.stream().map(TopicListing::name).toList()).allTopicNames().get(3, TimeUnit.SECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        descriptions.values().forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
        Map<TopicPartition, Long> logStart = offsets(admin, partitions, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, Long> highWatermark = offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
        // "latest" asked as a read_committed reader: the last stable offset, where such readers stop.
        Map<TopicPartition, Long> lastStable = offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);

        List<TopicView> topics = new ArrayList<>();
        for (TopicListing listing : listings.stream().sorted(Comparator.comparing(TopicListing::name)).toList()) {
            TopicDescription description = descriptions.get(listing.name());
            if (description == null) {
                continue; // deleted between the two calls
            }
            boolean internal = listing.isInternal() || listing.name().startsWith("__");
            List<PartitionView> views = description.partitions().stream().map(p -> {
                TopicPartition tp = new TopicPartition(listing.name(), p.partition());
                return new PartitionView(p.partition(), logStart.getOrDefault(tp, 0L), highWatermark.getOrDefault(tp, 0L),
                        lastStable.getOrDefault(tp, 0L), p.leader() == null || p.leader().isEmpty() ? null : p.leader().id(),
                        ids(p.replicas()), ids(p.isr()), ids(p.elr()), ids(p.lastKnownElr()));
            }).toList();
            topics.add(new TopicView(listing.name(), internal, !internal, views));
        }
        return new Found(topics, partitions, highWatermark);
    }

    /** Broker ids; none when the broker did not say (ELR from a broker without KIP-966). */
    private static List<Integer> ids(List<Node> nodes) {
        return nodes == null ? List.of() : nodes.stream().map(Node::id).toList();
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec,
                                                     IsolationLevel isolation)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> result = new HashMap<>();
        ListOffsetsResult answer = admin.listOffsets(request, new ListOffsetsOptions(isolation));
        for (TopicPartition tp : partitions) {
            try {
                result.put(tp, answer.partitionResult(tp).get(3, TimeUnit.SECONDS).offset());
            } catch (ExecutionException partitionGone) {
                // a topic deleted while we asked: left out of this look
            }
        }
        return result;
    }
}
