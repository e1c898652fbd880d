package dev.franz.liveview;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberAssignment;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;
import org.apache.kafka.clients.admin.StreamsGroupSubtopologyDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.franz.liveview.PartitionWindow.Stored;
import dev.franz.liveview.Views.CellView;
import dev.franz.liveview.Views.ClusterView;
import dev.franz.liveview.Views.GroupPartitionView;
import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.MemberView;
import dev.franz.liveview.Views.PartitionRecords;
import dev.franz.liveview.Views.PartitionView;
import dev.franz.liveview.Views.TimelineEvent;
import dev.franz.liveview.Views.TopicView;
import dev.franz.liveview.Views.TransactionView;

/**
 * Every Kafka call of the live view, in one class. It only observes:
 * <ul>
 *   <li>an {@link Admin} client, asked about once a second: topics and their offsets (log start,
 *       high watermark, last stable offset), groups of every kind, their members and committed offsets;</li>
 *   <li>two consumers that read the newest records of every partition with {@code assign()}, one
 *       {@code read_uncommitted} and one {@code read_committed} (comparing them shows aborted records
 *       and transaction markers), and a third that looks up how old a group's oldest unread record is;</li>
 *   <li>for Level 3's flow: the transactional ids the transaction coordinator knows, and the producers
 *       the partition leaders list on the flow's topics; the records of those topics go to an
 *       {@link OrderIndex}, so that one order can be followed.</li>
 * </ul>
 * None of them has a {@code group.id}: they join no group and commit nothing. Nothing here creates a
 * topic or changes a configuration.
 */
final class KafkaWatcher implements AutoCloseable {

    /** How often the Admin client is asked. */
    static final Duration ADMIN_EVERY = Duration.ofSeconds(1);
    /** Partitions whose records are read; a cluster with more shows the rest as offsets only. */
    static final int MAX_READ_PARTITIONS = 1000;
    /** The records loop reads at most this often while records arrive. */
    private static final Duration READ_PACE = Duration.ofMillis(200);
    /** Lag history kept per group: the last five minutes, one point a second. */
    static final int LAG_HISTORY_POINTS = 300;
    static final int TIMELINE_EVENTS = 200;
    /** Transactional ids described per look; a cluster with more shows the first ones. */
    static final int MAX_TRANSACTIONS = 100;
    /** Newest orders listed on the page to click on. */
    static final int RECENT_ORDERS = 15;

    private final Properties clientProperties;
    private final String bootstrapServers;
    private final int recordsPerPartition;
    private final PrintStream out;
    private final Level3Flow flow;
    private final OrderIndex orders;
    private final Map<TopicPartition, PartitionWindow> windows = new ConcurrentHashMap<>();
    private final Map<String, ArrayDeque<long[]>> lagHistory = new HashMap<>();
    private final ArrayDeque<TimelineEvent> timeline = new ArrayDeque<>();
    private final Map<TopicPartition, long[]> timestampAt = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TopicPartition, long[]> eldest) {
            return size() > 5000;
        }
    };
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();

    private volatile ClusterView latest;
    private volatile Consumer<ClusterView> onSnapshot = view -> { };
    private volatile boolean running = true;
    private KafkaConsumer<byte[], byte[]> uncommitted;
    private KafkaConsumer<byte[], byte[]> committed;
    private Map<String, GroupView> previousGroups = Map.of();
    private Long downSince;
    private boolean everUp;

    KafkaWatcher(Properties clientProperties, String bootstrapServers, int recordsPerPartition,
                 Level3Flow.Topics flowTopics, PrintStream out) {
        this.clientProperties = clientProperties;
        this.bootstrapServers = bootstrapServers;
        this.recordsPerPartition = recordsPerPartition;
        this.flow = new Level3Flow(flowTopics);
        this.orders = new OrderIndex(flowTopics);
        this.out = out;
        this.latest = new ClusterView(System.currentTimeMillis(), bootstrapServers, false, "Connecting to " + bootstrapServers
                + "...", null, List.of(), List.of(), List.of(), List.of(), null, List.of());
    }

    /** What the live view saw of one order on the flow's topics, or null. */
    Views.OrderTrace order(String orderId) {
        return orders.trace(orderId);
    }

    /** The newest snapshot of the cluster. */
    ClusterView latest() {
        return latest;
    }

    /** Called on the Admin thread after each look at the cluster. */
    void onSnapshot(Consumer<ClusterView> listener) {
        this.onSnapshot = listener;
    }

    void start() {
        threads.add(new Thread(this::adminLoop, "live-view-admin"));
        threads.add(new Thread(this::recordsLoop, "live-view-records"));
        threads.forEach(Thread::start);
    }

    // ---------------------------------------------------------------------------------------------
    // The Admin side: topics, offsets, groups, about once a second.

    private Admin createAdmin() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "franz-live-view-admin");
        // Kafka's default is 60 s: a call to a broker that is gone would wait a minute. The page says
        // "no broker" within seconds instead, and the next look, a second later, tries again.
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        return Admin.create(props);
    }

    private KafkaConsumer<byte[], byte[]> createConsumer(String clientId, IsolationLevel isolation) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        // No group.id: this consumer is given its partitions with assign(); it joins no group, so no
        // group sees a new member, and it cannot commit (enable.auto.commit is false without a group).
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // Kafka's default is 1 MiB per partition and fetch. The page shows each partition's newest
        // records only, so a fetch brings about that much; a larger record still comes (Kafka always
        // returns at least one batch). With a producer at full speed this keeps the live view's load small.
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024);
        if (isolation == IsolationLevel.READ_COMMITTED) {
            // Kafka's default is read_uncommitted: every record, aborted ones too. This reader sees
            // only what a read_committed consumer would: committed records, up to the last stable offset.
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void adminLoop() {
        try (Admin admin = createAdmin();
             KafkaConsumer<byte[], byte[]> probe = createConsumer("franz-live-view-lag-probe", IsolationLevel.READ_UNCOMMITTED)) {
            while (running) {
                long startedAt = System.nanoTime();
                ClusterView view;
                try {
                    view = look(admin, probe);
                    everUp = true;
                    if (downSince != null) {
                        out.printf("Broker back at %s after %.0f s: the page is live again.%n", bootstrapServers,
                                (System.currentTimeMillis() - downSince) / 1000.0);
                        downSince = null;
                    }
                } catch (TimeoutException | ExecutionException e) {
                    view = down(e);
                } catch (WakeupException | InterruptedException e) {
                    return;
                }
                latest = view;
                onSnapshot.accept(view);
                long waitMs = ADMIN_EVERY.toMillis() - (System.nanoTime() - startedAt) / 1_000_000;
                try {
                    if (stop.await(Math.max(waitMs, 50), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private ClusterView down(Exception e) {
        if (downSince == null) {
            downSince = System.currentTimeMillis();
            if (everUp) { // a broker missing from the start was reported by the preflight already
                out.printf("Lost the broker at %s; the page says so, and the live view keeps trying.%n", bootstrapServers);
            }
        }
        String reason = e instanceof TimeoutException ? "no answer within 3 s"
                : e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : e.getClass().getSimpleName();
        String problem = "No Kafka broker answers at " + bootstrapServers + " (" + reason + "). Start one with"
                + " ./mvnw -q compile exec:java -pl local-kafka, or point the live view at yours with"
                + " KAFKA_BOOTSTRAP_SERVERS. Retrying every second.";
        ClusterView last = latest;
        return new ClusterView(System.currentTimeMillis(), bootstrapServers, false, problem, downSince, last.topics(),
                last.groups(), last.timeline(), last.transactions(), last.flow(), last.shareGroups());
    }

    /** One look at the cluster: at most one call of each kind. */
    private ClusterView look(Admin admin, KafkaConsumer<byte[], byte[]> probe)
            throws ExecutionException, TimeoutException, InterruptedException {
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
                        lastStable.getOrDefault(tp, 0L), p.leader() == null ? null : p.leader().id());
            }).toList();
            topics.add(new TopicView(listing.name(), internal, !internal, views));
        }
        List<GroupView> groups = groups(admin, probe, highWatermark);
        List<TimelineEvent> events = timeline(groups);
        List<TransactionView> transactions = transactions(admin);
        List<TopicPartition> flowPartitions = partitions.stream().filter(tp -> orders.covers(tp.topic())).toList();
        long now = System.currentTimeMillis();
        Views.FlowView flowView = flow.build(now, topics, groups, producers(admin, flowPartitions), transactions,
                orders.recent(RECENT_ORDERS), orders.skipped());
        return new ClusterView(now, bootstrapServers, true, null, null, topics, groups, events, transactions, flowView,
                shareGroups(admin, groups, topics));
    }

    /**
     * Each share group's settings, as the broker holds them (Admin {@code describeConfigs} on a GROUP
     * resource), and its dead-letter topic's newest records, from what the records loop read. What
     * the Admin API does not report: which record a member holds now, under which lock, and how many
     * times a record still in the group was delivered; only the start offset and the dead letters'
     * headers tell of deliveries.
     */
    private List<Views.ShareGroupView> shareGroups(Admin admin, List<GroupView> groups, List<TopicView> topics)
            throws InterruptedException {
        List<ConfigResource> resources = groups.stream().filter(g -> g.type().equals("share"))
                .map(g -> new ConfigResource(ConfigResource.Type.GROUP, g.id())).toList();
        if (resources.isEmpty()) {
            return List.of();
        }
        var configs = admin.describeConfigs(resources).values();
        List<Views.ShareGroupView> views = new ArrayList<>();
        for (ConfigResource resource : resources) {
            Config config = getOrNull(configs.get(resource));
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
        PartitionWindow window = windows.get(tp);
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
                        : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
                found.add(new Views.DeadLetterView(tp.partition(), r.offset(), r.timestamp(), RecordText.shortText(r.key()),
                        r.value() == null ? null : RecordText.shortText(r.value()), headers.get("__dlq.errors.delivery.count"),
                        headers.get("__dlq.errors.message"), headers.get("__dlq.errors.topic") == null ? null
                        : headers.get("__dlq.errors.topic") + "-" + headers.get("__dlq.errors.partition") + " offset "
                        + headers.get("__dlq.errors.offset")));
            }
        }
        return found;
    }

    /**
     * The transactional ids the transaction coordinators know (Admin {@code listTransactions}), each
     * described: state, producer id and epoch, the partitions of its open transaction and its start.
     */
    private static List<TransactionView> transactions(Admin admin)
            throws TimeoutException, InterruptedException {
        List<String> ids;
        try {
            ids = admin.listTransactions().all().get(3, TimeUnit.SECONDS).stream()
                    .map(TransactionListing::transactionalId).sorted().limit(MAX_TRANSACTIONS).toList();
        } catch (ExecutionException notAllowed) {
            // A secured cluster may not let this user describe transactional ids: the rest of the page stays.
            return List.of();
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        var described = admin.describeTransactions(ids);
        List<TransactionView> views = new ArrayList<>();
        for (String id : ids) {
            TransactionDescription d = getOrNull(described.description(id));
            if (d != null) {
                views.add(new TransactionView(id, d.state().toString(), d.producerId(), d.producerEpoch(),
                        names(d.topicPartitions()), d.state() == TransactionState.ONGOING && d.transactionStartTimeMs().isPresent()
                        ? d.transactionStartTimeMs().getAsLong() : null, d.transactionTimeoutMs()));
            }
        }
        return views;
    }

    /**
     * The producers each partition's leader remembers having written to it (Admin
     * {@code describeProducers}): producer id, epoch and the time of its last batch. Transactional and
     * idempotent producers have a producer id; a producer with neither is not listed.
     */
    private static List<Level3Flow.Producer> producers(Admin admin, List<TopicPartition> partitions)
            throws InterruptedException {
        if (partitions.isEmpty()) {
            return List.of();
        }
        DescribeProducersResult result = admin.describeProducers(partitions);
        List<Level3Flow.Producer> producers = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            var state = getOrNull(result.partitionResult(tp));
            if (state != null) {
                state.activeProducers().forEach(p -> producers.add(new Level3Flow.Producer(tp.topic(), tp.partition(),
                        p.producerId(), p.producerEpoch(), p.lastTimestamp())));
            }
        }
        return producers;
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

    /** A group as described by the Admin API, before lag is worked out. */
    private record Described(String type, String protocol, String state, Integer epoch, List<MemberView> members,
                             Map<TopicPartition, Long> committed) {
    }

    private List<GroupView> groups(Admin admin, KafkaConsumer<byte[], byte[]> probe, Map<TopicPartition, Long> ends)
            throws ExecutionException, TimeoutException, InterruptedException {
        Collection<GroupListing> listings = admin.listGroups().all().get(3, TimeUnit.SECONDS);
        List<String> consumerGroups = new ArrayList<>();
        List<String> shareGroups = new ArrayList<>();
        List<String> streamsGroups = new ArrayList<>();
        for (GroupListing listing : listings) {
            GroupType type = listing.type().orElse(GroupType.CLASSIC);
            if (type == GroupType.SHARE) {
                shareGroups.add(listing.groupId());
            } else if (type == GroupType.STREAMS) {
                streamsGroups.add(listing.groupId());
            } else if (type == GroupType.CONSUMER || listing.protocol().isEmpty() || listing.protocol().equals("consumer")) {
                consumerGroups.add(listing.groupId()); // classic groups of other kinds (Connect workers) are left out
            }
        }
        Map<String, Described> described = new HashMap<>();
        if (!consumerGroups.isEmpty()) {
            var descriptions = admin.describeConsumerGroups(consumerGroups).describedGroups();
            Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
            consumerGroups.forEach(id -> specs.put(id, new ListConsumerGroupOffsetsSpec()));
            var offsets = admin.listConsumerGroupOffsets(specs);
            for (String id : consumerGroups) {
                ConsumerGroupDescription d = getOrNull(descriptions.get(id));
                if (d == null) {
                    continue;
                }
                List<MemberView> members = new ArrayList<>();
                for (MemberDescription m : d.members()) {
                    members.add(new MemberView(m.consumerId(), m.clientId(), m.host(), m.groupInstanceId().orElse(null),
                            names(m.assignment().topicPartitions())));
                }
                described.put(id, new Described(d.type() == GroupType.CONSUMER ? "consumer" : "classic",
                        d.partitionAssignor(), d.groupState().toString(), d.groupEpoch().orElse(null), members,
                        committedOffsets(getOrNull(offsets.partitionsToOffsetAndMetadata(id)))));
            }
        }
        if (!shareGroups.isEmpty()) {
            var descriptions = admin.describeShareGroups(shareGroups).describedGroups();
            Map<String, ListShareGroupOffsetsSpec> specs = new HashMap<>();
            shareGroups.forEach(id -> specs.put(id, new ListShareGroupOffsetsSpec()));
            var offsets = admin.listShareGroupOffsets(specs);
            for (String id : shareGroups) {
                ShareGroupDescription d = getOrNull(descriptions.get(id));
                if (d == null) {
                    continue;
                }
                List<MemberView> members = new ArrayList<>();
                for (ShareMemberDescription m : d.members()) {
                    members.add(new MemberView(m.consumerId(), m.clientId(), m.host(), null,
                            names(m.assignment().topicPartitions())));
                }
                // A share group has no committed offset per consumer: its start offset is the first
                // record not yet acknowledged by all (records before it are done).
                Map<TopicPartition, SharePartitionOffsetInfo> start = getOrNull(offsets.partitionsToOffsetInfo(id));
                Map<TopicPartition, Long> startOffsets = new HashMap<>();
                if (start != null) {
                    start.forEach((tp, info) -> {
                        if (info != null) {
                            startOffsets.put(tp, info.startOffset());
                        }
                    });
                }
                described.put(id, new Described("share", "", d.groupState().toString(), d.groupEpoch(), members, startOffsets));
            }
        }
        if (!streamsGroups.isEmpty()) {
            var descriptions = admin.describeStreamsGroups(streamsGroups).describedGroups();
            Map<String, ListStreamsGroupOffsetsSpec> specs = new HashMap<>();
            streamsGroups.forEach(id -> specs.put(id, new ListStreamsGroupOffsetsSpec()));
            var offsets = admin.listStreamsGroupOffsets(specs);
            for (String id : streamsGroups) {
                StreamsGroupDescription d = getOrNull(descriptions.get(id));
                if (d == null) {
                    continue;
                }
                Map<String, List<String>> sources = new HashMap<>();
                for (StreamsGroupSubtopologyDescription sub : d.subtopologies()) {
                    List<String> topics = new ArrayList<>(sub.sourceTopics());
                    topics.addAll(sub.repartitionSourceTopics().keySet());
                    sources.put(sub.subtopologyId(), topics);
                }
                List<MemberView> members = new ArrayList<>();
                for (StreamsGroupMemberDescription m : d.members()) {
                    // A Streams member owns tasks (a subtopology and a partition number): a task reads
                    // that partition of each source topic of its subtopology.
                    Set<TopicPartition> tps = new HashSet<>();
                    for (StreamsGroupMemberAssignment.TaskIds task : m.assignment().activeTasks()) {
                        for (String topic : sources.getOrDefault(task.subtopologyId(), List.of())) {
                            task.partitions().forEach(p -> tps.add(new TopicPartition(topic, p)));
                        }
                    }
                    members.add(new MemberView(m.memberId(), m.clientId(), m.clientHost(), m.instanceId().orElse(null),
                            names(tps)));
                }
                described.put(id, new Described("streams", "", d.groupState().toString(), d.groupEpoch(), members,
                        committedOffsets(getOrNull(offsets.partitionsToOffsetAndMetadata(id)))));
            }
        }

        long now = System.currentTimeMillis();
        Map<String, Long> oldestUnread = oldestUnreadTimestamps(probe, described.values(), ends);
        List<GroupView> groups = new ArrayList<>();
        for (Map.Entry<String, Described> entry : described.entrySet()) {
            String id = entry.getKey();
            Described d = entry.getValue();
            Map<String, List<MemberView>> owners = new HashMap<>();
            d.members().forEach(m -> m.partitions().forEach(tp -> owners.computeIfAbsent(tp, k -> new ArrayList<>()).add(m)));
            Set<TopicPartition> all = new HashSet<>(d.committed().keySet());
            d.members().forEach(m -> m.partitions().forEach(tp -> all.add(parse(tp))));
            List<GroupPartitionView> parts = new ArrayList<>();
            long totalLag = 0;
            Double maxLagSeconds = null;
            for (TopicPartition tp : all.stream().sorted(Comparator.comparing(TopicPartition::topic)
                    .thenComparing(TopicPartition::partition)).toList()) {
                Long committed = d.committed().get(tp);
                long end = ends.getOrDefault(tp, 0L);
                Long lag = committed == null ? null : Math.max(0, end - committed);
                Double lagSeconds = null;
                if (lag != null) {
                    totalLag += lag;
                    Long timestamp = oldestUnread.get(tp + "@" + committed);
                    lagSeconds = lag == 0 ? Double.valueOf(0) : timestamp == null ? null : Math.max(0, now - timestamp) / 1000.0;
                    if (lagSeconds != null && (maxLagSeconds == null || lagSeconds > maxLagSeconds)) {
                        maxLagSeconds = lagSeconds;
                    }
                }
                List<MemberView> owner = owners.getOrDefault(tp.toString(), List.of());
                parts.add(new GroupPartitionView(tp.topic(), tp.partition(), committed, end, lag, lagSeconds,
                        owner.isEmpty() ? null : owner.stream().map(MemberView::clientId).collect(Collectors.joining(", ")),
                        owner.isEmpty() ? null : owner.stream().map(MemberView::memberId).collect(Collectors.joining(", "))));
            }
            ArrayDeque<long[]> history = lagHistory.computeIfAbsent(id, k -> new ArrayDeque<>());
            history.addLast(new long[] {now, totalLag});
            while (history.size() > LAG_HISTORY_POINTS) {
                history.removeFirst();
            }
            groups.add(new GroupView(id, d.type(), d.protocol(), d.state(), d.epoch(), d.members(), parts, totalLag,
                    maxLagSeconds, List.copyOf(history)));
        }
        lagHistory.keySet().retainAll(described.keySet());
        groups.sort(Comparator.comparing(GroupView::id));
        return groups;
    }

    private static List<String> names(Collection<TopicPartition> partitions) {
        return partitions.stream().sorted(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition))
                .map(TopicPartition::toString).toList();
    }

    /** "orders-2" back to a TopicPartition (topic names may contain '-'). */
    private static TopicPartition parse(String name) {
        int dash = name.lastIndexOf('-');
        return new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
    }

    private static Map<TopicPartition, Long> committedOffsets(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> committed = new HashMap<>();
        if (offsets != null) {
            offsets.forEach((tp, offset) -> {
                if (offset != null) {
                    committed.put(tp, offset.offset());
                }
            });
        }
        return committed;
    }

    /**
     * For each group partition with lag, the timestamp of the oldest record the group has not read
     * (at its committed offset): from the records already shown when they hold it, else read with a
     * consumer of its own (assign, seek, one poll), and remembered: a record's timestamp never changes.
     */
    private Map<String, Long> oldestUnreadTimestamps(KafkaConsumer<byte[], byte[]> probe, Collection<Described> groups,
                                                     Map<TopicPartition, Long> ends) {
        Map<String, Long> found = new HashMap<>();
        Map<TopicPartition, Long> toRead = new HashMap<>();
        for (Described group : groups) {
            for (Map.Entry<TopicPartition, Long> c : group.committed().entrySet()) {
                TopicPartition tp = c.getKey();
                long offset = c.getValue();
                Long end = ends.get(tp);
                if (end == null || end <= offset) {
                    continue;
                }
                String key = tp + "@" + offset;
                long[] cached = timestampAt.get(tp);
                if (cached != null && cached[0] == offset) {
                    found.put(key, cached[1]);
                    continue;
                }
                PartitionWindow window = windows.get(tp);
                Stored stored = null;
                if (window != null) {
                    synchronized (window) {
                        stored = window.start() <= offset ? window.firstAtOrAfter(offset) : null;
                    }
                }
                if (stored != null) {
                    found.put(key, stored.timestamp());
                } else if (!toRead.containsKey(tp) || toRead.get(tp) > offset) {
                    toRead.put(tp, offset);
                }
            }
        }
        if (toRead.isEmpty()) {
            return found;
        }
        probe.assign(toRead.keySet());
        toRead.forEach(probe::seek);
        Set<TopicPartition> missing = new HashSet<>(toRead.keySet());
        long deadline = System.nanoTime() + 500_000_000L;
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : probe.poll(Duration.ofMillis(100))) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (missing.remove(tp)) {
                    long offset = toRead.get(tp);
                    timestampAt.put(tp, new long[] {offset, record.timestamp()});
                    found.put(tp + "@" + offset, record.timestamp());
                    probe.pause(List.of(tp));
                }
            }
        }
        probe.resume(probe.paused());
        return found;
    }

    private static <T> T getOrNull(KafkaFuture<T> future) throws InterruptedException {
        if (future == null) {
            return null;
        }
        try {
            return future.get(3, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException goneOrSlow) {
            return null; // a group deleted between the calls, or not answered: left out of this look
        }
    }

    /** What changed in each group since the last look, as lines of the rebalance timeline. */
    private List<TimelineEvent> timeline(List<GroupView> groups) {
        long now = System.currentTimeMillis();
        Map<String, GroupView> current = new LinkedHashMap<>();
        groups.forEach(g -> current.put(g.id(), g));
        for (GroupView group : groups) {
            GroupView before = previousGroups.get(group.id());
            List<String> changes = new ArrayList<>();
            if (before == null) {
                if (!previousGroups.isEmpty() || latest.brokerUp()) {
                    changes.add("appeared (" + group.type() + " group, " + group.state() + ")");
                }
            } else {
                Map<String, MemberView> was = members(before);
                Map<String, MemberView> is = members(group);
                is.keySet().stream().filter(id -> !was.containsKey(id))
                        .forEach(id -> changes.add(is.get(id).clientId() + " joined"));
                was.keySet().stream().filter(id -> !is.containsKey(id))
                        .forEach(id -> changes.add(was.get(id).clientId() + " left"));
                if (!Objects.equals(before.epoch(), group.epoch())) {
                    changes.add("epoch " + before.epoch() + " -> " + group.epoch());
                }
                if (!before.state().equals(group.state())) {
                    changes.add("state " + before.state() + " -> " + group.state());
                }
                Map<String, String> ownerBefore = owners(before);
                Map<String, String> ownerNow = owners(group);
                Set<String> partitions = new HashSet<>(ownerBefore.keySet());
                partitions.addAll(ownerNow.keySet());
                for (String tp : partitions.stream().sorted().toList()) {
                    String a = ownerBefore.get(tp);
                    String b = ownerNow.get(tp);
                    if (!Objects.equals(a, b)) {
                        changes.add(tp + ": " + (a == null ? "nobody" : a) + " -> " + (b == null ? "nobody" : b));
                    }
                }
            }
            if (!changes.isEmpty()) {
                timeline.addFirst(new TimelineEvent(now, group.id(), String.join("; ", changes)));
            }
        }
        for (String gone : previousGroups.keySet()) {
            if (!current.containsKey(gone)) {
                timeline.addFirst(new TimelineEvent(now, gone, "deleted"));
            }
        }
        while (timeline.size() > TIMELINE_EVENTS) {
            timeline.removeLast();
        }
        previousGroups = current;
        return List.copyOf(timeline);
    }

    private static Map<String, MemberView> members(GroupView group) {
        Map<String, MemberView> byId = new HashMap<>();
        group.members().forEach(m -> byId.put(m.memberId(), m));
        return byId;
    }

    private static Map<String, String> owners(GroupView group) {
        Map<String, String> byPartition = new HashMap<>();
        for (MemberView member : group.members()) {
            member.partitions().forEach(tp -> byPartition.merge(tp, member.clientId(), (a, b) -> a + ", " + b));
        }
        return byPartition;
    }

    // ---------------------------------------------------------------------------------------------
    // The records side: the newest records of each partition, read twice.

    private void recordsLoop() {
        try (KafkaConsumer<byte[], byte[]> readUncommitted = createConsumer("franz-live-view-read-uncommitted",
                     IsolationLevel.READ_UNCOMMITTED);
             KafkaConsumer<byte[], byte[]> readCommitted = createConsumer("franz-live-view-read-committed",
                     IsolationLevel.READ_COMMITTED)) {
            synchronized (this) {
                uncommitted = readUncommitted;
                committed = readCommitted;
            }
            Map<TopicPartition, long[]> assigned = Map.of(); // partition -> [log start, high watermark]
            while (running) {
                long pollStartedAt = System.nanoTime();
                ClusterView view = latest;
                Map<TopicPartition, long[]> wanted = partitionsToRead(view);
                if (!wanted.keySet().equals(assigned.keySet())) {
                    reassign(readUncommitted, readCommitted, assigned.keySet(), wanted);
                }
                assigned = wanted;
                jumpAheadWhenFarBehind(readUncommitted, readCommitted, wanted);
                if (assigned.isEmpty()) {
                    if (stop.await(200, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    continue;
                }
                ConsumerRecords<byte[], byte[]> uncommittedRecords = readUncommitted.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> record : uncommittedRecords) {
                    PartitionWindow window = windows.get(new TopicPartition(record.topic(), record.partition()));
                    if (window != null) {
                        Stored stored = stored(record);
                        synchronized (window) {
                            window.addUncommitted(stored);
                        }
                        if (orders.covers(record.topic())) {
                            orders.addRecord(record.topic(), record.partition(), stored);
                        }
                    }
                }
                for (ConsumerRecord<byte[], byte[]> record : readCommitted.poll(Duration.ofMillis(100))) {
                    PartitionWindow window = windows.get(new TopicPartition(record.topic(), record.partition()));
                    if (window != null) {
                        synchronized (window) {
                            window.addCommitted(record.offset());
                        }
                        if (orders.covers(record.topic())) {
                            orders.addCommitted(record.topic(), record.partition(), record.offset(), record.key());
                        }
                    }
                }
                Map<TopicPartition, Long> lso = lastStableOffsets(view);
                for (TopicPartition tp : assigned.keySet()) {
                    PartitionWindow window = windows.get(tp);
                    Long u = position(readUncommitted, tp);
                    Long c = position(readCommitted, tp);
                    if (window != null && u != null && c != null) {
                        synchronized (window) {
                            window.positions(u, c);
                            window.lastStableOffset(lso.getOrDefault(tp, -1L));
                        }
                        if (orders.covers(tp.topic())) {
                            orders.committedPosition(tp.topic(), tp.partition(), c);
                        }
                    }
                }
                // The page redraws about once a second: reading more often than 5 times a second would
                // only cost CPU while a producer runs at full speed (measured: docs/live-view.md).
                long paceNanos = READ_PACE.toNanos() - (System.nanoTime() - pollStartedAt);
                if (!uncommittedRecords.isEmpty() && paceNanos > 0 && stop.await(paceNanos, TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
        } catch (WakeupException | InterruptedException stopping) {
            // close() woke us up: the consumers close as we leave the try
        }
    }

    /**
     * The next offset {@code consumer} fetches; null while it must ask the broker (after a reset,
     * with the broker away).
     */
    private static Long position(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp) {
        try {
            return consumer.position(tp, Duration.ofMillis(100));
        } catch (org.apache.kafka.common.errors.TimeoutException notKnownYet) {
            return null;
        }
    }

    /** The partitions of every topic whose records are read, with log start and high watermark. */
    private static Map<TopicPartition, long[]> partitionsToRead(ClusterView view) {
        Map<TopicPartition, long[]> wanted = new LinkedHashMap<>();
        if (!view.brokerUp()) {
            return wanted;
        }
        for (TopicView topic : view.topics()) {
            if (!topic.recordsRead()) {
                continue;
            }
            for (PartitionView p : topic.partitions()) {
                if (wanted.size() < MAX_READ_PARTITIONS) {
                    wanted.put(new TopicPartition(topic.name(), p.partition()), new long[] {p.logStartOffset(), p.highWatermark()});
                }
            }
        }
        return wanted;
    }

    private static Map<TopicPartition, Long> lastStableOffsets(ClusterView view) {
        Map<TopicPartition, Long> lso = new HashMap<>();
        for (TopicView topic : view.topics()) {
            topic.partitions().forEach(p -> lso.put(new TopicPartition(topic.name(), p.partition()), p.lastStableOffset()));
        }
        return lso;
    }

    private void reassign(KafkaConsumer<byte[], byte[]> readUncommitted, KafkaConsumer<byte[], byte[]> readCommitted,
                          Set<TopicPartition> before, Map<TopicPartition, long[]> wanted) {
        readUncommitted.assign(wanted.keySet());
        readCommitted.assign(wanted.keySet());
        windows.keySet().retainAll(wanted.keySet());
        for (Map.Entry<TopicPartition, long[]> entry : wanted.entrySet()) {
            TopicPartition tp = entry.getKey();
            if (before.contains(tp) && windows.containsKey(tp)) {
                continue;
            }
            long start = Math.max(entry.getValue()[0], entry.getValue()[1] - recordsPerPartition);
            readUncommitted.seek(tp, start);
            readCommitted.seek(tp, start);
            windows.put(tp, new PartitionWindow(recordsPerPartition, start));
        }
    }

    /**
     * A reader far behind the end (a producer at full speed) skips to the newest records instead of
     * reading every one: the page shows the newest, and the live view's load stays small.
     */
    private void jumpAheadWhenFarBehind(KafkaConsumer<byte[], byte[]> readUncommitted,
                                        KafkaConsumer<byte[], byte[]> readCommitted, Map<TopicPartition, long[]> wanted) {
        for (Map.Entry<TopicPartition, long[]> entry : wanted.entrySet()) {
            TopicPartition tp = entry.getKey();
            PartitionWindow window = windows.get(tp);
            Long position = position(readUncommitted, tp);
            // The end: the newer of what the last fetch said (the consumer's lag) and the last look.
            long end = Math.max(entry.getValue()[1], position == null ? -1
                    : position + readUncommitted.currentLag(tp).orElse(0));
            if (window != null && position != null && end - position > 4L * recordsPerPartition) {
                long start = end - recordsPerPartition;
                if (orders.covers(tp.topic())) {
                    Long committedAt = position(readCommitted, tp);
                    orders.skipped(tp.topic(), tp.partition(), committedAt == null ? position : Math.min(committedAt, position),
                            position, start);
                }
                readUncommitted.seek(tp, start);
                readCommitted.seek(tp, start);
                synchronized (window) {
                    window.restart(start);
                }
            }
        }
    }

    private static Stored stored(ConsumerRecord<byte[], byte[]> record) {
        List<PartitionWindow.Header> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            if (headers.size() == RecordText.STORED_HEADERS) {
                break; // the details say how many more there were
            }
            byte[] value = header.value();
            String key = header.key().length() <= RecordText.STORED_HEADER_BYTES ? header.key()
                    : header.key().substring(0, RecordText.STORED_HEADER_BYTES);
            headers.add(new PartitionWindow.Header(key, value == null ? null : cut(value, RecordText.STORED_HEADER_BYTES)));
        }
        byte[] value = record.value();
        return new Stored(record.offset(), record.timestamp(), record.key() == null ? null
                : cut(record.key(), RecordText.STORED_KEY_BYTES), value == null ? null
                : cut(value, RecordText.STORED_VALUE_BYTES), value == null ? -1 : value.length, headers,
                record.headers().toArray().length);
    }

    private static byte[] cut(byte[] bytes, int max) {
        return bytes.length <= max ? bytes : java.util.Arrays.copyOf(bytes, max);
    }

    /** The windows whose cells changed since {@code seen} (partition -> version), as views; updates {@code seen}. */
    List<PartitionRecords> changedRecords(Map<TopicPartition, Long> seen) {
        List<PartitionRecords> changed = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionWindow> entry : windows.entrySet()) {
            PartitionWindow window = entry.getValue();
            synchronized (window) {
                Long version = seen.get(entry.getKey());
                if (version != null && version == window.version()) {
                    continue;
                }
                seen.put(entry.getKey(), window.version());
                changed.add(new PartitionRecords(entry.getKey().topic(), entry.getKey().partition(), window.start(),
                        window.cells().stream().map(KafkaWatcher::cellView).toList()));
            }
        }
        seen.keySet().retainAll(windows.keySet());
        return changed;
    }

    private static CellView cellView(PartitionWindow.Cell cell) {
        Stored r = cell.record();
        return new CellView(cell.offset(), cell.kind(), cell.status().name().toLowerCase(java.util.Locale.ROOT),
                cell.markerOf(), r == null ? null : RecordText.shortText(r.key()), r == null ? null : r.timestamp(),
                r == null ? null : r.valueSize());
    }

    /** A record kept in a window, with what the live view knows of it. */
    record Shown(Stored stored, PartitionWindow.Status status) {
    }

    /** The record at {@code offset} if it is (still) shown, else null. */
    Shown record(TopicPartition tp, long offset) {
        PartitionWindow window = windows.get(tp);
        if (window == null) {
            return null;
        }
        synchronized (window) {
            Stored stored = window.find(offset);
            return stored == null ? null : new Shown(stored, window.statusOf(offset));
        }
    }

    /**
     * Stops both loops: wakes up a consumer blocked in {@code poll()} (it throws WakeupException),
     * then waits for the threads, which close their clients as they leave.
     */
    @Override
    public void close() {
        running = false;
        stop.countDown();
        synchronized (this) {
            if (uncommitted != null) {
                uncommitted.wakeup();
                committed.wakeup();
            }
        }
        for (Thread thread : threads) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
