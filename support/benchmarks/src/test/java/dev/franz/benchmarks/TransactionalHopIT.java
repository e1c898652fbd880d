package dev.franz.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.json.Json;
import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.embedded.TemporaryDirectory;

/**
 * The backlog reference does what payment-service does with a backlog, in Kafka terms: only committed
 * input is read, one output record per input record is committed with the input offsets, and it stops
 * at the count it was given, with a summary the harness reads.
 */
class TransactionalHopIT {

    private static final int RECORDS = 1_000;

    @TempDir
    Path dir;

    @Test
    void drainCopiesEachCommittedRecordOnceCommitsTheOffsetsAndStopsAtItsCount() throws Exception {
        try (TemporaryDirectory data = TemporaryDirectory.create("franz-hop-it-kafka");
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(data.path(), Map.of())) {
            Properties props = new Properties();
            props.put("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                admin.createTopics(List.of(new NewTopic("hop-in", 3, (short) 1), new NewTopic("hop-out", 3, (short) 1)))
                        .all().get();
            }
            produceInput(props);
            Path summary = dir.resolve("summary.json");

            assertTimeoutPreemptively(Duration.ofMinutes(1), () -> TransactionalHop.main(new String[] {
                    broker.bootstrapServers(), "hop-group", "hop-tx", "hop-out", "hop-in",
                    "consumer.group.instance.id=hop-tx", "consumer.max.poll.records=100", "--drain",
                    String.valueOf(RECORDS), summary.toString()}));

            JsonNode json = Json.mapper().readTree(Files.readString(summary));
            assertThat(json.get("count").asLong()).isEqualTo(RECORDS);
            assertThat(json.get("seconds").asDouble()).isPositive();
            List<ConsumerRecord<String, String>> input = readCommitted(props, "hop-in");
            List<ConsumerRecord<String, String>> output = readCommitted(props, "hop-out");
            assertThat(input).hasSize(RECORDS);
            assertThat(output).extracting(record -> record.key() + "=" + record.value())
                    .containsExactlyInAnyOrderElementsOf(input.stream()
                            .map(record -> record.key() + "=" + record.value()).toList());
            assertThat(output).allSatisfy(record -> assertThat(new String(record.headers().lastHeader("input").value(),
                    StandardCharsets.UTF_8)).isEqualTo("hop-in"));
            Map<TopicPartition, Long> next = new HashMap<>();
            input.forEach(record -> next.merge(new TopicPartition("hop-in", record.partition()), record.offset() + 1,
                    Math::max));
            // Past each partition's last record: just after it, or past the commit marker that follows it.
            try (Admin admin = Admin.create(props)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("hop-group")
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(committed.keySet().stream()
                        .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()))).all().get();
                assertThat(committed).hasSize(3);
                committed.forEach((partition, offset) -> assertThat(offset.offset())
                        .isBetween(next.get(partition), ends.get(partition).offset()));
            }
        }
    }

    /** An aborted transaction's records first (never to be copied), then RECORDS committed ones. */
    private static void produceInput(Properties props) {
        Properties producerProps = new Properties();
        producerProps.putAll(props);
        producerProps.put("transactional.id", "hop-it-input");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>("hop-in", "aborted-" + i, "never"));
            }
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>("hop-in", "key-" + i, "value-" + i));
            }
            producer.commitTransaction();
        }
    }

    private static List<ConsumerRecord<String, String>> readCommitted(Properties props, String topic) {
        Properties consumerProps = new Properties();
        consumerProps.putAll(props);
        consumerProps.put("isolation.level", "read_committed");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
