package dev.franz.doctor;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.TopicName;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.doctor.Evidence.Group;
import dev.franz.doctor.Evidence.Member;
import dev.franz.doctor.Evidence.OpenTransaction;
import dev.franz.doctor.Evidence.Partition;
import dev.franz.doctor.Evidence.Topic;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Why does my consumer get nothing? {@code bin/run doctor --group basic-consumer}
 *
 * <p>Reading path: this file is the program and every question it asks the cluster: the Admin calls
 * (and one consumer with {@code assign()} and no group) whose answers become {@link Evidence}, plain
 * numbers. {@link Diagnosis} reasons over them with no Kafka call, {@link Report} prints the findings.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, version = "doctor (Franz)",
        description = "Read the cluster's state (offsets, groups, transactions, replicas, ACLs) and say why a"
                + " consumer gets nothing: each finding with its evidence, the likely cause and the fix.")
public final class Doctor implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    static final class Subject {
        @Option(names = "--group", paramLabel = "GROUP", description = "The group to look at (a consumer or share group).")
        String group;

        @Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class,
                description = "Topic to look at, with the groups that read it.")
        String topic;

        @Option(names = "--transactional-id", paramLabel = "ID", description = "A producer's transactional.id to look at.")
        String transactionalId;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Subject subject = new Subject();

    @Option(names = "--watch", paramLabel = "SECONDS", converter = Numbers.NotNegative.class, defaultValue = "3",
            description = "Look at groups with members again after SECONDS, to catch rebalances (0: one look;"
                    + " default ${DEFAULT-VALUE}).")
    long watchSeconds;

    @Option(names = "--json", description = "Print the findings as JSON, for scripts.")
    boolean json;

    final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new Doctor(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Properties props = configOptions.load().clientProperties();
        BrokerPreflight.check(props, BrokerPreflight.DEFAULT_TIMEOUT);
        Evidence evidence = look(props, new Evidence.Asked(subject.group, subject.topic, subject.transactionalId),
                Duration.ofSeconds(watchSeconds));
        Report.print(out, evidence, Diagnosis.diagnose(evidence), json);
        return 0;
    }

    /** The calls the cluster refused, gathered while looking. */
    private final List<Evidence.Denied> denied = new ArrayList<>();

    /** Reads everything the diagnosis needs about {@code asked}: one Admin client, closed at the end. */
    Evidence look(Properties connection, Evidence.Asked asked, Duration secondLook) throws InterruptedException {
        Properties props = new Properties();
        props.putAll(connection);
        // A partition whose leader is down makes a call wait: answer in seconds, not Kafka's default minute.
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(props)) {
            long now = System.currentTimeMillis();
            Set<Integer> brokers = new TreeSet<>();
            Optional.ofNullable(answer(admin.describeCluster().nodes(), "describeCluster", "DESCRIBE", "CLUSTER"))
                    .ifPresent(nodes -> nodes.forEach(node -> brokers.add(node.id())));
            Set<String> topicNames = new TreeSet<>(Optional.ofNullable(answer(admin.listTopics().names(), "listTopics",
                    "DESCRIBE", "CLUSTER")).orElse(Set.of()));
            Map<String, String> groupTypes = new HashMap<>();
            Optional.ofNullable(answer(admin.listGroups().all(), "listGroups", "DESCRIBE", "CLUSTER")).ifPresent(all ->
                    all.forEach(g -> groupTypes.put(g.groupId(), g.type().map(t -> t.name().toLowerCase(Locale.ROOT)).orElse("classic"))));

            // What to look at closely: the transactional id's partitions, the group asked, or every group.
            List<Evidence.Transaction> transactions = new ArrayList<>();
            Set<String> topics = new TreeSet<>();
            if (asked.transactionalId() != null) {
                TransactionDescription t = answer(admin.describeTransactions(List.of(asked.transactionalId()))
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
                    Group g = group(admin, id, groupTypes.getOrDefault(id, "consumer"));
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
            if (asked.topic() != null) {
                topics.add(asked.topic());
            } else if (asked.isEverything()) {
                topics.addAll(topicNames);
            }
            topics.retainAll(topicNames);
            List<Topic> described = new ArrayList<>();
            for (String name : topics) {
                Optional.ofNullable(topic(admin, name)).ifPresent(described::add);
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
                        g.committed(), g.shareAutoOffsetReset(), null, readGaps(connection, gaps, byPartition)));
            }

            // A second look, a few seconds later, at the groups with members: did they rebalance?
            List<Group> looked = read;
            if (!secondLook.isZero() && read.stream().anyMatch(g -> !g.members().isEmpty())) {
                Thread.sleep(secondLook.toMillis());
                looked = new ArrayList<>();
                for (Group g : read) {
                    Group again = g.members().isEmpty() ? null : group(admin, g.id(), g.type());
                    looked.add(again == null ? g : new Group(g.id(), g.type(), g.state(), g.epoch(), g.members(),
                            g.committed(), g.shareAutoOffsetReset(), new Evidence.SecondLook(secondLook.toSeconds(),
                            again.state(), again.epoch(), again.members().stream().map(Member::memberId)
                            .collect(Collectors.toCollection(TreeSet::new))), g.gapReads()));
                }
            }
            return new Evidence(props.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), now, asked, brokers,
                    topicNames, new TreeSet<>(groupTypes.keySet()), described, looked, transactions, List.copyOf(denied));
        }
    }

    /** A group: its description and committed offsets (a share group: its start offsets and settings). */
    private Group group(Admin admin, String id, String type) throws InterruptedException {
        String resource = "GROUP " + id;
        List<Member> members = new ArrayList<>();
        Map<TopicPartition, Long> committed = new HashMap<>();
        if (type.equals("share")) {
            var d = answer(admin.describeShareGroups(List.of(id)).describedGroups().get(id), "describeShareGroups",
                    "DESCRIBE", resource);
            var offsets = answer(admin.listShareGroupOffsets(Map.of(id, new ListShareGroupOffsetsSpec()))
                    .partitionsToOffsetInfo(id), "listShareGroupOffsets", "DESCRIBE", resource);
            ConfigResource settings = new ConfigResource(ConfigResource.Type.GROUP, id);
            Map<ConfigResource, Config> configs = answer(admin.describeConfigs(List.of(settings)).all(),
                    "describeConfigs", "DESCRIBE_CONFIGS", resource);
            Config config = configs == null ? null : configs.get(settings);
            if (d == null) {
                return null;
            }
            d.members().forEach(m -> members.add(new Member(m.consumerId(), m.clientId(), m.host(),
                    m.assignment().topicPartitions())));
            if (offsets != null) {
                offsets.forEach((tp, info) -> {
                    if (info != null) {
                        committed.put(tp, info.startOffset());
                    }
                });
            }
            ConfigEntry reset = config == null ? null : config.get("share.auto.offset.reset");
            return new Group(id, type, d.groupState().toString(), d.groupEpoch(), members, committed,
                    reset == null ? null : reset.value(), null, List.of());
        }
        if (type.equals("streams")) {
            return null; // a Kafka Streams group (streams protocol): not diagnosed here
        }
        var d = answer(admin.describeConsumerGroups(List.of(id)).describedGroups().get(id), "describeConsumerGroups",
                "DESCRIBE", resource);
        Map<TopicPartition, OffsetAndMetadata> offsets = answer(admin.listConsumerGroupOffsets(id)
                .partitionsToOffsetAndMetadata(), "listConsumerGroupOffsets", "DESCRIBE", resource);
        if (d == null || d.groupState().toString().equalsIgnoreCase("Dead") && (offsets == null || offsets.isEmpty())) {
            return null;
        }
        d.members().forEach(m -> members.add(new Member(m.consumerId(), m.clientId(), m.host(),
                m.assignment().topicPartitions())));
        if (offsets != null) {
            offsets.forEach((tp, offset) -> {
                if (offset != null) {
                    committed.put(tp, offset.offset());
                }
            });
        }
        return new Group(id, d.type().name().toLowerCase(Locale.ROOT), d.groupState().toString(), d.groupEpoch().orElse(-1),
                members, committed, null, null, List.of());
    }

    /** A topic: partitions and replicas, two settings, the offsets, and the transactions open on it. */
    private Topic topic(Admin admin, String name) throws InterruptedException {
        var description = answer(admin.describeTopics(List.of(name)).topicNameValues().get(name), "describeTopics",
                "DESCRIBE", "TOPIC " + name);
        if (description == null) {
            return null;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Map<ConfigResource, Config> configs = answer(admin.describeConfigs(List.of(resource)).all(), "describeConfigs",
                "DESCRIBE_CONFIGS", "TOPIC " + name);
        Config config = configs == null ? null : configs.get(resource);
        int minInsync = config == null ? 1 : Integer.parseInt(config.get("min.insync.replicas").value());
        long retentionMs = config == null ? -1 : Long.parseLong(config.get("retention.ms").value());

        // Offsets from the leaders: the log start, the end (high watermark), the last stable offset (the end
        // a read_committed consumer sees) and the newest record's time. Partitions without a leader: none.
        List<TopicPartition> led = description.partitions().stream().filter(p -> p.leader() != null && !p.leader()
                .isEmpty()).map(p -> new TopicPartition(name, p.partition())).toList();
        var start = offsets(admin, led, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED, name);
        var end = offsets(admin, led, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED, name);
        var stable = offsets(admin, led, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED, name);
        var newest = offsets(admin, led, OffsetSpec.maxTimestamp(), IsolationLevel.READ_UNCOMMITTED, name);

        // Partitions held back by an open transaction: which producers, and what their coordinators say.
        List<TopicPartition> held = led.stream().filter(tp -> stable.getOrDefault(tp, 0L) < end.getOrDefault(tp, 0L)).toList();
        Map<TopicPartition, List<OpenTransaction>> open = new HashMap<>();
        if (!held.isEmpty()) {
            var producers = admin.describeProducers(held);
            for (TopicPartition tp : held) {
                var state = answer(producers.partitionResult(tp), "describeProducers", "READ", "TOPIC " + name);
                List<OpenTransaction> list = new ArrayList<>();
                if (state != null) {
                    for (var p : state.activeProducers()) {
                        if (p.currentTransactionStartOffset().isPresent()) {
                            list.add(coordinatorView(admin, p.producerId(), p.producerEpoch(),
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
    private OpenTransaction coordinatorView(Admin admin, long producerId, int epoch, long firstOffset, long lastWrite)
            throws InterruptedException {
        Collection<TransactionListing> listed = answer(admin.listTransactions(new ListTransactionsOptions()
                .filterProducerIds(List.of(producerId))).all(), "listTransactions", "DESCRIBE", "TRANSACTIONAL_ID *");
        if (listed == null || listed.isEmpty()) {
            return new OpenTransaction(producerId, epoch, firstOffset, lastWrite, null, null, -1, -1);
        }
        String id = listed.iterator().next().transactionalId();
        TransactionDescription t = answer(admin.describeTransactions(List.of(id)).description(id),
                "describeTransactions", "DESCRIBE", "TRANSACTIONAL_ID " + id);
        return t == null ? new OpenTransaction(producerId, epoch, firstOffset, lastWrite, id, "unknown", -1, -1)
                : new OpenTransaction(producerId, epoch, firstOffset, lastWrite, id, t.state().toString(),
                t.transactionStartTimeMs().orElse(-1), t.transactionTimeoutMs());
    }

    private Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec,
            IsolationLevel isolation, String topic) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> specs = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec));
        var found = answer(admin.listOffsets(specs, new ListOffsetsOptions(isolation)).all(), "listOffsets",
                "DESCRIBE", "TOPIC " + topic);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (found != null) {
            found.forEach((tp, info) -> offsets.put(tp, spec instanceof OffsetSpec.MaxTimestampSpec ? info.timestamp()
                    : info.offset()));
        }
        return offsets;
    }

    /**
     * A read_committed consumer with no group, assigned to each partition and placed at the group's committed
     * offset, reads until its position reaches the end (at most 3 s): how many records were there?
     */
    private List<Evidence.GapRead> readGaps(Properties connection, Map<TopicPartition, Long> from,
            Map<String, Partition> partitions) {
        Properties props = new Properties();
        props.putAll(connection);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // What a group reading transactions sees: committed records only; markers are never delivered.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<TopicPartition, Integer> counted = new HashMap<>();
        Map<TopicPartition, Long> positions = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            Set<TopicPartition> reading = new HashSet<>(from.keySet());
            while (!reading.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < partitions.get(tp.toString()).end()) {
                        counted.merge(tp, 1, Integer::sum);
                    }
                }
                for (TopicPartition tp : from.keySet()) {
                    positions.put(tp, consumer.position(tp));
                    if (positions.get(tp) >= partitions.get(tp.toString()).end()) {
                        reading.remove(tp);
                    }
                }
            }
        } catch (AuthorizationException e) {
            denied.add(new Evidence.Denied("poll", "READ", "TOPIC " + from.keySet().iterator().next().topic(),
                    e.getMessage()));
        }
        List<Evidence.GapRead> reads = new ArrayList<>();
        from.forEach((tp, offset) -> reads.add(new Evidence.GapRead(tp, offset, partitions.get(tp.toString()).end(),
                counted.getOrDefault(tp, 0), positions.getOrDefault(tp, offset))));
        return reads;
    }

    /**
     * The answer to one Admin call; null when the cluster refused it (kept as evidence: which call, which
     * operation on which resource) or when the thing asked about does not exist.
     */
    private <T> T answer(KafkaFuture<T> future, String call, String operation, String resource)
            throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException refused) {
                denied.add(new Evidence.Denied(call, operation, resource, refused.getMessage()));
                return null;
            }
            if (e.getCause() instanceof GroupIdNotFoundException || e.getCause() instanceof UnknownTopicOrPartitionException
                    || e.getCause() instanceof TransactionalIdNotFoundException) {
                return null;
            }
            throw new UserFacingException("The cluster gave no answer to " + call + " (" + resource + "): "
                    + e.getCause().getMessage(), e.getCause());
        }
    }
}
