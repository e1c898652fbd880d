package dev.franz.diagnosis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

import dev.franz.diagnosis.Evidence.OpenTransaction;
import dev.franz.diagnosis.Evidence.Partition;
import dev.franz.diagnosis.Evidence.Topic;

/**
 * A topic as the doctor reads it (Admin): partitions and replicas, two settings, the offsets (log start,
 * end, last stable offset, newest record's time), and the transactions open on it with their producers.
 */
final class TopicLook {

    private TopicLook() {
    }

    /** A topic: partitions and replicas, two settings, the offsets, and the transactions open on it. */
    static Topic topic(Admin admin, Answers answers, String name) throws InterruptedException {
        var description = answers.answer(admin.describeTopics(List.of(name)).topicNameValues().get(name), "describeTopics",
                "DESCRIBE", "TOPIC " + name);
        if (description == null) {
            return null;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Map<ConfigResource, Config> configs = answers.answer(admin.describeConfigs(List.of(resource)).all(),
                "describeConfigs", "DESCRIBE_CONFIGS", "TOPIC " + name);
        Config config = configs == null ? null : configs.get(resource);
        int minInsync = config == null ? 1 : Integer.parseInt(config.get("min.insync.replicas").value());
        long retentionMs = config == null ? -1 : Long.parseLong(config.get("retention.ms").value());

        // Offsets from the leaders: the log start, the end (high watermark), the last stable offset (the end
        // a read_committed consumer sees) and the newest record's time. Partitions without a leader: none.
        List<TopicPartition> led = description.partitions().stream().filter(p -> p.leader() != null && !p.leader()
                .isEmpty()).map(p -> new TopicPartition(name, p.partition())).toList();
        var start = offsets(admin, answers, led, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED, name);
        var end = offsets(admin, answers, led, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED, name);
        var stable = offsets(admin, answers, led, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED, name);
        var newest = offsets(admin, answers, led, OffsetSpec.maxTimestamp(), IsolationLevel.READ_UNCOMMITTED, name);

        // Partitions held back by an open transaction: which producers, and what their coordinators say.
        List<TopicPartition> held = led.stream().filter(tp -> stable.getOrDefault(tp, 0L) < end.getOrDefault(tp, 0L))
                .toList();
        Map<TopicPartition, List<OpenTransaction>> open = new HashMap<>();
        if (!held.isEmpty()) {
            var producers = admin.describeProducers(held);
            for (TopicPartition tp : held) {
                var state = answers.answer(producers.partitionResult(tp), "describeProducers", "READ", "TOPIC " + name);
                List<OpenTransaction> list = new ArrayList<>();
                if (state != null) {
                    for (var p : state.activeProducers()) {
                        if (p.currentTransactionStartOffset().isPresent()) {
                            list.add(coordinatorView(admin, answers, p.producerId(), p.producerEpoch(),
                                    p.currentTransactionStartOffset().getAsLong(), p.lastTimestamp()));
                        }
                    }
                }
                open.put(tp, list);
            }
        }
        List<Partition> partitions = new ArrayList<>();
        for (var p : description.partitions()) {
            TopicPartition tp = new TopicPartition(name, p.partition());
            partitions.add(new Partition(p.partition(), p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id(),
                    p.replicas().stream().map(n -> n.id()).toList(), p.isr().stream().map(n -> n.id()).toList(),
                    start.getOrDefault(tp, 0L), end.getOrDefault(tp, 0L), stable.getOrDefault(tp, 0L),
                    newest.getOrDefault(tp, -1L), open.getOrDefault(tp, List.of())));
        }
        return new Topic(name, minInsync, retentionMs, partitions);
    }

    /** An open transaction's producer, with its transactional id and state if a coordinator lists it. */
    private static OpenTransaction coordinatorView(Admin admin, Answers answers, long producerId, int epoch,
            long firstOffset, long lastWrite)
            throws InterruptedException {
        Collection<TransactionListing> listed = answers.answer(admin.listTransactions(new ListTransactionsOptions()
                .filterProducerIds(List.of(producerId))).all(), "listTransactions", "DESCRIBE", "TRANSACTIONAL_ID *");
        if (listed == null || listed.isEmpty()) {
            return new OpenTransaction(producerId, epoch, firstOffset, lastWrite, null, null, -1, -1);
        }
        String id = listed.iterator().next().transactionalId();
        TransactionDescription t = answers.answer(admin.describeTransactions(List.of(id)).description(id),
                "describeTransactions", "DESCRIBE", "TRANSACTIONAL_ID " + id);
        return t == null ? new OpenTransaction(producerId, epoch, firstOffset, lastWrite, id, "unknown", -1, -1)
                : new OpenTransaction(producerId, epoch, firstOffset, lastWrite, id, t.state().toString(),
                t.transactionStartTimeMs().orElse(-1), t.transactionTimeoutMs());
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Answers answers, List<TopicPartition> partitions,
            OffsetSpec spec, IsolationLevel isolation, String topic) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> specs = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec));
        var found = answers.answer(admin.listOffsets(specs, new ListOffsetsOptions(isolation)).all(), "listOffsets",
                "DESCRIBE", "TOPIC " + topic);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (found != null) {
            found.forEach((tp, info) -> offsets.put(tp, spec instanceof OffsetSpec.MaxTimestampSpec ? info.timestamp()
                    : info.offset()));
        }
        return offsets;
    }
}
