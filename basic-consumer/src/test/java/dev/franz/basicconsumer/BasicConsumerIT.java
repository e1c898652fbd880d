package dev.franz.basicconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.cli.Cli;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.Topics;
import dev.franz.testing.BadRecords;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/** basic-consumer's loop with real KafkaConsumers, against a real broker. */
class BasicConsumerIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private static final Duration GROUP_SETTLES = Duration.ofSeconds(45);
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void twoConsumersInOneGroupSplitThePartitionsAndOneTakesThemBackWhenTheOtherStops() throws Exception {
        String topic = createTopic("split", 3);
        String group = TestNames.unique("split-group");

        RunningConsumer first = RunningConsumer.start(group, topic, settings(true, 0));
        await().atMost(GROUP_SETTLES).until(() -> first.loop.ownedPartitions().size() == 3);

        RunningConsumer second = RunningConsumer.start(group, topic, settings(true, 0));
        await().atMost(GROUP_SETTLES).until(() -> !second.loop.ownedPartitions().isEmpty()
                && first.loop.ownedPartitions().size() + second.loop.ownedPartitions().size() == 3);
        Set<TopicPartition> firstOwns = first.loop.ownedPartitions();
        Set<TopicPartition> secondOwns = second.loop.ownedPartitions();
        assertThat(firstOwns).isNotEmpty().doesNotContainAnyElementsOf(secondOwns);

        produceJson(topic, 3, 10);
        await().atMost(GROUP_SETTLES).until(() -> committedOffsets(group).values().stream()
                .mapToLong(OffsetAndMetadata::offset).sum() == 30);

        ConsumeSummary secondSummary = second.stop();
        await().atMost(GROUP_SETTLES).until(() -> first.loop.ownedPartitions().size() == 3);
        ConsumeSummary firstSummary = first.stop();

        // Each member read exactly the partitions it owned; together, every record once.
        assertThat(firstSummary.recordsByPartition().keySet()).isEqualTo(partitionNumbers(firstOwns));
        assertThat(secondSummary.recordsByPartition().keySet()).isEqualTo(partitionNumbers(secondOwns));
        assertThat(firstSummary.records() + secondSummary.records()).isEqualTo(30);
    }

    @Test
    void aManualCommitConsumerRestartedResumesAfterItsLastCommit() throws Exception {
        String topic = createTopic("resume", 3);
        String group = TestNames.unique("resume-group");
        produceJson(topic, 3, 10);

        ConsumeSummary before = runToCompletion(group, topic, settings(true, 12));
        ConsumeSummary after = runToCompletion(group, topic, settings(true, 18));

        assertThat(before.records()).isEqualTo(12);
        assertThat(after.records()).isEqualTo(18);
        // Nothing lost, nothing repeated: per partition, the two runs add up to what is there.
        for (int partition = 0; partition < 3; partition++) {
            assertThat(before.recordsByPartition().getOrDefault(partition, 0L)
                    + after.recordsByPartition().getOrDefault(partition, 0L)).isEqualTo(10);
        }
        assertThat(committedOffsets(group).values()).extracting(OffsetAndMetadata::offset).containsOnly(10L);
    }

    @Test
    void replayFromTheBeginningRereadsWhatTheGroupAlreadyCommitted() throws Exception {
        String topic = createTopic("replay", 1);
        String group = TestNames.unique("replay-group");
        produceJson(topic, 1, 5);
        assertThat(runToCompletion(group, topic, settings(true, 5)).records()).isEqualTo(5);

        // In automatic-commit mode (the default), whose close() would commit the replay's position, 3.
        BasicConsumerOptions.Settings replay = new BasicConsumerOptions.Settings(false, new StartPosition.Beginning(), 3, Duration.ZERO, 1);
        assertThat(runToCompletion(group, topic, replay).records()).isEqualTo(3);
        // A replay commits nothing: the group's offsets are where its last normal run left them.
        assertThat(committedOffsets(group)).containsEntry(new TopicPartition(topic, 0), new OffsetAndMetadata(5));
    }

    @Test
    void aReplayFromAnOffsetPastTheEndSaysSoAndReadsOnlyNewRecords() throws Exception {
        String topic = createTopic("replay-past", 1);
        String group = TestNames.unique("replay-past-group");
        produceJson(topic, 1, 5);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        BasicConsumerOptions.Settings replay = new BasicConsumerOptions.Settings(false, new StartPosition.Offset(100), 2, Duration.ZERO, 1);
        RunningConsumer running = RunningConsumer.start(group, topic, replay, out);
        await().atMost(GROUP_SETTLES).until(() -> printed.toString(StandardCharsets.UTF_8).contains("starts at 5"));
        produceJson(topic, 1, 2); // offsets 5 and 6

        ConsumeSummary summary = running.result.get(60, TimeUnit.SECONDS);

        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("partition 0 has offsets 0 to 4: --from-offset 100"
                + " is past its end, so it starts at 5, the next record written");
        assertThat(summary.records()).isEqualTo(2); // not the 5 from offset 0, as a silent reset would have read
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("offset 5 ").contains("offset 6 ")
                .doesNotContain("offset 0 ");
    }

    @Test
    void aReplayReadsEveryPartitionEvenWhileAnotherMemberOfTheGroupOwnsThemAll() throws Exception {
        String topic = createTopic("replay-all", 3);
        String group = TestNames.unique("replay-all-group");
        produceJson(topic, 3, 4);
        RunningConsumer member = RunningConsumer.start(group, topic, settings(true, 0));
        await().atMost(GROUP_SETTLES).until(() -> member.loop.ownedPartitions().size() == 3);

        BasicConsumerOptions.Settings replay = new BasicConsumerOptions.Settings(false, new StartPosition.Beginning(), 12, Duration.ZERO, 1);
        ConsumeSummary replayed = runToCompletion(group, topic, replay);
        member.stop();

        assertThat(replayed.records()).isEqualTo(12);
        assertThat(replayed.recordsByPartition()).containsOnlyKeys(0, 1, 2);
    }

    @Test
    void aPoisonRecordIsSkippedAndTheRecordsAfterItAreRead() throws Exception {
        String topic = createTopic("poison", 1);
        String group = TestNames.unique("poison-group");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String value : List.of("{\"n\":0}", "{\"n\":1}", "this is {not json", "{\"n\":3}", "{\"n\":4}")) {
                producer.send(new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8))).get();
            }
        }

        ConsumeSummary summary = runToCompletion(group, topic, settings(true, 4));

        assertThat(summary.records()).isEqualTo(4);
        assertThat(summary.poisonRecords()).isEqualTo(1);
        assertThat(committedOffsets(group)).containsEntry(new TopicPartition(topic, 0), new OffsetAndMetadata(5));
    }

    @Test
    void theProgramReadsAndStopsAfterMaxMessages() throws Exception {
        String topic = createTopic("program", 3);
        String group = TestNames.unique("program-group");
        produceJson(topic, 3, 2);

        int exitCode = Cli.run(new BasicConsumer(), topic, group, "--bootstrap-servers", kafka.bootstrapServers(),
                "--max-messages", "6", "--manual-commit");

        assertThat(exitCode).isZero();
        assertThat(committedOffsets(group).values()).extracting(OffsetAndMetadata::offset).containsOnly(2L);
    }

    /**
     * The corpus of bad records between good ones: basic-consumer prints any JSON (a JSON null, [] and
     * a tombstone included), and skips with one line each record that is not JSON (not UTF-8, a number
     * too long for Jackson to read); every record is committed once, and the good ones are all printed.
     */
    @Test
    void recordsThatAreNotJsonAreSkippedInOneLineAndEveryOtherIsPrintedAndCommitted() throws Exception {
        String topic = createTopic("corpus", 1);
        String group = TestNames.unique("corpus-group");
        List<BadRecords.BadRecord> corpus = BadRecords.corpus("{\"good\":\"markup\"}",
                number -> "{\"amount\":" + number + "}");
        List<Long> notJson = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                new org.apache.kafka.common.serialization.StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "key-1", "{\"good\":1}".getBytes(StandardCharsets.UTF_8))).get();
            for (BadRecords.BadRecord bad : corpus) {
                long offset = producer.send(new ProducerRecord<>(topic, 0, null, "key-1", bad.value(), bad.headers()))
                        .get().offset();
                if (!isJson(bad.value())) {
                    notJson.add(offset);
                }
            }
            producer.send(new ProducerRecord<>(topic, "key-1", "{\"good\":2}".getBytes(StandardCharsets.UTF_8))).get();
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        BasicConsumerOptions.Settings everyRecord = new BasicConsumerOptions.Settings(true, StartPosition.committed(), 0,
                Duration.ofSeconds(3), 1);
        RunningConsumer running = RunningConsumer.start(group, topic, everyRecord,
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        ConsumeSummary summary = running.result().get(90, TimeUnit.SECONDS);
        String lines = printed.toString(StandardCharsets.UTF_8);

        assertThat(notJson).hasSize(4); // not JSON, not UTF-8, {"amount":abc}, a number of 10,000 digits
        for (long offset : notJson) {
            assertThat(lines).contains("SKIPPED " + topic + "-0 offset " + offset + ": ");
        }
        assertThat(summary.poisonRecords()).isEqualTo(notJson.size());
        assertThat(summary.records()).isEqualTo(corpus.size() + 2 - notJson.size());
        assertThat(lines).contains("{\"good\":1}").contains("{\"good\":2}");
        // A value of 1 MB is printed as its size, not as a megabyte of text in the terminal.
        assertThat(lines.lines().mapToInt(String::length).max().orElse(0)).isLessThan(1_000);
        assertThat(committedOffsets(group).get(new TopicPartition(topic, 0)).offset()).isEqualTo(corpus.size() + 2);
    }

    private static boolean isJson(byte[] value) {
        try {
            new JsonDeserializer<>(JsonNode.class).deserialize("t", value);
            return true;
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            return false;
        }
    }

    private static BasicConsumerOptions.Settings settings(boolean manualCommit, long maxMessages) {
        return new BasicConsumerOptions.Settings(manualCommit, StartPosition.committed(), maxMessages, Duration.ZERO, 1);
    }

    private static ConsumeSummary runToCompletion(String group, String topic, BasicConsumerOptions.Settings settings)
            throws Exception {
        RunningConsumer running = RunningConsumer.start(group, topic, settings);
        return running.result.get(60, TimeUnit.SECONDS);
    }

    /** A consumer running its loop on its own thread, as a separate instance of the program would. */
    private record RunningConsumer(KafkaConsumer<String, JsonNode> consumer, BasicConsumer loop,
                                   CompletableFuture<ConsumeSummary> result) {

        static RunningConsumer start(String group, String topic, BasicConsumerOptions.Settings settings) {
            return start(group, topic, settings, QUIET);
        }

        static RunningConsumer start(String group, String topic, BasicConsumerOptions.Settings settings, PrintStream out) {
            FranzConfig config = FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()));
            KafkaConsumer<String, JsonNode> consumer = new KafkaConsumer<>(
                    BasicConsumer.consumerProperties(config, group, BasicConsumerOptions.OffsetReset.EARLIEST,
                            settings, BasicConsumerOptions.GroupProtocol.CONSUMER),
                    new StringDeserializer(), new JsonDeserializer<>(JsonNode.class));
            BasicConsumer loop = new BasicConsumer(settings, out, new ConnectionLines(QUIET, "test"));
            CompletableFuture<ConsumeSummary> result = CompletableFuture.supplyAsync(() -> {
                try (consumer) {
                    return loop.consume(consumer, topic);
                }
            });
            return new RunningConsumer(consumer, loop, result);
        }

        /** What Ctrl-C does: wake the consumer up; the loop commits and the consumer closes. */
        ConsumeSummary stop() throws Exception {
            consumer.wakeup();
            return result.get(60, TimeUnit.SECONDS);
        }
    }

    private static String createTopic(String prefix, int partitions) {
        String topic = TestNames.unique(prefix);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Topics.createIfMissing(admin, List.of(new NewTopic(topic, partitions, (short) 1)), Duration.ofSeconds(30));
        }
        return topic;
    }

    /** {@code perPartition} JSON records into each partition. */
    private static void produceJson(String topic, int partitions, int perPartition) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int partition = 0; partition < partitions; partition++) {
                for (int n = 0; n < perPartition; n++) {
                    byte[] value = ("{\"partition\":" + partition + ",\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
                    producer.send(new ProducerRecord<>(topic, partition, null, value));
                }
            }
            producer.flush();
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        }
    }

    private static Set<Integer> partitionNumbers(Set<TopicPartition> partitions) {
        Set<Integer> numbers = new HashSet<>();
        partitions.forEach(partition -> numbers.add(partition.partition()));
        return numbers;
    }
}
