package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.common.cli.Cli;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.EnrichedUserEvent;
import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserProfile;
import dev.franz.common.events.UserTotals;
import dev.franz.common.events.WindowCount;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;
import dev.franz.testing.CommittedRecords;
import dev.franz.common.kafka.Topics;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestTimes;
import dev.franz.testing.TestProcesses;

/** Both engines on the same events, on a real broker: the same aggregates. */
class EnginesIT {

    private static final Instant T0 = TestTimes.recentHour();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final int EVENTS = 600;

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    @TempDir
    Path stateDir;

    private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void plainAndStreamsComputeTheSameCountsAndTotals() throws Exception {
        StreamTopics plain = topics("plain");
        StreamTopics streams = topics("streams");
        List<UserEvent> events = events(EVENTS);
        produce(plain.events(), events);
        produce(streams.events(), events);

        assertThat(runPlain("stateful", plain)).isZero();
        runStreams(StreamsTopologies.stateful(streams), TestNames.unique("stateful-app"), () ->
                lastByKey(streams.userTotals(), UserTotals.class).values().stream().mapToLong(UserTotals::events)
                        .sum() == EVENTS);

        Map<String, Long> expectedCounts = events.stream()
                .collect(Collectors.groupingBy(UserEvent::eventType, Collectors.counting()));
        assertThat(lastByKey(plain.typeCounts(), Long.class)).isEqualTo(expectedCounts)
                .isEqualTo(lastByKey(streams.typeCounts(), Long.class));
        Map<String, UserTotals> plainTotals = lastByKey(plain.userTotals(), UserTotals.class);
        assertThat(plainTotals).isEqualTo(lastByKey(streams.userTotals(), UserTotals.class));
        assertThat(plainTotals.values().stream().map(UserTotals::purchaseTotal).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo(events.stream().filter(e -> e.eventType().equals(UserEvent.PURCHASE))
                        .map(e -> new BigDecimal(e.attributes().get("amount"))).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    @Test
    void plainAndStreamsEnrichEveryEventWithTheSameProfile() throws Exception {
        StreamTopics plain = topics("plain");
        StreamTopics streams = topics("streams");
        List<UserEvent> events = events(EVENTS);
        produce(plain.events(), events);
        produce(streams.events(), events);

        assertThat(runPlain("enrichment", plain)).isZero(); // the program writes the profiles topic first
        UserProfiles.ensureTopic(config(), streams.profiles(), out);
        runStreams(StreamsTopologies.enrichment(streams), TestNames.unique("enrichment-app"), () ->
                enriched(streams).size() == EVENTS);

        List<EnrichedUserEvent> fromPlain = enriched(plain);
        assertThat(fromPlain).hasSize(EVENTS).containsExactlyInAnyOrderElementsOf(enriched(streams));
        assertThat(fromPlain).extracting(EnrichedUserEvent::event).containsExactlyInAnyOrderElementsOf(events);
        Map<String, UserProfile> profiles = UserProfiles.byUser(UserProfiles.readTopic(kafka.clientProperties(),
                plain.profiles(), READ_TIMEOUT));
        assertThat(fromPlain).allSatisfy(enriched -> {
            UserProfile profile = profiles.get(enriched.event().userId());
            assertThat(enriched.profileMissing()).isEqualTo(profile == null);
            assertThat(enriched.profile()).isEqualTo(profile);
        });
        assertThat(fromPlain).anyMatch(EnrichedUserEvent::profileMissing).anyMatch(e -> !e.profileMissing());
    }

    private static List<EnrichedUserEvent> enriched(StreamTopics topics) {
        return CommittedRecords.readAll(kafka.clientProperties(), topics.enriched(), new StringDeserializer(),
                new JsonDeserializer<>(EnrichedUserEvent.class), READ_TIMEOUT).stream().map(ConsumerRecord::value).toList();
    }

    @Test
    void theStreamsEngineEndsByItselfAfterIdleTimeoutAsThePlainEngineDoes() throws Exception {
        StreamTopics topics = topics("idle");
        produce(topics.events(), events(EVENTS));
        String id = TestNames.unique("idle-app");
        TestProcesses program = TestProcesses.java(List.of("-Dfranz.root=" + stateDir), StreamProcessing.class,
                "--engine", "streams", "--idle-timeout", "3", "--application-id", id,
                "--bootstrap-servers", kafka.bootstrapServers(), "--set", "TOPIC_USER_EVENTS=" + topics.events(),
                "--set", "TOPIC_EVENT_TYPE_COUNTS=" + topics.typeCounts(), "--set", "TOPIC_USER_TOTALS=" + topics.userTotals(),
                "--set", "TOPIC_ENRICHED_EVENTS=" + topics.enriched(), "--set", "TOPIC_WINDOWED_COUNTS=" + topics.windowedCounts());
        try {
            assertThat(program.process().waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).as("ended by itself").isTrue();
            assertThat(program.process().exitValue()).isZero();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(String.join("\n", program.lines()))
                    .contains("No new events for 3 s: stopping.")
                    .contains("processed " + EVENTS + " events"));
        } finally {
            program.process().destroyForcibly();
        }
    }

    @Test
    void plainAndStreamsEmitTheSameWindows() throws Exception {
        // One partition: both engines see the events in one order. Across partitions there is no
        // order, and a backlog read partition after partition makes one partition's events look late.
        StreamTopics plain = topics("plain", 1);
        StreamTopics streams = topics("streams", 1);
        List<UserEvent> events = new ArrayList<>(events(EVENTS));
        // One far-future event per type moves stream time past every real window, in every task.
        Instant flushAt = T0.plus(Duration.ofHours(1));
        for (String type : List.of(UserEvent.PAGE_VIEW, UserEvent.CLICK, UserEvent.PURCHASE)) {
            events.add(new UserEvent("user-1", type, flushAt, Map.of("amount", "1.00")));
        }
        produce(plain.events(), events);
        produce(streams.events(), events);
        Set<WindowCount> expected = expectedWindows(events.subList(0, EVENTS));

        assertThat(runPlain("windowed", plain)).isZero();
        runStreams(StreamsTopologies.windowed(streams, Duration.ofSeconds(5), Duration.ofSeconds(2), out), TestNames.unique("windowed-app"),
                () -> windows(streams).size() >= expected.size());

        assertThat(windows(plain)).isEqualTo(expected);
        assertThat(windows(streams)).isEqualTo(expected);
    }

    @Test
    void theStreamsEngineKeepsItsStateAcrossARestart() throws Exception {
        StreamTopics topics = topics("restart");
        List<UserEvent> events = events(EVENTS);
        produce(topics.events(), events.subList(0, EVENTS / 2));
        String applicationId = TestNames.unique("restart-app");
        runStreams(StreamsTopologies.stateful(topics), applicationId, () -> totalEvents(topics) == EVENTS / 2);

        produce(topics.events(), events.subList(EVENTS / 2, EVENTS));
        // Same application id and state directory: the counts continue, they do not start again.
        runStreams(StreamsTopologies.stateful(topics), applicationId, () -> totalEvents(topics) == EVENTS);

        assertThat(lastByKey(topics.typeCounts(), Long.class).values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(EVENTS);
    }

    private long totalEvents(StreamTopics topics) {
        return lastByKey(topics.userTotals(), UserTotals.class).values().stream().mapToLong(UserTotals::events).sum();
    }

    private static Set<WindowCount> expectedWindows(List<UserEvent> events) {
        Map<List<Object>, Long> counts = new LinkedHashMap<>();
        for (UserEvent event : events) {
            long millis = event.timestamp().toEpochMilli();
            Instant start = Instant.ofEpochMilli(millis - Math.floorMod(millis, 5_000L));
            counts.merge(List.of(event.eventType(), start), 1L, Long::sum);
        }
        return counts.entrySet().stream().map(entry -> new WindowCount((String) entry.getKey().get(0),
                (Instant) entry.getKey().get(1), ((Instant) entry.getKey().get(1)).plusSeconds(5), entry.getValue()))
                .collect(Collectors.toSet());
    }

    /** Windows before the flush events (those stay open). */
    private static Set<WindowCount> windows(StreamTopics topics) {
        return CommittedRecords.readAll(kafka.clientProperties(), topics.windowedCounts(), new StringDeserializer(),
                        new JsonDeserializer<>(WindowCount.class), READ_TIMEOUT).stream()
                .map(ConsumerRecord::value).filter(window -> window.windowStart().isBefore(T0.plusSeconds(3_000)))
                .collect(Collectors.toSet());
    }

    /** Events in time order, 10 ms apart, jittered by up to 1 s (within the 2 s grace). */
    private static List<UserEvent> events(int count) {
        Random random = new Random(42);
        String[] types = {UserEvent.PAGE_VIEW, UserEvent.CLICK, UserEvent.PURCHASE};
        List<UserEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String type = types[random.nextInt(types.length)];
            Instant at = T0.plusMillis(i * 100L + random.nextInt(1_000));
            Map<String, String> attributes = type.equals(UserEvent.PURCHASE)
                    ? Map.of("amount", (1 + random.nextInt(100)) + ".25") : Map.of();
            events.add(new UserEvent("user-" + (1 + random.nextInt(8)), type, at, attributes));
        }
        return events;
    }

    private StreamTopics topics(String prefix) {
        return topics(prefix, 3);
    }

    private StreamTopics topics(String prefix, int partitions) {
        StreamTopics topics = new StreamTopics(TestNames.unique(prefix + "-events"), TestNames.unique("profiles"),
                TestNames.unique(prefix + "-type-counts"), TestNames.unique(prefix + "-user-totals"),
                TestNames.unique(prefix + "-enriched"), TestNames.unique(prefix + "-windowed"),
                TestNames.unique(prefix + "-dead-letters"));
        Topics.createIfMissing(FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TOPIC_PARTITIONS", Integer.toString(partitions))), List.of(topics.events(), topics.typeCounts(), topics.userTotals(),
                topics.enriched(), topics.windowedCounts()));
        return topics;
    }

    private static FranzConfig config() {
        return FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()));
    }

    /** One by one, each acknowledged before the next: the input is exactly these events, in this order. */
    private static void produce(String topic, List<UserEvent> events) throws Exception {
        Properties props = kafka.clientProperties();
        // A batch holds one record here: sent at once, not after linger.ms (5 ms by default) for others.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<String, UserEvent> producer = new KafkaProducer<>(props,
                new StringSerializer(), new JsonSerializer<>())) {
            for (UserEvent event : events) {
                // The record's timestamp is the event's time: what both engines window on.
                producer.send(new ProducerRecord<>(topic, null, event.timestamp().toEpochMilli(), event.userId(), event))
                        .get();
            }
        }
    }

    private static int runPlain(String mode, StreamTopics topics) {
        return Cli.run(new StreamProcessing(), mode, "--engine", "plain", "--idle-timeout", "3",
                "--group", TestNames.unique("plain-" + mode),
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "TOPIC_USER_EVENTS=" + topics.events(), "--set", "TOPIC_EVENT_TYPE_COUNTS=" + topics.typeCounts(),
                "--set", "TOPIC_USER_TOTALS=" + topics.userTotals(), "--set", "TOPIC_ENRICHED_EVENTS=" + topics.enriched(),
                "--set", "TOPIC_USER_PROFILES=" + topics.profiles(),
                "--set", "TOPIC_WINDOWED_COUNTS=" + topics.windowedCounts(),
                "--set", "TOPIC_USER_EVENTS_DLT=" + topics.deadLetters());
    }

    private void runStreams(Topology topology, String applicationId, Callable<Boolean> done) {
        Properties props = StreamsEngine.config(config(), applicationId, "earliest");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(done);
            // As the program does: leave the group, so that a restart does not wait for the session timeout.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
    }

    private static <V> Map<String, V> lastByKey(String topic, Class<V> type) {
        Deserializer<V> values = new JsonDeserializer<>(type);
        Map<String, V> last = new LinkedHashMap<>();
        for (ConsumerRecord<String, V> record : CommittedRecords.readAll(kafka.clientProperties(), topic,
                new StringDeserializer(), values, READ_TIMEOUT)) {
            last.put(record.key(), record.value());
        }
        return last;
    }
}
