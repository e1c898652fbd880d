package dev.franz.streamprocessing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
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

import dev.franz.common.events.UserTotals;
import dev.franz.common.events.WindowCount;

/**
 * Interactive queries (IQv2) on this instance's state stores, and where the others are: what the
 * query server asks. A key lives in one partition, so in one instance's store (its active copy, and
 * with --standbys in standby copies on other instances): queryMetadataForKey() names those
 * instances (by their application.server), and a query for a partition this instance does not hold
 * fails (NOT_ACTIVE, NOT_PRESENT) rather than answer wrongly.
 */
final class StateQueries implements QueryServer.Queries {
    private final KafkaStreams streams;
    private final TopologyDescription topology;
    private final String self;
    private final Duration windowSize;
    private final int partitions;

    StateQueries(KafkaStreams streams, TopologyDescription topology, String self, Duration windowSize, int partitions) {
        this.streams = streams;
        this.topology = topology;
        this.self = self;
        this.windowSize = windowSize;
        this.partitions = partitions;
    }

    @Override
    public String self() {
        return self;
    }

    /**
     * Topology.describe(): the subtopologies, and in each its processors, stores and topics, as Kafka
     * Streams prints them. The application knows it under either group protocol; on the classic one the
     * broker never learns it (the assignment travels in the members' own data).
     */
    @Override
    public String topology() {
        return topology.toString();
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

    /**
     * What the console shows every --report-interval: the stateful mode's tables, read from the stores
     * of this instance (the older interactive-query API, {@code streams.store()}), or the state and
     * the late events dropped.
     */
    static String report(KafkaStreams streams, Mode mode) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream report = new PrintStream(text, true, StandardCharsets.UTF_8);
        try {
            switch (mode) {
                case STATEFUL -> StatsTable.print(report, all(streams, StreamsTopologies.COUNTS_STORE),
                        all(streams, StreamsTopologies.TOTALS_STORE));
                case ENRICHMENT -> report.printf("state %s%n", streams.state());
                case WINDOWED -> report.printf("state %s; %.0f late events dropped so far%n", streams.state(),
                        StreamsMetrics.droppedRecords(streams.metrics()));
            }
        } catch (InvalidStateStoreException e) {
            report.println("(state not queryable yet: " + streams.state() + ")");
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    /** Every entry of a key-value store, from the partitions this instance holds. */
    private static <V> Map<String, V> all(KafkaStreams streams, String store) {
        ReadOnlyKeyValueStore<String, V> view = streams.store(
                StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
        Map<String, V> values = new TreeMap<>();
        try (var iterator = view.all()) {
            iterator.forEachRemaining(entry -> values.put(entry.key, entry.value));
        }
        return values;
    }
}
