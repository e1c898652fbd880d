package dev.franz.basicconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.ConnectionLines;

/** basic-consumer's poll loop on a MockConsumer: what it commits, skips and prints. */
class BasicConsumerLoopTest {

    private static final String TOPIC = "events";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final MockConsumer<String, JsonNode> consumer = new MockConsumer<>("earliest");
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    private static ConsumerRecord<String, JsonNode> record(TopicPartition partition, long offset) {
        return new ConsumerRecord<>(TOPIC, partition.partition(), offset, "user-" + offset,
                JsonNodeFactory.instance.objectNode().put("n", offset));
    }

    private ConsumeSummary run(boolean manualCommit, long maxMessages) {
        return new BasicConsumer(new BasicConsumerOptions.Settings(manualCommit, StartPosition.committed(), maxMessages,
                Duration.ZERO, 1), out, new ConnectionLines(out, "test")).consume(consumer, TOPIC);
    }

    private void assignBothPartitions() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        });
    }

    @Test
    void manualCommitCommitsTheOffsetAfterEachProcessedRecord() {
        assignBothPartitions();
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(P0, 0));
            consumer.addRecord(record(P0, 1));
            consumer.addRecord(record(P1, 0));
        });
        consumer.schedulePollTask(() -> consumer.addRecord(record(P1, 1)));

        ConsumeSummary summary = run(true, 4);

        assertThat(summary.records()).isEqualTo(4);
        // The committed offset is the next record to read, not the last one read.
        assertThat(consumer.committed(Set.of(P0, P1))).containsEntry(P0, new OffsetAndMetadata(2))
                .containsEntry(P1, new OffsetAndMetadata(2));
        assertThat(summary.committed()).containsEntry(P0, 2L).containsEntry(P1, 2L);
    }

    @Test
    void maxMessagesStopsMidBatchAndCommitsOnlyWhatWasProcessed() {
        assignBothPartitions();
        consumer.schedulePollTask(() -> {
            for (long offset = 0; offset < 5; offset++) {
                consumer.addRecord(record(P0, offset));
            }
        });

        ConsumeSummary summary = run(true, 3);

        assertThat(summary.records()).isEqualTo(3);
        assertThat(consumer.committed(Set.of(P0))).containsEntry(P0, new OffsetAndMetadata(3));
    }

    @Test
    void aPoisonRecordIsReportedAndSkipped() {
        assignBothPartitions();
        consumer.schedulePollTask(() -> consumer.addRecord(record(P1, 0)));
        consumer.schedulePollTask(() -> consumer.setPollException(new RecordDeserializationException(P1, 1,
                "Error deserializing value", new SerializationException("Not valid JSON on topic events: oops"))));
        consumer.schedulePollTask(() -> {
            consumer.setPollException(null);
            consumer.addRecord(record(P1, 2));
        });

        ConsumeSummary summary = run(true, 2);

        assertThat(summary.records()).isEqualTo(2);
        assertThat(summary.poisonRecords()).isEqualTo(1);
        assertThat(consumer.committed(Set.of(P1))).containsEntry(P1, new OffsetAndMetadata(3));
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("SKIPPED events-1 offset 1: Not valid JSON on topic events: oops");
    }

    @Test
    void automaticCommitModeLeavesCommitsToTheConsumer() {
        assignBothPartitions();
        consumer.schedulePollTask(() -> consumer.addRecord(record(P0, 0)));

        ConsumeSummary summary = run(false, 1);

        assertThat(summary.records()).isEqualTo(1);
        assertThat(summary.committed()).isEmpty();
        assertThat(consumer.committed(Set.of(P0))).isEmpty();
    }

    @Test
    void maxMessagesInAutomaticModeRewindsSoTheGroupSkipsNothing() {
        assignBothPartitions();
        consumer.schedulePollTask(() -> {
            for (long offset = 0; offset < 5; offset++) {
                consumer.addRecord(record(P0, offset));
            }
            consumer.addRecord(record(P1, 0));
        });

        ConsumeSummary summary = run(false, 3);

        // Automatic commits commit positions: they must point at the first record not processed.
        assertThat(summary.records()).isEqualTo(3);
        assertThat(consumer.position(P0) + consumer.position(P1)).isEqualTo(3);
    }

    @Test
    void wakeupEndsTheLoopAndCommits() {
        assignBothPartitions();
        consumer.schedulePollTask(() -> consumer.addRecord(record(P0, 0)));
        consumer.schedulePollTask(consumer::wakeup);

        ConsumeSummary summary = run(true, 0);

        assertThat(summary.records()).isEqualTo(1);
        assertThat(consumer.committed(Set.of(P0))).containsEntry(P0, new OffsetAndMetadata(1));
    }

    @Test
    void twoConsumersBuiltTheSameWayHaveDifferentClientIds() {
        FranzConfig config = FranzConfig.defaultsWith(Map.of());
        BasicConsumerOptions.Settings settings = new BasicConsumerOptions.Settings(false, StartPosition.committed(), 0,
                Duration.ZERO, 1);

        Object first = BasicConsumer.consumerProperties(config, "basic-consumer", BasicConsumerOptions.OffsetReset.EARLIEST,
                settings, BasicConsumerOptions.GroupProtocol.CONSUMER).get(ConsumerConfig.CLIENT_ID_CONFIG);
        Object second = BasicConsumer.consumerProperties(config, "basic-consumer", BasicConsumerOptions.OffsetReset.EARLIEST,
                settings, BasicConsumerOptions.GroupProtocol.CONSUMER).get(ConsumerConfig.CLIENT_ID_CONFIG);

        // Two members of one group must be told apart in the group tools and the live view.
        assertThat(first).asString().startsWith("basic-consumer-" + ProcessHandle.current().pid() + "-");
        assertThat(second).asString().startsWith("basic-consumer-");
        assertThat(first).isNotEqualTo(second);
    }
}
