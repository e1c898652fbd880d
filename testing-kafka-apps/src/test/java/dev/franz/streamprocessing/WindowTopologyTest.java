package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserEvent;
import dev.franz.common.events.WindowCount;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;

/**
 * Layer 3 of the pyramid: Level 2's Kafka Streams topology, run by {@code TopologyTestDriver}.
 *
 * The driver (kafka-streams-test-utils) runs the topology the program runs, {@code StreamsTopologies.windowed},
 * with the program's own settings, in this thread and without a broker: each record piped in goes through
 * every step (the re-keying, the window store, suppress) before {@code pipeInput} returns, with the
 * timestamp the test gives it. So event time, windows and grace are tested exactly, in milliseconds.
 *
 * What it cannot show: it is one task reading one partition of each topic. A repartition topic is a
 * hand-off inside the driver, not a topic with partitions on a broker; stream time is one clock for every
 * key, where on a broker each partition has its own; there is no second instance, no rebalance, no
 * restore from a changelog, no exactly-once commit. {@code EnginesIT} in stream-processing runs both
 * engines on a real broker for those.
 */
class WindowTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-26T18:00:00Z");
    private static final StreamTopics TOPICS = new StreamTopics("events", "profiles", "type-counts", "user-totals",
            "enriched", "windowed", "dead-letters");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, UserEvent> events;
    private TestOutputTopic<String, WindowCount> windows;

    @BeforeEach
    void startTheTopology() {
        // Windows of 5 s with 2 s of grace, as `stream-processing windowed --window 5 --grace 2` would run.
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        // The program's own Streams settings (exactly-once, its error handlers), state in a temporary folder.
        Properties settings = StreamsEngine.config(FranzConfig.defaultsWith(Map.of()), "window-test", "earliest",
                stateDir.toString());
        driver = new TopologyTestDriver(StreamsTopologies.windowed(TOPICS, Duration.ofSeconds(5), Duration.ofSeconds(2),
                quiet), settings);
        events = driver.createInputTopic("events", new StringSerializer(), new JsonSerializer<>());
        windows = driver.createOutputTopic("windowed", new StringDeserializer(), new JsonDeserializer<>(WindowCount.class));
    }

    @AfterEach
    void closeTheDriver() {
        driver.close(); // deletes its state: each test starts from nothing
    }

    /** An event of {@code type} by user-1 that happened at {@code at}: the record's timestamp is event time. */
    private void event(String type, Instant at) {
        events.pipeInput("user-1", new UserEvent("user-1", type, at, Map.of()), at);
    }

    @Test
    void oneFinalCountPerWindowWhenStreamTimePassesItsEndPlusGrace() {
        event("click", T0.plusSeconds(1));
        event("click", T0.plusSeconds(6));  // stream time 6 s: [0 s, 5 s) stays open until 7 s
        event("click", T0.plusSeconds(3));  // late but within grace: counted in [0, 5)
        assertThat(windows.isEmpty()).isTrue(); // suppress: nothing before the window closes

        event("click", T0.plusSeconds(7));  // stream time 7 s: [0, 5) closes

        assertThat(windows.readValuesToList()).containsExactly(new WindowCount("click", T0, T0.plusSeconds(5), 2));
    }

    @Test
    void anEventPastGraceIsDroppedAndCountedInAMetric() {
        event("click", T0.plusSeconds(1));
        event("click", T0.plusSeconds(10)); // closes [0, 5)
        event("click", T0.plusSeconds(2));  // its window has closed: dropped

        assertThat(windows.readValuesToList()).containsExactly(new WindowCount("click", T0, T0.plusSeconds(5), 1));
        // Kafka Streams counts what it drops; the test reads the same metric the program prints.
        assertThat(StreamsMetrics.metricSum(driver.metrics(), "dropped-records-total", "stream-task-metrics"))
                .isEqualTo(1.0);
    }

    @Test
    void theWallClockClosesNothingOnlyEventsMoveTime() {
        event("click", T0.plusSeconds(1));

        // An hour passes on the clock, no event comes: event time has not moved, the window stays open.
        // (A punctuation scheduled on wall-clock time would run here; this topology has none.)
        driver.advanceWallClockTime(Duration.ofHours(1));
        assertThat(windows.isEmpty()).isTrue();

        event("click", T0.plusSeconds(7));
        assertThat(windows.readValuesToList()).hasSize(1);
    }

    /**
     * True in the driver, not always on a broker: here a page_view closes the click window, because one
     * task sees every type and stream time is one clock. On a broker the events are re-keyed by type
     * through a repartition topic of several partitions; if click and page_view land on different
     * partitions, the click window waits for a later click.
     */
    @Test
    void inTheDriverAnyEventMovesStreamTimeForEveryKey() {
        event("click", T0.plusSeconds(1));

        event("page_view", T0.plusSeconds(30));

        assertThat(windows.readValuesToList()).containsExactly(new WindowCount("click", T0, T0.plusSeconds(5), 1));
        // The repartition topic exists in the topology; the driver passes records through it at once.
        assertThat(driver.producedTopicNames()).anyMatch(topic -> topic.endsWith("by-event-type-repartition"));
    }
}
