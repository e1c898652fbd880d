package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.time.Duration;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

import dev.franz.common.events.EnrichedUserEvent;
import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserProfile;
import dev.franz.common.events.UserTotals;
import dev.franz.common.events.WindowCount;

/**
 * The same three computations as the plain engine, declared with Kafka Streams. Each topology is a
 * static method so that {@code TopologyTestDriver} tests run exactly what the program runs. The
 * state (counts, totals, windows) lives in local stores backed by changelog topics, so it survives
 * a restart; time is the records' timestamps (event time), so a replay gives the same windows.
 * {@link StreamsEngine} runs them, with its settings.
 */
final class StreamsTopologies {

    static final String COUNTS_STORE = "counts-by-event-type";
    static final String TOTALS_STORE = "totals-by-user";
    static final String PROFILES_STORE = "user-profiles";
    static final String WINDOWS_STORE = "counts-by-event-type-per-window";

    /** How long, in event time, the windowed store keeps past windows to be queried. */
    static final Duration WINDOW_RETENTION = Duration.ofHours(1);

    private static final Serde<String> STRINGS = Serdes.String();
    private static final Serde<UserEvent> EVENTS = JsonSerdes.of(UserEvent.class);

    private StreamsTopologies() {
    }

    static Topology of(Mode mode, StreamTopics topics, Duration windowSize, Duration grace, PrintStream out) {
        return switch (mode) {
            case STATEFUL -> stateful(topics);
            case ENRICHMENT -> enrichment(topics);
            case WINDOWED -> windowed(topics, windowSize, grace, out);
        };
    }

    static Topology stateful(StreamTopics topics) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, UserEvent> events = checked(builder.stream(topics.events(), Consumed.with(STRINGS, EVENTS)));
        // Re-keying by event type makes Streams repartition through an internal topic, so that all
        // events of one type meet in one task, whatever user (partition) they came from. Counting
        // needs only the type, so only the type crosses that topic, not the whole event.
        events.mapValues(UserEvent::eventType)
                .groupBy((userId, eventType) -> eventType, Grouped.with("by-event-type", STRINGS, STRINGS))
                .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(COUNTS_STORE)
                        .withKeySerde(STRINGS).withValueSerde(Serdes.Long()))
                .toStream()
                .to(topics.typeCounts(), Produced.with(STRINGS, JsonSerdes.of(Long.class)));
        // Already keyed by user: no repartition needed.
        // The initializer cannot see the key, so a new user's totals start without a user id and the
        // aggregator fills it in from the key on the first event.
        events.groupByKey(Grouped.with(STRINGS, EVENTS))
                .aggregate(() -> UserTotals.empty(null),
                        (userId, event, totals) -> (totals.userId() == null ? UserTotals.empty(userId) : totals)
                                .add(event),
                        Materialized.<String, UserTotals, KeyValueStore<Bytes, byte[]>>as(TOTALS_STORE)
                                .withKeySerde(STRINGS).withValueSerde(JsonSerdes.of(UserTotals.class)))
                .toStream()
                .to(topics.userTotals(), Produced.with(STRINGS, JsonSerdes.of(UserTotals.class)));
        return builder.build();
    }

    static Topology enrichment(StreamTopics topics) {
        StreamsBuilder builder = new StreamsBuilder();
        // A global table: every instance holds all profiles, so events need not be co-partitioned
        // with them, and the table follows the compacted topic as profiles change.
        GlobalKTable<String, UserProfile> profiles = builder.globalTable(topics.profiles(),
                Consumed.with(STRINGS, JsonSerdes.of(UserProfile.class)),
                Materialized.<String, UserProfile, KeyValueStore<Bytes, byte[]>>as(PROFILES_STORE)
                        .withKeySerde(STRINGS).withValueSerde(JsonSerdes.of(UserProfile.class)));
        checked(builder.stream(topics.events(), Consumed.with(STRINGS, EVENTS)))
                // A left join keeps events without a profile (profile = null) instead of dropping them.
                .leftJoin(profiles, (userId, event) -> userId, EnrichedUserEvent::of)
                .to(topics.enriched(), Produced.with(STRINGS, JsonSerdes.of(EnrichedUserEvent.class)));
        return builder.build();
    }

    /** @param out where each closed window is printed, as the plain engine does */
    static Topology windowed(StreamTopics topics, Duration windowSize, Duration grace, PrintStream out) {
        StreamsBuilder builder = new StreamsBuilder();
        checked(builder.stream(topics.events(), Consumed.with(STRINGS, EVENTS)))
                // The record's timestamp travels with it through the repartition: the type is enough.
                .mapValues(UserEvent::eventType)
                .groupBy((userId, eventType) -> eventType, Grouped.with("by-event-type", STRINGS, STRINGS))
                // Tumbling windows on the records' timestamps; events up to `grace` late still count.
                // Later ones are dropped and counted in the dropped-records metric.
                .windowedBy(TimeWindows.ofSizeAndGrace(windowSize, grace))
                // The store keeps each window for an hour of event time, so that --serve can answer for a
                // range of past windows; Kafka's default keeps a window only for its size + grace.
                .count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(WINDOWS_STORE)
                        .withRetention(windowRetention(windowSize, grace)))
                // Without suppress, every event would emit an updated count; with it, one final
                // count per window, when the window closes (stream time past its end + grace).
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("until-window-closes"))
                .toStream()
                .map((window, count) -> KeyValue.pair(window.key(), new WindowCount(window.key(),
                        window.window().startTime(), window.window().endTime(), count)))
                .peek((eventType, window) -> out.println(WindowLine.of(window)))
                .to(topics.windowedCounts(), Produced.with(STRINGS, JsonSerdes.of(WindowCount.class)));
        return builder.build();
    }

    /**
     * Every event checked first: one Level 2 cannot use throws {@link BadEvent}, and the processing
     * exception handler ({@link SkipAndDeadLetter}) reports, counts and dead-letters it, so nothing
     * after this step ever sees a null value, a missing type or an amount that is no number.
     */
    private static KStream<String, UserEvent> checked(KStream<String, UserEvent> events) {
        return events.mapValues(BadEvent::check, Named.as("check-event"));
    }

    /** How long the windows store keeps a window: an hour, or size + grace if that is longer. */
    static Duration windowRetention(Duration windowSize, Duration grace) {
        Duration least = windowSize.plus(grace);
        return least.compareTo(WINDOW_RETENTION) > 0 ? least : WINDOW_RETENTION;
    }
}
