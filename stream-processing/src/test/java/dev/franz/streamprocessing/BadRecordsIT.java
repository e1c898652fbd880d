package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserTotals;
import dev.franz.common.json.Json;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.common.kafka.Topics;
import dev.franz.testing.BadRecords;
import dev.franz.testing.CommittedRecords;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestTimes;
import dev.franz.testing.TestProcesses;

/**
 * The corpus of bad records between good events, through the program with each engine on a real
 * broker: each bad record is one SKIPPED line and one dead letter naming where it came from, the run
 * ends normally, every record is committed, and the totals are exactly those of the good events.
 */
class BadRecordsIT {

    private static final Instant T0 = TestTimes.recentHour();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    @TempDir
    Path stateDir;

    @ParameterizedTest
    @ValueSource(strings = {"plain", "streams"})
    void badRecordsAreSkippedCountedAndDeadLetteredAndTheTotalsAreThoseOfTheGoodEvents(String engine) throws Exception {
        String events = TestNames.unique("events");
        String totals = TestNames.unique("user-totals");
        String deadLetters = TestNames.unique("user-events-dlt");
        Topics.createIfMissing(FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TOPIC_PARTITIONS", "1")), List.of(events));

        UserEvent markup = new UserEvent("user-1", UserEvent.PAGE_VIEW, T0, Map.of());
        List<BadRecords.BadRecord> corpus = BadRecords.corpus(Json.mapper().writeValueAsString(markup),
                number -> "{\"user_id\":\"user-1\",\"event_type\":\"purchase\",\"timestamp\":\"" + T0 + "\","
                        + "\"attributes\":{\"amount\":\"" + number + "\"}}");
        List<UserEvent> good = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            good.add(new UserEvent("user-" + (i % 3), i % 4 == 0 ? UserEvent.PURCHASE : UserEvent.CLICK,
                    T0.plusSeconds(i), i % 4 == 0 ? Map.of("amount", i + ".50") : Map.of()));
        }
        Map<Long, BadRecords.BadRecord> badAt = new LinkedHashMap<>();
        List<UserEvent> counted = new ArrayList<>(good);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < good.size(); i++) {
                producer.send(record(events, good.get(i))).get();
                if (i == 9) { // the corpus in the middle, so good events come before and after it
                    for (BadRecords.BadRecord bad : corpus) {
                        long offset = producer.send(new ProducerRecord<>(events, 0, T0.plusSeconds(i).toEpochMilli(),
                                "user-1", bad.value(), bad.headers())).get().offset();
                        if (bad.expectProcessed()) {
                            counted.add(markup);
                        } else {
                            badAt.put(offset, bad);
                        }
                    }
                }
            }
        }

        String group = TestNames.unique("bad-records-" + engine);
        TestProcesses program = TestProcesses.java(List.of("-Dfranz.root=" + stateDir), StreamProcessing.class,
                // Every record is on the topic before it starts: it stops 6 s after its last one (3 s was once
                // too short for the plain engine's next fetch on a machine loaded twenty times over).
                "stateful", "--engine", engine, "--idle-timeout", "6",
                engine.equals("plain") ? "--group" : "--application-id", group, "--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "TOPIC_USER_EVENTS=" + events, "--set", "TOPIC_USER_TOTALS=" + totals,
                "--set", "TOPIC_EVENT_TYPE_COUNTS=" + TestNames.unique("type-counts"),
                "--set", "TOPIC_ENRICHED_EVENTS=" + TestNames.unique("enriched"),
                "--set", "TOPIC_WINDOWED_COUNTS=" + TestNames.unique("windowed"),
                "--set", "TOPIC_USER_EVENTS_DLT=" + deadLetters);
        String printed;
        try {
            // A healthy run ends in about 15 s. The Streams engine's idle time starts at its first record:
            // a run that reads nothing (its records deleted by retention before it read them, say) never
            // ends by itself, so a run that does not end shows its Streams threads.
            boolean ended = program.process().waitFor(60, TimeUnit.SECONDS);
            assertThat(ended).as("ended by itself; it printed:%n%s%n%s", String.join("\n", program.lines()),
                    ended ? "" : streamThreads(program.process())).isTrue();
            // Its last lines (the summary) may still be on their way from the child's output.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(String.join("\n", program.lines()))
                    .contains("processed "));
            printed = String.join("\n", program.lines());
            assertThat(program.process().exitValue()).as(printed).isZero();
        } finally {
            program.process().destroyForcibly();
        }

        // One line per bad record, naming it.
        for (long offset : badAt.keySet()) {
            assertThat(printed).as(badAt.get(offset).name()).contains("SKIPPED " + events + "-0 offset " + offset + ": ");
        }
        // One dead letter per bad record, saying where it came from and why.
        Map<Long, ConsumerRecord<byte[], byte[]>> letters = CommittedRecords.readAll(kafka.clientProperties(),
                        deadLetters, new ByteArrayDeserializer(), new ByteArrayDeserializer(), READ_TIMEOUT).stream()
                .collect(Collectors.toMap(letter -> Long.parseLong(DeadLetters.header(letter.headers(),
                        DeadLetters.SOURCE_OFFSET)), letter -> letter));
        assertThat(letters.keySet()).containsExactlyInAnyOrderElementsOf(badAt.keySet());
        for (ConsumerRecord<byte[], byte[]> letter : letters.values()) {
            assertThat(DeadLetters.header(letter.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(events);
            assertThat(DeadLetters.header(letter.headers(), DeadLetters.REASON)).isIn("malformed", "invalid");
            assertThat(letter.serializedValueSize() + letter.serializedKeySize()).isLessThan(1_048_576);
        }

        // The totals are those of the good events alone (and the good one with markup in its headers).
        Map<String, UserTotals> expected = new HashMap<>();
        for (UserEvent event : counted) {
            expected.put(event.userId(), expected.getOrDefault(event.userId(), UserTotals.empty(event.userId())).add(event));
        }
        Map<String, UserTotals> last = new HashMap<>();
        for (ConsumerRecord<String, UserTotals> record : CommittedRecords.readAll(kafka.clientProperties(), totals,
                new StringDeserializer(), new JsonDeserializer<>(UserTotals.class), READ_TIMEOUT)) {
            last.put(record.key(), record.value());
        }
        assertThat(last).isEqualTo(expected);

        // Nothing stalled: the group has committed the whole input.
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            TopicPartition partition = new TopicPartition(events, 0);
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            assertThat(committed.get(partition).offset()).isEqualTo(end);
        }
    }

    /**
     * Where the Streams threads of a run that does not end are: the evidence for a run that stalls. Seen
     * so far: the stream thread in poll(), its producer idle, no record processed and no REBALANCING.
     */
    private static String streamThreads(Process process) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        jcmd.waitFor(10, TimeUnit.SECONDS);
        StringBuilder shown = new StringBuilder("its Streams threads:\n");
        for (String thread : dump.split("\n\n")) {
            // The stream thread, its producer, and the state updater that restores the stores.
            if (thread.contains("StreamThread") || thread.contains("StateUpdater")
                    || thread.contains("kafka-producer-network-thread")) {
                thread.lines().limit(25).forEach(line -> shown.append(line).append('\n'));
            }
        }
        return shown.toString();
    }

    private static ProducerRecord<String, byte[]> record(String topic, UserEvent event) throws Exception {
        return new ProducerRecord<>(topic, 0, event.timestamp().toEpochMilli(), event.userId(),
                Json.mapper().writeValueAsBytes(event));
    }
}
