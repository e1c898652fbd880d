package dev.franz.diagnosis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.common.TopicPartition;

import dev.franz.diagnosis.Evidence.Group;
import dev.franz.diagnosis.Evidence.Member;
import dev.franz.diagnosis.Evidence.Partition;
import dev.franz.diagnosis.Evidence.Topic;

/**
 * The doctor's look at the cluster, the same for {@code bin/run doctor} and the live view's panels: the
 * Admin calls that list the cluster's brokers, topics and groups, a transactional id's description, and
 * the second look at the groups a few seconds later. What it asks about each group is in {@link GroupLook}
 * (with the consumer that reads a small lag, by {@code assign()} and no group), about each topic in
 * {@link TopicLook}. The answers are {@link Evidence}, plain numbers; {@link Diagnosis} reasons over them
 * with no Kafka call.
 */
public final class ClusterLook {

    private ClusterLook() {
    }

    /**
     * An Admin client for looking: a partition whose leader is down makes a call wait, so calls are
     * answered in seconds, not in Kafka's default minute. {@code clientId}: null for Kafka's own.
     */
    public static Admin admin(Properties connection, String clientId) {
        Properties props = new Properties();
        props.putAll(connection);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        if (clientId != null) {
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        }
        return Admin.create(props);
    }

    /**
     * Reads everything the diagnosis needs about {@code asked} with {@code admin} (made by {@link #admin});
     * {@code principal}: who asks (User:NAME), for the ACL a refused call needs. {@code secondLook}: how long
     * to wait before describing the groups with members again (zero: no second look).
     */
    public static Evidence look(Admin admin, Properties connection, String principal, Evidence.Asked asked,
            Duration secondLook) throws InterruptedException {
        Answers answers = new Answers(principal);
        long now = System.currentTimeMillis();
        Set<Integer> brokers = new TreeSet<>();
        Optional.ofNullable(answers.answer(admin.describeCluster().nodes(), "describeCluster", "DESCRIBE", "CLUSTER"))
                .ifPresent(nodes -> nodes.forEach(node -> brokers.add(node.id())));
        Set<String> topicNames = new TreeSet<>(Optional.ofNullable(answers.answer(admin.listTopics().names(),
                "listTopics", "DESCRIBE", "CLUSTER")).orElse(Set.of()));
        Map<String, String> groupTypes = new HashMap<>();
        Optional.ofNullable(answers.answer(admin.listGroups().all(), "listGroups", "DESCRIBE", "CLUSTER"))
                .ifPresent(all -> all.forEach(g -> groupTypes.put(g.groupId(),
                        g.type().map(t -> t.name().toLowerCase(Locale.ROOT)).orElse("classic"))));

        // What to look at closely: the transactional id's partitions, the group asked, or every group.
        List<Evidence.Transaction> transactions = new ArrayList<>();
        Set<String> topics = new TreeSet<>();
        if (asked.transactionalId() != null) {
            TransactionDescription t = answers.answer(admin.describeTransactions(List.of(asked.transactionalId()))
                    .description(asked.transactionalId()), "describeTransactions", "DESCRIBE",
                    "TRANSACTIONAL_ID " + asked.transactionalId());
            if (t != null) {
                transactions.add(new Evidence.Transaction(asked.transactionalId(), t.state().toString(),
                        t.producerId(), t.producerEpoch(), t.transactionStartTimeMs().orElse(-1),
                        t.transactionTimeoutMs(), t.topicPartitions()));
                t.topicPartitions().forEach(tp -> topics.add(tp.topic()));
            }
        }
        List<Group> groups = new ArrayList<>();
        if (asked.transactionalId() == null) {
            Collection<String> ids = asked.group() != null ? List.of(asked.group()) : new TreeSet<>(groupTypes.keySet());
            for (String id : ids) {
                Group g = GroupLook.group(admin, answers, id, groupTypes.getOrDefault(id, "consumer"));
                boolean touchesTopic = asked.topic() == null || g != null && (g.committed().keySet().stream()
                        .anyMatch(tp -> tp.topic().equals(asked.topic())) || g.members().stream()
                        .anyMatch(m -> m.assigned().stream().anyMatch(tp -> tp.topic().equals(asked.topic()))));
                if (g != null && touchesTopic) {
                    groups.add(g);
                    g.committed().keySet().forEach(tp -> topics.add(tp.topic()));
                    g.members().forEach(m -> m.assigned().forEach(tp -> topics.add(tp.topic())));
                }
            }
        }
        if (asked.isEverything()) {
            topics.addAll(topicNames);
        }
        topics.retainAll(topicNames);
        if (asked.topic() != null) {
            // Described even when not listed: a secured cluster lists only the topics this user may see.
            topics.add(asked.topic());
        }
        List<Topic> described = new ArrayList<>();
        for (String name : topics) {
            Optional.ofNullable(TopicLook.topic(admin, answers, name)).ifPresent(described::add);
        }

        // A lag of a few offsets: records, or only transaction markers? Read them to know.
        Map<String, Partition> byPartition = new HashMap<>();
        described.forEach(t -> t.partitions().forEach(p -> byPartition.put(t.name() + "-" + p.partition(), p)));
        List<Group> read = new ArrayList<>();
        for (Group g : groups) {
            Map<TopicPartition, Long> gaps = new HashMap<>();
            g.committed().forEach((tp, committed) -> {
                Partition p = byPartition.get(tp.toString());
                if (!g.type().equals("share") && p != null && committed >= p.logStart() && committed < p.end()
                        && p.end() - committed <= Diagnosis.SMALL_LAG && p.lastStable() == p.end()) {
                    gaps.put(tp, committed);
                }
            });
            read.add(gaps.isEmpty() ? g : new Group(g.id(), g.type(), g.state(), g.epoch(), g.members(),
                    g.committed(), g.shareAutoOffsetReset(), null,
                    GroupLook.readGaps(connection, answers, gaps, byPartition)));
        }

        // A second look, a few seconds later, at the groups with members: did they rebalance?
        List<Group> looked = read;
        if (!secondLook.isZero() && read.stream().anyMatch(g -> !g.members().isEmpty())) {
            Thread.sleep(secondLook.toMillis());
            looked = new ArrayList<>();
            for (Group g : read) {
                Group again = g.members().isEmpty() ? null : GroupLook.group(admin, answers, g.id(), g.type());
                looked.add(again == null ? g : new Group(g.id(), g.type(), g.state(), g.epoch(), g.members(),
                        g.committed(), g.shareAutoOffsetReset(), new Evidence.SecondLook(secondLook.toSeconds(),
                        again.state(), again.epoch(), again.members().stream().map(Member::memberId)
                        .collect(Collectors.toCollection(TreeSet::new))), g.gapReads()));
            }
        }
        return new Evidence(connection.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), now, asked, brokers,
                topicNames, new TreeSet<>(groupTypes.keySet()), described, looked, transactions,
                List.copyOf(answers.denied));
    }
}
