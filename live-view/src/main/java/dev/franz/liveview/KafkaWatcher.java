package dev.franz.liveview;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.franz.liveview.Views.ClusterView;
import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.PartitionRecords;
import dev.franz.liveview.Views.TimelineEvent;
import dev.franz.liveview.Views.TransactionView;

/**
 * What the live view watches, and how: this class makes its Kafka clients, runs its threads and
 * puts each look at the cluster together. It only observes:
 * <ul>
 *   <li>an {@link Admin} client, asked about once a second: {@link TopicOffsets} (topics and their
 *       offsets: log start, high watermark, last stable offset), {@link GroupLag} (groups of every
 *       kind, their members, committed offsets and lag; {@link GroupTimeline} tells what changed),
 *       {@link ShareGroupSettings} (each share group's settings and dead letters) and
 *       {@link Transactions} (the transactional ids the transaction coordinator knows, and the
 *       producers the partition leaders list on Level 3's topics) and {@link ClusterNodes} (the
 *       brokers up and down, the controller quorum);</li>
 *   <li>{@link NewestRecords}: two consumers that read the newest records of every partition with
 *       {@code assign()}, one {@code read_uncommitted} and one {@code read_committed} (comparing them
 *       shows aborted records and transaction markers); the records of Level 3's topics also go to an
 *       {@link OrderIndex}, so that one order can be followed;</li>
 *   <li>a third consumer, for {@link GroupLag}, that looks up how old a group's oldest unread record is;</li>
 *   <li>{@link ClientMetricsFeed}: a fourth, that reads what the clients push to the broker (KIP-714).</li>
 * </ul>
 * None of them has a {@code group.id}: they join no group and commit nothing. Nothing here creates a
 * topic or changes a configuration.
 */
final class KafkaWatcher implements AutoCloseable {

    /** How often the Admin client is asked. */
    static final Duration ADMIN_EVERY = Duration.ofSeconds(1);
    /** Newest orders listed on the page to click on. */
    static final int RECENT_ORDERS = 15;

    private final Properties clientProperties;
    private final String bootstrapServers;
    private final PrintStream out;
    private final Level3Flow flow;
    private final OrderIndex orders;
    private final NewestRecords records;
    private final GroupLag groups;
    private final GroupTimeline timeline = new GroupTimeline();
    private final ShareGroupSettings shareGroups;
    private final ClusterNodes clusterNodes = new ClusterNodes();
    private final PageDoctor doctor;
    private final ClientMetricsFeed clientMetrics;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();

    private volatile ClusterView latest;
    private volatile Consumer<ClusterView> onSnapshot = view -> { };
    private volatile boolean running = true;
    private Long downSince;
    private boolean everUp;

    KafkaWatcher(Properties clientProperties, String bootstrapServers, int recordsPerPartition,
                 Level3Flow.Topics flowTopics, PrintStream out) {
        this.clientProperties = clientProperties;
        this.bootstrapServers = bootstrapServers;
        this.flow = new Level3Flow(flowTopics);
        this.orders = new OrderIndex(flowTopics);
        this.records = new NewestRecords(clientProperties, recordsPerPartition, orders);
        this.groups = new GroupLag(records);
        this.shareGroups = new ShareGroupSettings(records);
        this.doctor = new PageDoctor(clientProperties, out);
        this.clientMetrics = new ClientMetricsFeed(clientProperties);
        this.out = out;
        this.latest = new ClusterView(System.currentTimeMillis(), bootstrapServers, false, "Connecting to " + bootstrapServers
                + "...", null, List.of(), List.of(), List.of(), List.of(), null, List.of(), null, List.of());
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

    /** The windows whose cells changed since {@code seen} (partition -> version), as views; updates {@code seen}. */
    List<PartitionRecords> changedRecords(Map<TopicPartition, Long> seen) {
        return records.changedRecords(seen);
    }

    /** The record at {@code offset} if it is (still) shown, else null. */
    NewestRecords.Shown record(TopicPartition tp, long offset) {
        return records.record(tp, offset);
    }

    /** What the clients pushed (KIP-714), read from the course's broker's topic. */
    ClientMetricsFeed clientMetrics() {
        return clientMetrics;
    }

    void start() {
        threads.add(new Thread(this::adminLoop, "live-view-admin"));
        threads.add(new Thread(() -> records.run(() -> latest), "live-view-records"));
        threads.add(new Thread(() -> clientMetrics.run(() -> latest), "live-view-client-metrics"));
        threads.forEach(Thread::start);
        doctor.start();
    }

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

    /** A consumer of the live view's own: the records loop has two, the lag probe one. */
    static KafkaConsumer<byte[], byte[]> consumer(Properties clientProperties, String clientId, IsolationLevel isolation) {
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
             KafkaConsumer<byte[], byte[]> probe = consumer(clientProperties, "franz-live-view-lag-probe",
                     IsolationLevel.READ_UNCOMMITTED)) {
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
                } catch (RuntimeException e) {
                    // An answer this code did not expect: say so, keep the last look and try again a
                    // second later, rather than a page that silently stops changing.
                    view = unexpected(e);
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
                last.groups(), last.timeline(), last.transactions(), last.flow(), last.shareGroups(), last.cluster(),
                last.topologies());
    }

    private ClusterView unexpected(RuntimeException e) {
        String problem = "The live view could not make sense of an answer from " + bootstrapServers + " (" + e
                + "); it shows the last look and tries again every second.";
        ClusterView last = latest;
        if (!problem.equals(last.problem())) {
            out.println(problem);
        }
        return new ClusterView(System.currentTimeMillis(), bootstrapServers, false, problem,
                problem.equals(last.problem()) ? last.problemSince() : Long.valueOf(System.currentTimeMillis()),
                last.topics(), last.groups(), last.timeline(), last.transactions(), last.flow(), last.shareGroups(),
                last.cluster(), last.topologies());
    }

    /** One look at the cluster: each kind of Admin call once (describeStreamsGroups twice: for lag, and for the topology). */
    private ClusterView look(Admin admin, KafkaConsumer<byte[], byte[]> probe)
            throws ExecutionException, TimeoutException, InterruptedException {
        TopicOffsets.Found topics = TopicOffsets.look(admin);
        List<GroupView> groupViews = groups.look(admin, probe, topics.highWatermark());
        List<TimelineEvent> events = timeline.update(groupViews, latest.brokerUp());
        List<TransactionView> transactions = Transactions.transactions(admin);
        List<TopicPartition> flowPartitions = topics.partitions().stream().filter(tp -> orders.covers(tp.topic())).toList();
        long now = System.currentTimeMillis();
        Views.FlowView flowView = flow.build(now, topics.topics(), groupViews, Transactions.producers(admin, flowPartitions),
                transactions, orders.recent(RECENT_ORDERS), orders.skipped());
        return new ClusterView(now, bootstrapServers, true, null, null, doctor.onTopics(topics.topics()),
                doctor.onGroups(groupViews), events, transactions,
                flowView, shareGroups.look(admin, groupViews, topics.topics()), clusterNodes.look(admin, topics.topics()),
                StreamsGroups.look(admin, groupViews, topics.topics()));
    }

    /** An Admin answer, or null for one deleted between the calls, or not answered: left out of this look. */
    static <T> T getOrNull(KafkaFuture<T> future) throws InterruptedException {
        if (future == null) {
            return null;
        }
        try {
            return future.get(3, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException goneOrSlow) {
            return null;
        }
    }

    /** Partitions as the page names them ("orders-2"), sorted. */
    static List<String> names(Collection<TopicPartition> partitions) {
        return partitions.stream().sorted(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition))
                .map(TopicPartition::toString).toList();
    }

    /**
     * Stops the loops: wakes up a consumer blocked in {@code poll()} (it throws WakeupException),
     * then waits for the threads, which close their clients as they leave.
     */
    @Override
    public void close() {
        running = false;
        stop.countDown();
        records.stop();
        clientMetrics.stop();
        doctor.close(); // the others end meanwhile
        for (Thread thread : threads) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
