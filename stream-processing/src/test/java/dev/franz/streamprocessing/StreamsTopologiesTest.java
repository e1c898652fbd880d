package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.EnrichedUserEvent;
import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserProfile;
import dev.franz.common.events.UserTotals;
import dev.franz.common.events.WindowCount;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;

/** The Kafka Streams topologies, exactly as the program builds them, with explicit timestamps. */
class StreamsTopologiesTest {

    @TempDir
    Path stateDir;

    private static final Instant T0 = Instant.parse("2026-11-26T18:00:00Z");
    private static final StreamTopics TOPICS = new StreamTopics("events", "profiles", "type-counts", "user-totals",
            "enriched", "windowed");

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
            assertThat(StreamProcessing.metricSum(driver.metrics(), "dropped-records-total", "stream-task-metrics"))
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

    @Test
    void anUnreadableRecordIsSkippedWithOneLineAndTheNextOneCounts() {
        long skippedBefore = SkipUnreadableRecords.skipped();
        try (TopologyTestDriver driver = driver(StreamsTopologies.stateful(TOPICS))) {
            TestInputTopic<String, byte[]> raw = driver.createInputTopic("events", new StringSerializer(),
                    new ByteArraySerializer());
            raw.pipeInput("user-1", "not json".getBytes(StandardCharsets.UTF_8));
            send(events(driver), "click", Instant.parse("2026-11-26T18:00:00Z"));

            Map<String, UserTotals> totals = driver.createOutputTopic("user-totals", new StringDeserializer(),
                    new JsonDeserializer<>(UserTotals.class)).readKeyValuesToMap();
            assertThat(totals.get("user-1").events()).isEqualTo(1);
        }
        assertThat(SkipUnreadableRecords.skipped()).isEqualTo(skippedBefore + 1);
    }

    /** The program's own Streams settings (exactly-once, the skipping handler), state in a temporary folder. */
    private TopologyTestDriver driver(Topology topology) {
        Properties props = StreamsTopologies.config(FranzConfig.defaultsWith(Map.of()), "test", "earliest",
                stateDir.toString());
        assertThat(props).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return new TopologyTestDriver(topology, props);
    }

    private static TestInputTopic<String, UserEvent> events(TopologyTestDriver driver) {
        return driver.createInputTopic("events", new StringSerializer(), new JsonSerializer<>());
    }

    private static void send(TestInputTopic<String, UserEvent> events, String type, Instant timestamp) {
        send(events, "user-1", type, timestamp, Map.of());
    }

    private static void send(TestInputTopic<String, UserEvent> events, String user, String type, Instant timestamp,
                             Map<String, String> attributes) {
        events.pipeInput(user, new UserEvent(user, type, timestamp, attributes), timestamp);
    }
}
