package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.common.events.EnrichedUserEvent;
import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserProfile;
import dev.franz.common.events.UserTotals;
import dev.franz.common.events.WindowCount;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;
import dev.franz.testing.BadRecords;

/** The Kafka Streams topologies, exactly as the program builds them, with explicit timestamps. */
class StreamsTopologiesTest {

    @TempDir
    Path stateDir;

    private static final Instant T0 = Instant.parse("2026-11-26T18:00:00Z");
    private static final StreamTopics TOPICS = new StreamTopics("events", "profiles", "type-counts", "user-totals",
            "enriched", "windowed", "dead-letters");

    private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void windowsCloseAtEndPlusGraceAndLateEventsAreDroppedAndCounted() {
        try (TopologyTestDriver driver = driver(StreamsTopologies.windowed(TOPICS, Duration.ofSeconds(5),
                Duration.ofSeconds(2), out))) {
            TestInputTopic<String, UserEvent> events = events(driver);
            TestOutputTopic<String, WindowCount> windows = driver.createOutputTopic("windowed",
                    new StringDeserializer(), new JsonDeserializer<>(WindowCount.class));

            send(events, "click", T0.plusMillis(4_999));
            send(events, "click", T0.plusSeconds(5));      // next window: [5, 10)
            send(events, "click", T0.plusSeconds(6));      // stream time 6: [0, 5) open until 7
            send(events, "click", T0.plusSeconds(3));      // within grace: counts in [0, 5)
            assertThat(windows.isEmpty()).isTrue();         // nothing closed yet
            send(events, "click", T0.plusSeconds(7));      // stream time 7: [0, 5) closes
            assertThat(windows.readValuesToList()).containsExactly(
                    new WindowCount("click", T0, T0.plusSeconds(5), 2));

            send(events, "click", T0.plusSeconds(1));      // its window closed: late, dropped

            send(events, "click", T0.plusSeconds(30));     // closes [5, 10)
            assertThat(windows.readValuesToList()).containsExactly(
                    new WindowCount("click", T0.plusSeconds(5), T0.plusSeconds(10), 3));
            assertThat(StreamsMetrics.metricSum(driver.metrics(), "dropped-records-total", "stream-task-metrics"))
                    .isEqualTo(1.0);
        }
    }

    @Test
    void statefulCountsPerTypeAndTotalsPerUser() {
        try (TopologyTestDriver driver = driver(StreamsTopologies.stateful(TOPICS))) {
            TestInputTopic<String, UserEvent> events = events(driver);
            send(events, "user-1", "click", T0, Map.of());
            send(events, "user-1", "purchase", T0, Map.of("amount", "10.50"));
            send(events, "user-2", "purchase", T0, Map.of("amount", "2.00"));

            Map<String, Long> counts = driver.createOutputTopic("type-counts", new StringDeserializer(),
                    new JsonDeserializer<>(Long.class)).readKeyValuesToMap();
            Map<String, UserTotals> totals = driver.createOutputTopic("user-totals", new StringDeserializer(),
                    new JsonDeserializer<>(UserTotals.class)).readKeyValuesToMap();

            assertThat(counts).isEqualTo(Map.of("click", 1L, "purchase", 2L));
            assertThat(totals.get("user-1")).isEqualTo(new UserTotals("user-1", 2, 1, new BigDecimal("10.50")));
            assertThat(totals.get("user-2")).isEqualTo(new UserTotals("user-2", 1, 1, new BigDecimal("2.00")));
        }
    }

    @Test
    void enrichmentJoinsTheProfileAndPassesOnEventsWithoutOne() {
        try (TopologyTestDriver driver = driver(StreamsTopologies.enrichment(TOPICS))) {
            driver.createInputTopic("profiles", new StringSerializer(), new JsonSerializer<UserProfile>())
                    .pipeInput("user-1", new UserProfile("user-1", "Ada", "gold", "GB"));
            TestInputTopic<String, UserEvent> events = events(driver);
            send(events, "user-1", "click", T0, Map.of());
            send(events, "user-9", "click", T0, Map.of());

            Map<String, EnrichedUserEvent> enriched = driver.createOutputTopic("enriched", new StringDeserializer(),
                    new JsonDeserializer<>(EnrichedUserEvent.class)).readKeyValuesToMap();

            assertThat(enriched.get("user-1").profile().name()).isEqualTo("Ada");
            assertThat(enriched.get("user-1").profileMissing()).isFalse();
            assertThat(enriched.get("user-9").profile()).isNull();
            assertThat(enriched.get("user-9").profileMissing()).isTrue();
        }
    }

    /**
     * The corpus of bad records between good events, through each topology: every bad one is skipped,
     * counted and dead-lettered with its reason and where it came from; the application goes on; and
     * the outputs are exactly those of the good events alone.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyBadRecordIsSkippedCountedAndDeadLetteredAndTheGoodOnesGiveTheSameResults(Mode mode) {
        String good = "{\"user_id\":\"user-1\",\"event_type\":\"page_view\",\"timestamp\":\"2026-11-26T18:00:00Z\"}";
        List<BadRecords.BadRecord> corpus = BadRecords.corpus(good, number -> "{\"user_id\":\"user-1\","
                + "\"event_type\":\"purchase\",\"timestamp\":\"2026-11-26T18:00:00Z\",\"attributes\":{\"amount\":\""
                + number + "\"}}");
        List<BadRecords.BadRecord> bad = corpus.stream().filter(record -> !record.expectProcessed()).toList();

        Map<String, String> alone = outputs(mode, List.of());
        long skippedBefore = SkipAndDeadLetter.skipped();
        List<DeadLetter> deadLetters = new ArrayList<>();
        Map<String, String> withCorpus = outputs(mode, corpus, deadLetters);

        assertThat(SkipAndDeadLetter.skipped() - skippedBefore).isEqualTo(bad.size());
        // The processing handler's dead letters: one per record that was JSON but no event Level 2 can
        // use. (The deserialization handler's are written by a running application, not by
        // TopologyTestDriver: EnginesIT reads them from the broker.)
        List<BadRecords.BadRecord> readable = bad.stream().filter(record -> readable(record.value())).toList();
        assertThat(readable).hasSizeLessThan(bad.size());
        assertThat(deadLetters).hasSize(readable.size());
        for (int i = 0; i < readable.size(); i++) {
            DeadLetter deadLetter = deadLetters.get(i);
            assertThat(deadLetter.header(DeadLetters.SOURCE_TOPIC)).isEqualTo("events");
            assertThat(deadLetter.header(DeadLetters.REASON)).as(readable.get(i).name()).isEqualTo("invalid");
            assertThat(deadLetter.header(DeadLetters.ERROR_MESSAGE)).as(readable.get(i).name()).isNotBlank();
        }
        // The good record with markup in its headers counts like any other: the outputs differ by it alone.
        Map<String, String> withMarkupAlone = outputs(mode, corpus.stream().filter(BadRecords.BadRecord::expectProcessed)
                .toList());
        assertThat(withCorpus).isEqualTo(withMarkupAlone);
        assertThat(alone).isNotEmpty();
    }

    private static boolean readable(byte[] value) {
        try {
            new JsonDeserializer<>(UserEvent.class).deserialize("events", value);
            return true;
        } catch (SerializationException e) {
            return false;
        }
    }

    /** A text view of a dead letter's headers (the test topic hands back TestRecords). */
    private record DeadLetter(Headers headers) {
        String header(String name) {
            return DeadLetters.header(headers, name);
        }
    }

    private Map<String, String> outputs(Mode mode, List<BadRecords.BadRecord> between) {
        return outputs(mode, between, new ArrayList<>());
    }

    /**
     * Runs {@code mode}'s topology on good events with {@code between} in the middle, and returns the
     * last value of every output key (topic/key: value), adding the dead letters to {@code deadLetters}.
     */
    private Map<String, String> outputs(Mode mode, List<BadRecords.BadRecord> between,
                                        List<DeadLetter> deadLetters) {
        Map<String, String> outputs = new TreeMap<>();
        try (TopologyTestDriver driver = driver(StreamsTopologies.of(mode, TOPICS, Duration.ofSeconds(5),
                Duration.ofSeconds(0), out))) {
            TestInputTopic<String, UserEvent> events = events(driver);
            TestInputTopic<String, byte[]> raw = driver.createInputTopic("events", new StringSerializer(),
                    new ByteArraySerializer());
            send(events, "user-1", "click", T0, Map.of());
            send(events, "user-2", "purchase", T0.plusSeconds(1), Map.of("amount", "10.50"));
            for (BadRecords.BadRecord record : between) {
                raw.pipeInput(new TestRecord<>(new ProducerRecord<>("events", null, T0.plusSeconds(2).toEpochMilli(),
                        "user-1", record.value(), record.headers())));
            }
            send(events, "user-1", "purchase", T0.plusSeconds(3), Map.of("amount", "2.25"));
            send(events, "user-3", "click", T0.plusSeconds(20)); // closes the windows of the others
            for (String topic : List.of("type-counts", "user-totals", "enriched", "windowed")) {
                driver.createOutputTopic(topic, new StringDeserializer(), new StringDeserializer()).readKeyValuesToList()
                        .forEach(pair -> outputs.put(topic + "/" + pair.key, pair.value));
            }
            driver.createOutputTopic("dead-letters", new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList().forEach(record -> deadLetters.add(new DeadLetter(record.headers())));
        }
        return outputs;
    }

    /** The program's own Streams settings (exactly-once, the skipping handler), state in a temporary folder. */
    private TopologyTestDriver driver(Topology topology) {
        Properties props = StreamsEngine.config(FranzConfig.defaultsWith(Map.of("TOPIC_USER_EVENTS_DLT",
                        "dead-letters")), "test", "earliest",
                stateDir.toString());
        assertThat(props).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return new TopologyTestDriver(topology, props);
    }

    private static TestInputTopic<String, UserEvent> events(TopologyTestDriver driver) {
        return driver.createInputTopic("events", new StringSerializer(), new JsonSerializer<>());
    }

    private static void send(TestInputTopic<String, UserEvent> events, String user, String type, Instant timestamp) {
        send(events, user, type, timestamp, Map.of());
    }

    private static void send(TestInputTopic<String, UserEvent> events, String type, Instant timestamp) {
        send(events, "user-1", type, timestamp, Map.of());
    }

    private static void send(TestInputTopic<String, UserEvent> events, String user, String type, Instant timestamp,
                             Map<String, String> attributes) {
        events.pipeInput(user, new UserEvent(user, type, timestamp, attributes), timestamp);
    }
}
