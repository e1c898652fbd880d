package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.UserFacingException;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserEvent;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.Topics;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestTimes;

/** The plain engine's commits when something goes wrong: after a bug in processing, and after losing its partitions. */
class PlainEngineIT {

    private static final Instant T0 = TestTimes.recentHour();

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    /**
     * A processing error stops the run naming the record, and nothing of its poll is committed: not
     * the record, not the ones after it (before the fix, closing the consumer committed them all).
     */
    @Test
    void aBugInProcessingStopsAtTheRecordAndCommitsNothingPastIt() throws Exception {
        String topic = topic();
        produce(topic, 10);
        String group = TestNames.unique("plain-stop");
        PlainProcessor failsOnTheFifth = new CountingProcessor(event -> {
            if (event.attributes().get("n").equals("4")) {
                throw new IllegalStateException("planted bug");
            }
        });
        assertThatThrownBy(() -> run(group, topic, failsOnTheFifth, Duration.ofSeconds(3)))
                .isInstanceOf(UserFacingException.class)
                .hasMessageContaining("Stopped at " + topic + "-0 offset 4: java.lang.IllegalStateException: planted bug");
        // All ten came in one poll: nothing of it is committed, so a restart reads the fifth again.
        assertThat(committed(group, topic)).isLessThanOrEqualTo(4);
    }

    /**
     * A member that polls too late is put out of the group: the consumer calls onPartitionsLost, which
     * must not commit (the partitions may be another member's already). The run goes on, rejoins and
     * processes every record. Before the fix the default onPartitionsLost called onPartitionsRevoked,
     * whose commit failed and ended the run.
     */
    @Test
    void losingThePartitionsCommitsNothingAndTheRunGoesOn() throws Exception {
        String topic = topic();
        produce(topic, 5);
        String group = TestNames.unique("plain-lost");
        List<String> seen = new ArrayList<>();
        CountingProcessor slowOnce = new CountingProcessor(event -> {
            seen.add(event.attributes().get("n"));
            if (seen.size() == 1) {
                // A slow record: processing it takes until the group has put this member out (its
                // max.poll.interval.ms passed without a poll).
                await().atMost(Duration.ofSeconds(60)).until(() -> members(group) == 0);
            }
        });
        long processed = run(group, topic, slowOnce, Duration.ofSeconds(4));

        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Partitions lost:     [" + topic + "-0]");
        // At least once: the batch of the slow record is read again after rejoining, and all five are done.
        assertThat(seen).containsAll(List.of("0", "1", "2", "3", "4"));
        assertThat(processed).isGreaterThanOrEqualTo(5);
        assertThat(committed(group, topic)).isEqualTo(5);
    }

    private static final int POLL_INTERVAL_MS = 2_000;

    /** A processor that runs {@code onEvent} for each event and publishes nothing. */
    private record CountingProcessor(java.util.function.Consumer<UserEvent> onEvent) implements PlainProcessor {
        @Override
        public List<ProducerRecord<String, byte[]>> process(String userId, UserEvent event, long timestamp) {
            onEvent.accept(event);
            return List.of();
        }

        @Override
        public void report(PrintStream out) {
        }
    }

    private long run(String group, String topic, PlainProcessor processor, Duration idle) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, POLL_INTERVAL_MS);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
             Producer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
                     new ByteArraySerializer())) {
            PlainEngine engine = new PlainEngine(consumer, producer, processor, TestNames.unique("dlt"), 1_048_576, out,
                    Duration.ofSeconds(60), new ConnectionLines(out, kafka.bootstrapServers()));
            return engine.pollLoop(topic, idle);
        }
    }

    private static int members(String group) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
        }
    }

    private static String topic() {
        String topic = TestNames.unique("plain-events");
        Topics.createIfMissing(FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TOPIC_PARTITIONS", "1")), List.of(topic));
        return topic;
    }

    private static void produce(String topic, int count) throws Exception {
        try (KafkaProducer<String, UserEvent> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new JsonSerializer<>())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "user-1", new UserEvent("user-1", UserEvent.CLICK,
                        T0.plusSeconds(i), Map.of("n", Integer.toString(i))))).get();
            }
        }
    }

    private static long committed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            return offset == null ? 0 : offset.offset();
        }
    }
}
