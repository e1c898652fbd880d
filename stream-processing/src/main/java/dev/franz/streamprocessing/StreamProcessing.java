package dev.franz.streamprocessing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStoreIterator;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserProfile;
import dev.franz.common.events.UserTotals;
import dev.franz.common.events.WindowCount;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Level 2: stateful, enriching and windowed processing of {@code user_events}, with plain clients
 * (state in memory, as in the original Python course) or with Kafka Streams (state in fault-tolerant
 * stores). {@code ./mvnw -q compile exec:java -pl stream-processing -Dexec.args="windowed --engine streams"}
 *
 * <p>Reading path: this class creates the clients ({@link #runPlain}) or the Streams application
 * ({@link #runStreams}) and handles Ctrl-C. The plain engine's poll, send and commit loop is in
 * {@link PlainEngine}; the Kafka Streams topologies and settings are in {@link StreamsTopologies}.
 */
@Command(name = "stream-processing", mixinStandardHelpOptions = true, version = "stream-processing (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Processes user_events: running counts (stateful), joins with user profiles (enrichment),"
                + " or counts per window of event time (windowed). Ctrl-C to stop.")
public final class StreamProcessing implements Callable<Integer> {

    /** Ctrl-C ends the program within seconds, broker or no broker. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Which clients do the work. */
    enum Engine { PLAIN, STREAMS }

    /** auto.offset.reset of a new group or application. */
    enum OffsetReset { EARLIEST, LATEST }

    @Parameters(index = "0", arity = "0..1", paramLabel = "stateful|enrichment|windowed", defaultValue = "stateful",
            description = "What to compute (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--engine", paramLabel = "plain|streams", defaultValue = "plain",
            description = "plain: KafkaConsumer + KafkaProducer, state in memory; streams: Kafka Streams"
                    + " (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--window-seconds", paramLabel = "S", defaultValue = "5", converter = Numbers.Positive.class,
            description = "Window size of the windowed mode (default: ${DEFAULT-VALUE}).")
    long windowSeconds;

    @Option(names = "--grace-seconds", paramLabel = "S", defaultValue = "2", converter = Numbers.NotNegative.class,
            description = "How late an event may be and still count in its window (default: ${DEFAULT-VALUE}).")
    long graceSeconds;

    @Option(names = "--report-interval", paramLabel = "S", defaultValue = "5", converter = Numbers.Positive.class,
            description = "Print the state this often (default: ${DEFAULT-VALUE}).")
    long reportSeconds;

    @Option(names = "--application-id", paramLabel = "ID",
            description = "Consumer group (plain) or application id (streams); default stream-processing-ENGINE-MODE."
                    + " A new id starts from the first event.")
    String applicationId;

    @Option(names = "--offset-reset", paramLabel = "earliest|latest", defaultValue = "earliest",
            description = "Where a new group/application starts: earliest replays every event, latest only new ones"
                    + " (default: ${DEFAULT-VALUE}).")
    OffsetReset offsetReset;

    @Option(names = "--serve", paramLabel = "PORT", converter = Numbers.Port.class,
            description = "Also answer queries on the state over HTTP at localhost:PORT (streams engine): /users/USER,"
                    + " /users and /event-types in the stateful mode, /windows/TYPE and /windows in the windowed mode."
                    + " Each instance of the application gets its own port (and state directory,"
                    + " .kafka-streams/serve-PORT); each answers for every key, asking the instance that holds it.")
    Integer servePort;

    /** group.protocol of a Streams application: how its group divides the tasks. */
    enum GroupProtocol { CLASSIC, STREAMS }

    @Option(names = "--group-protocol", paramLabel = "classic|streams", defaultValue = "classic",
            description = "classic: the instances divide the tasks among themselves (Kafka Streams' default); streams:"
                    + " the broker assigns them (KIP-1071) (default: ${DEFAULT-VALUE}).")
    GroupProtocol groupProtocol;

    @Option(names = "--standbys", paramLabel = "N", defaultValue = "0", converter = Numbers.NotNegative.class,
            description = "Standby replicas: N other instances keep a copy of each store, up to date from its changelog,"
                    + " ready to take over, and --serve reads one when the active copy does not answer"
                    + " (default: ${DEFAULT-VALUE}, Kafka's).")
    long standbys;

    @Mixin
    SharedOptions.IdleTimeout idleTimeout;

    @Mixin
    SummaryOption summaryOption;

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new StreamProcessing(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        if (servePort != null && (engine != Engine.STREAMS || mode == Mode.ENRICHMENT)) {
            throw new ParameterException(spec.commandLine(), "--serve answers queries on Kafka Streams' state stores:"
                    + " it needs --engine streams and the stateful or windowed mode");
        }
        if (engine != Engine.STREAMS && (groupProtocol != GroupProtocol.CLASSIC || standbys > 0)) {
            throw new ParameterException(spec.commandLine(), "--group-protocol and --standbys are Kafka Streams"
                    + " settings: they need --engine streams");
        }
        FranzConfig config = configOptions.load();
        BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        StreamTopics topics = StreamTopics.from(config);
        // It creates the topics it writes, and waits for the one it reads (never creating it: a typo
        // would make a new, empty topic).
        Topics.createIfMissing(config, List.of(topics.typeCounts(), topics.userTotals(), topics.enriched(),
                topics.windowedCounts(), topics.deadLetters()), out);
        Topics.awaitExisting(config, List.of(topics.events()), out);
        if (mode == Mode.ENRICHMENT) {
            ensureProfiles(config, topics.profiles(), out);
        }
        String engineName = engine.name().toLowerCase(Locale.ROOT);
        String name = applicationId != null ? applicationId
                : "stream-processing-" + engineName + "-" + mode.name().toLowerCase(Locale.ROOT);
        out.printf("%s: %s mode on %s with the %s engine (group/application id %s). Ctrl-C to stop.%n", name,
                mode.name().toLowerCase(Locale.ROOT), topics.events(), engineName, name);
        return engine == Engine.PLAIN ? runPlain(config, topics, name) : runStreams(config, topics, name);
    }

    private int runPlain(FranzConfig config, StreamTopics topics, String group) {
        PlainProcessor processor = switch (mode) {
            case STATEFUL -> new PlainStatefulProcessor(topics);
            case ENRICHMENT -> new PlainEnrichmentProcessor(topics, UserProfiles.byUser(
                    readProfiles(config.clientProperties(), topics.profiles(), Duration.ofSeconds(30))));
            case WINDOWED -> new PlainWindowedProcessor(topics, Duration.ofSeconds(windowSeconds),
                    Duration.ofSeconds(graceSeconds), out);
        };
        Properties consumerProps = config.clientProperties();
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset.name().toLowerCase(Locale.ROOT));
        // Offsets are committed by the engine, after the results are published.
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Each poll ends with a flush (a round trip to the broker) and a commit: more records per poll
        // mean fewer round trips per record. The default, 500, was half as fast on a large backlog.
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        GracefulShutdown shutdown = new GracefulShutdown();
        try (shutdown) {
            long startedAt = System.nanoTime();
            PlainEngine plain;
            long processed;
            try (Consumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                    new ByteArrayDeserializer());
                 Producer<String, byte[]> producer = new KafkaProducer<>(config.clientProperties(),
                         new StringSerializer(), new ByteArraySerializer())) {
                // Ctrl-C runs the shutdown hook: consumer.wakeup() makes the blocked poll() throw WakeupException,
                // the loop ends and try-with-resources closes the consumer; the hook waits for that (at most 8 s).
                shutdown.onExit(consumer::wakeup);
                plain = new PlainEngine(consumer, producer, processor, topics.deadLetters(),
                        DeadLetters.maxRequestSize(config.clientProperties()),
                        out, Duration.ofSeconds(reportSeconds), new ConnectionLines(out, config.bootstrapServers()));
                processed = plain.run(topics.events(), idleTimeout.value());
            }
            new RunSummary(group, "processed", processed, "events", Duration.ofNanos(System.nanoTime() - startedAt))
                    .count("bad records skipped (dead-lettered to " + topics.deadLetters() + ")", plain.skipped())
                    .detail("state", "in this JVM's memory: it is gone now")
                    .report(out, summaryOption.file());
        }
        return 0;
    }

    /** Where --serve answers: this machine only. */
    private static final String SERVE_HOST = "localhost";

    private QueryServer queryServer;

    /**
     * Interactive queries (IQv2) on this instance's state stores, and where the others are: what the
     * query server asks. A key lives in one partition, so in one instance's store (its active copy, and
     * with --standbys in standby copies on other instances): queryMetadataForKey() names those
     * instances (by their application.server), and a query for a partition this instance does not hold
     * fails (NOT_ACTIVE, NOT_PRESENT) rather than answer wrongly.
     */
    private static final class StateQueries implements QueryServer.Queries {
        private final KafkaStreams streams;
        private final String self;
        private final Duration windowSize;
        private final int partitions;

        StateQueries(KafkaStreams streams, String self, Duration windowSize, int partitions) {
            this.streams = streams;
            this.self = self;
            this.windowSize = windowSize;
            this.partitions = partitions;
        }

        @Override
        public String self() {
            return self;
        }

        @Override
        public QueryServer.Location locate(String store, String key) {
            KeyQueryMetadata where = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
            if (where == null || where.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
                throw new QueryServer.NotReady("Kafka Streams does not know yet which instance holds " + key
                        + " (" + streams.state() + "): retry");
            }
            return new QueryServer.Location(where.partition(), where.activeHost().host() + ":" + where.activeHost().port(),
                    where.standbyHosts().stream().map(host -> host.host() + ":" + host.port()).sorted().toList());
        }

        @Override
        public QueryServer.Copy<UserTotals> userHere(String user, int partition, boolean activeOnly) {
            Answer<UserTotals> answer = askPartition(StreamsTopologies.TOTALS_STORE, partition, activeOnly,
                    KeyQuery.<String, UserTotals>withKey(user));
            return answer.copy(answer.result().getResult());
        }

        @Override
        public QueryServer.Copy<List<WindowCount>> windowsHere(String eventType, int partition, Instant from, Instant to,
                boolean activeOnly) {
            // The windowed count's store is a timestamped window store: each value comes with the
            // timestamp of the window's last event (ValueAndTimestamp).
            Answer<WindowStoreIterator<ValueAndTimestamp<Long>>> answer = askPartition(StreamsTopologies.WINDOWS_STORE,
                    partition, activeOnly, WindowKeyQuery.<String, ValueAndTimestamp<Long>>withKeyAndWindowStartRange(
                            eventType, from, to));
            List<WindowCount> windows = new ArrayList<>();
            try (WindowStoreIterator<ValueAndTimestamp<Long>> counts = answer.result().getResult()) {
                // Each entry: a window's start time (epoch ms) and its count so far.
                counts.forEachRemaining(count -> windows.add(new WindowCount(eventType, Instant.ofEpochMilli(count.key),
                        Instant.ofEpochMilli(count.key).plus(windowSize), count.value.value())));
            }
            return answer.copy(windows);
        }

        /** A partition's answer, from the active copy, or else from a standby copy that lags by lagRecords. */
        private record Answer<R>(QueryResult<R> result, boolean standby, long lagRecords) {
            <V> QueryServer.Copy<V> copy(V value) {
                return new QueryServer.Copy<>(value, standby, lagRecords);
            }
        }

        /**
         * One partition of {@code store} in this instance: its active copy (requireActive), or with
         * activeOnly false, failing that, a standby copy, and how many changelog records it has still to apply.
         */
        private <R> Answer<R> askPartition(String store, int partition, boolean activeOnly, Query<R> query) {
            StateQueryRequest<R> request = StateQueryRequest.inStore(store).withQuery(query)
                    .withPartitions(Set.of(partition));
            QueryResult<R> answer = streams.query(request.requireActive()).getPartitionResults().get(partition);
            if ((answer == null || answer.isFailure()) && !activeOnly) {
                answer = streams.query(request).getPartitionResults().get(partition); // any copy, standbys too
                if (answer != null && answer.isSuccess()) {
                    // A call to the broker (the changelog's end offsets): only on this path.
                    LagInfo lag = streams.allLocalStorePartitionLags().getOrDefault(store, Map.of()).get(partition);
                    return new Answer<>(answer, true, lag == null ? -1 : lag.offsetLag());
                }
            }
            if (answer == null || answer.isFailure()) {
                throw new QueryServer.NotReady("partition " + partition + " of " + store + " cannot be queried here"
                        + " now (" + (answer == null ? streams.state() : answer.getFailureReason() + ": "
                        + answer.getFailureMessage()) + "): retry");
            }
            return new Answer<>(answer, false, 0);
        }

        @Override
        public QueryServer.Part<Map<String, UserTotals>> localUsers() {
            return everything(StreamsTopologies.TOTALS_STORE);
        }

        @Override
        public QueryServer.Part<Map<String, Long>> localEventTypes() {
            return everything(StreamsTopologies.COUNTS_STORE);
        }

        @Override
        public QueryServer.Part<List<WindowCount>> localWindows(Instant from, Instant to) {
            StateQueryResult<KeyValueIterator<Windowed<String>, ValueAndTimestamp<Long>>> result = streams.query(
                    StateQueryRequest.inStore(StreamsTopologies.WINDOWS_STORE).withQuery(WindowRangeQuery
                            .<String, ValueAndTimestamp<Long>>withWindowStartRange(from, to)).requireActive());
            List<WindowCount> windows = new ArrayList<>();
            Set<Integer> answered = new TreeSet<>();
            result.getPartitionResults().forEach((partition, answer) -> {
                if (standbyCopy(StreamsTopologies.WINDOWS_STORE, partition, answer)) {
                    return;
                }
                answered.add(partition);
                try (KeyValueIterator<Windowed<String>, ValueAndTimestamp<Long>> counts = answer.getResult()) {
                    counts.forEachRemaining(count -> windows.add(new WindowCount(count.key.key(),
                            count.key.window().startTime(), count.key.window().endTime(), count.value.value())));
                }
            });
            return new QueryServer.Part<>(windows, answered);
        }

        @Override
        public int partitions() {
            return partitions;
        }

        @Override
        public List<String> otherInstances() {
            return streams.metadataForAllStreamsClients().stream()
                    .map(metadata -> metadata.hostInfo().host() + ":" + metadata.hostInfo().port())
                    .filter(instance -> !instance.equals(self)).sorted().toList();
        }

        /** Every key of {@code store} in the partitions this instance holds now (active copies only). */
        private <V> QueryServer.Part<Map<String, V>> everything(String store) {
            StateQueryResult<KeyValueIterator<String, V>> result = streams.query(StateQueryRequest.inStore(store)
                    .withQuery(RangeQuery.<String, V>withNoBounds()).requireActive());
            Map<String, V> all = new TreeMap<>();
            Set<Integer> answered = new TreeSet<>();
            result.getPartitionResults().forEach((partition, answer) -> {
                if (standbyCopy(store, partition, answer)) {
                    return;
                }
                answered.add(partition);
                try (KeyValueIterator<String, V> entries = answer.getResult()) {
                    entries.forEachRemaining(entry -> all.put(entry.key, entry.value));
                }
            });
            return new QueryServer.Part<>(all, answered);
        }

        /**
         * True for a partition this instance holds a standby copy of (NOT_ACTIVE): the instance with its
         * active copy answers for it. Any other failure: the state cannot be asked now.
         */
        private static boolean standbyCopy(String store, int partition, QueryResult<?> answer) {
            if (answer.isFailure() && answer.getFailureReason() == FailureReason.NOT_ACTIVE) {
                return true;
            }
            if (answer.isFailure()) {
                throw new QueryServer.NotReady("partition " + partition + " of " + store + " cannot be queried"
                        + " here now (" + answer.getFailureReason() + ": " + answer.getFailureMessage() + "): retry");
            }
            return false;
        }
    }

    /** How long a rebalance may take before the program says why it waits. */
    private static final Duration REBALANCING_SAY_AFTER = Duration.ofSeconds(10);
    /** The Streams consumers' session.timeout.ms: Kafka's default, 45 s (not set). */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);

    /**
     * The lesson's Streams settings; the group protocol and standbys when asked for; with --serve, where
     * this instance answers queries and keeps its state.
     */
    private Properties streamsConfig(FranzConfig config, String applicationId) {
        String offsets = offsetReset.name().toLowerCase(Locale.ROOT);
        Properties props = servePort == null ? StreamsTopologies.config(config, applicationId, offsets)
                : StreamsTopologies.config(config, applicationId, offsets,
                        FranzConfig.repositoryRoot().resolve(".kafka-streams").resolve("serve-" + servePort).toString());
        if (groupProtocol == GroupProtocol.STREAMS) {
            // KIP-1071: the group coordinator on the broker assigns the tasks, in heartbeats, instead of
            // one instance computing the assignment in a rebalance of the whole group (classic).
            props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        } else if (standbys > 0) {
            // Classic: each instance's setting; with the streams protocol it is the group's, on the broker.
            props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, (int) standbys);
        }
        if (servePort != null) {
            // Every instance tells the others, through the group, where it answers: queryMetadataForKey()
            // then says which instance holds a key. (localhost: the course's instances share one machine.)
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, SERVE_HOST + ":" + servePort);
        }
        return props;
    }

    /**
     * With the streams protocol a group's settings live on the broker, like a share group's (Admin
     * API, like kafka-configs --entity-type groups): the client's num.standby.replicas is ignored, with
     * a warning. Only what differs is changed: every instance of the application starts here.
     */
    private void configureStreamsGroup(FranzConfig config, String applicationId) throws InterruptedException {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, applicationId);
        String wanted = Long.toString(standbys);
        try (Admin admin = Admin.create(config.clientProperties())) {
            Config current = admin.describeConfigs(List.of(group)).all().get().get(group);
            ConfigEntry now = current == null ? null : current.get(STREAMS_GROUP_STANDBYS);
            if (now == null || !wanted.equals(now.value())) {
                admin.incrementalAlterConfigs(Map.of(group, List.of(new AlterConfigOp(
                        new ConfigEntry(STREAMS_GROUP_STANDBYS, wanted), AlterConfigOp.OpType.SET)))).all().get();
                out.printf("Set %s=%s on group %s (the broker's assignor reads it)%n", STREAMS_GROUP_STANDBYS, wanted,
                        applicationId);
            }
        } catch (ExecutionException e) {
            throw new UserFacingException("Could not set " + STREAMS_GROUP_STANDBYS + " on group " + applicationId + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    private static int partitionsOf(FranzConfig config, String topic) throws InterruptedException {
        try (Admin admin = Admin.create(config.clientProperties())) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        } catch (ExecutionException e) {
            throw new UserFacingException("Could not describe " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The streams group's standby replicas, a group config (the broker caps it: group.streams.max.standby.replicas). */
    private static final String STREAMS_GROUP_STANDBYS = "streams.num.standby.replicas";

    private int runStreams(FranzConfig config, StreamTopics topics, String applicationId)
            throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        GracefulShutdown shutdown = new GracefulShutdown();
        // The shutdown hook waits for this block: the application closed and the last line printed.
        try (shutdown) {
            long startedAt = System.nanoTime();
            double processed;
            // Not in try-with-resources: KafkaStreams.close() without a timeout can wait for ever for a
            // broker that is gone. It is closed below, with a timeout, whatever happens.
            if (groupProtocol == GroupProtocol.STREAMS) {
                configureStreamsGroup(config, applicationId);
            }
            // Each store has one partition per partition of the input topic: what a query of all keys must cover.
            int inputPartitions = servePort == null ? 0 : partitionsOf(config, topics.events());
            KafkaStreams streams = new KafkaStreams(StreamsTopologies.of(mode, topics,
                    Duration.ofSeconds(windowSeconds), Duration.ofSeconds(graceSeconds), out),
                    streamsConfig(config, applicationId));
            try {
                shutdown.onExit(stopped::countDown);
                streams.setUncaughtExceptionHandler(error -> {
                    failure.set(error);
                    stopped.countDown();
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                });
                ConnectionLines connection = new ConnectionLines(out, config.bootstrapServers());
                streams.start();
                queryServer = servePort == null ? null : QueryServer.start(new StateQueries(streams,
                        SERVE_HOST + ":" + servePort, Duration.ofSeconds(windowSeconds), inputPartitions), mode == Mode.WINDOWED,
                        SERVE_HOST, servePort);
                if (queryServer != null) {
                    out.printf("Answering queries at http://%s:%d%s%n", SERVE_HOST, servePort, mode == Mode.WINDOWED
                            ? "/windows/TYPE and /windows (?from=&to=: window start times, ISO-8601)"
                            : "/users/USER, /users and /event-types");
                }
                String lastReport = "";
                long nextReportAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(reportSeconds);
                double consumedSoFar = 0;
                long lastEventAt = System.nanoTime();
                long rebalancingSince = -1;
                boolean saidWhy = false;
                while (!stopped.await(500, TimeUnit.MILLISECONDS)) {
                    connection.check(streams.metrics()); // one line when the broker goes, one when it is back
                    // Rebalancing for long says nothing by itself: say what it waits for, once.
                    if (streams.state() == KafkaStreams.State.REBALANCING) {
                        rebalancingSince = rebalancingSince < 0 ? System.nanoTime() : rebalancingSince;
                        if (!saidWhy && System.nanoTime() - rebalancingSince > REBALANCING_SAY_AFTER.toNanos()) {
                            out.printf("Kafka Streams has waited %d s for its group (REBALANCING). The group still counts"
                                    + " the member of a run that stopped without leaving it (the broker was away then, or"
                                    + " it was killed) until that member's session timeout, %d s, ends; then it goes on"
                                    + " by itself.%n", REBALANCING_SAY_AFTER.toSeconds(), SESSION_TIMEOUT.toSeconds());
                            saidWhy = true;
                        }
                    } else if (streams.state() == KafkaStreams.State.RUNNING && rebalancingSince >= 0) {
                        if (saidWhy) {
                            out.printf("Kafka Streams is running, after %.1f s of rebalancing.%n",
                                    (System.nanoTime() - rebalancingSince) / 1e9);
                        }
                        rebalancingSince = -1;
                        saidWhy = false;
                    }
                    if (System.nanoTime() >= nextReportAt) {
                        lastReport = printIfChanged(report(streams, mode), lastReport);
                        nextReportAt += TimeUnit.SECONDS.toNanos(reportSeconds);
                    }
                    // --idle-timeout, as for the plain engine: the Streams threads' consumers say how many
                    // events they have read; none for that long after the last one ends the run.
                    double consumed = consumedFrom(streams.metrics(), topics.events());
                    if (consumed > consumedSoFar) {
                        consumedSoFar = consumed;
                        lastEventAt = System.nanoTime();
                    } else if (consumedSoFar > 0 && idleTimeout.exceededBy(System.nanoTime() - lastEventAt)) {
                        out.println(idleTimeout.stoppingLine("events"));
                        break;
                    }
                }
                printIfChanged(report(streams, mode), lastReport);
                processed = consumedFrom(streams.metrics(), topics.events());
            } finally {
                if (queryServer != null) {
                    queryServer.close();
                }
                // Commits, flushes the stores and leaves the group now: a restart gets its partitions at
                // once instead of after the session timeout (45 s). The state stays for the next start.
                boolean closed = streams.close(CloseOptions.groupMembershipOperation(
                        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
                if (!closed) {
                    out.printf("Kafka Streams did not finish closing within %d s (is the broker reachable?): what it"
                            + " did not commit is processed again at the next start.%n", CLOSE_TIMEOUT.toSeconds());
                }
            }
            if (failure.get() != null) {
                out.printf("%nKafka Streams stopped because of an error: %s%n", failure.get());
            }
            // The consumers' count includes the bad records the handlers skipped: the events are the rest.
            new RunSummary(applicationId, "processed", Math.round(processed) - SkipAndDeadLetter.skipped(), "events",
                    Duration.ofNanos(System.nanoTime() - startedAt))
                    .count("bad records skipped (dead-lettered to " + topics.deadLetters() + ")",
                            SkipAndDeadLetter.skipped())
                    .detail("state", "in local stores backed by changelog topics: the next start with application"
                            + " id " + applicationId + " continues from it")
                    .report(out, summaryOption.file());
            return failure.get() == null ? 0 : 1;
        }
    }

    private String printIfChanged(String report, String lastReport) {
        if (!report.equals(lastReport)) {
            out.print(report);
        }
        return report;
    }

    private static String report(KafkaStreams streams, Mode mode) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream report = new PrintStream(text, true, StandardCharsets.UTF_8);
        try {
            switch (mode) {
                case STATEFUL -> StatsTable.print(report, all(streams, StreamsTopologies.COUNTS_STORE),
                        all(streams, StreamsTopologies.TOTALS_STORE));
                case ENRICHMENT -> report.printf("state %s%n", streams.state());
                case WINDOWED -> report.printf("state %s; %.0f late events dropped so far%n", streams.state(),
                        droppedRecords(streams));
            }
        } catch (InvalidStateStoreException e) {
            report.println("(state not queryable yet: " + streams.state() + ")");
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    /** Interactive query: reads a state store of the running application. */
    private static <V> Map<String, V> all(KafkaStreams streams, String store) {
        ReadOnlyKeyValueStore<String, V> view = streams.store(
                StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
        Map<String, V> values = new TreeMap<>();
        try (var iterator = view.all()) {
            iterator.forEachRemaining(entry -> values.put(entry.key, entry.value));
        }
        return values;
    }

    /** Late records dropped by windowed aggregations, from Kafka Streams' task metrics. */
    static double droppedRecords(KafkaStreams streams) {
        return metricSum(streams.metrics(), "dropped-records-total", "stream-task-metrics");
    }

    /** Records the application's consumers read from {@code topic} (not from its internal topics). */
    static double consumedFrom(Map<MetricName, ? extends Metric> metrics, String topic) {
        return metrics.entrySet().stream()
                .filter(entry -> entry.getKey().name().equals("records-consumed-total")
                        && entry.getKey().group().equals("consumer-fetch-manager-metrics")
                        && topic.equals(entry.getKey().tags().get("topic")))
                .mapToDouble(entry -> ((Number) entry.getValue().metricValue()).doubleValue())
                .sum();
    }

    /** A metric summed over threads or tasks, e.g. dropped-records-total of stream-task-metrics. */
    static double metricSum(Map<MetricName, ? extends Metric> metrics, String name, String group) {
        return metrics.entrySet().stream()
                .filter(entry -> entry.getKey().name().equals(name) && entry.getKey().group().equals(group))
                .mapToDouble(entry -> ((Number) entry.getValue().metricValue()).doubleValue())
                .sum();
    }

    /**
     * Creates the compacted profiles topic and, if it is new, fills it with {@link UserProfiles#PROFILES}.
     * Each send's result is checked before the line saying so is printed.
     */
    static void ensureProfiles(FranzConfig config, String topic, PrintStream out) {
        boolean created;
        try (Admin admin = Admin.create(config.clientProperties())) {
            // Compacted: Kafka keeps at least the latest record of every key for ever, so the topic is
            // a table of the current profiles that any consumer can rebuild from the start.
            created = !Topics.createIfMissing(admin, List.of(config.newTopic(topic)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))),
                    Duration.ofSeconds(30)).isEmpty();
        }
        if (!created) {
            return;
        }
        try (Producer<String, UserProfile> producer = new KafkaProducer<>(config.clientProperties(),
                new StringSerializer(), new JsonSerializer<>())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (UserProfile profile : UserProfiles.PROFILES) {
                sent.add(producer.send(new ProducerRecord<>(topic, profile.userId(), profile)));
            }
            for (Future<RecordMetadata> result : sent) {
                result.get(30, TimeUnit.SECONDS); // the broker's answer, or the reason it failed
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new UserFacingException("Could not write the profiles to " + topic + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : "no answer within 30 s"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserFacingException("Interrupted while writing the profiles to " + topic, e);
        }
        out.printf("Created the compacted topic %s with %d profiles (user-1 to user-%d)%n", topic,
                UserProfiles.PROFILES.size(), UserProfiles.PROFILES.size());
    }

    /**
     * The plain engine's copy of the table: every profile on the compacted topic, read from the start
     * of each partition to its end as it is now (later records of a user replace earlier ones in
     * {@link UserProfiles#byUser}). {@code assign()} without a group: this reader joins nothing and
     * commits nothing. Kafka Streams does the same for a GlobalKTable, and then keeps following the topic.
     */
    static List<UserProfile> readProfiles(Properties clientProperties, String topic, Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<UserProfile> profiles = new ArrayList<>();
        try (KafkaConsumer<String, UserProfile> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new JsonDeserializer<>(UserProfile.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " to its end within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(record -> profiles.add(record.value()));
            }
        }
        return profiles;
    }
}
