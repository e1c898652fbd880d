package dev.franz.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.cli.Cli;
import dev.franz.common.json.Json;
import dev.franz.diagnosis.Diagnosis;
import dev.franz.diagnosis.Evidence.Asked;
import dev.franz.diagnosis.Finding;
import dev.franz.diagnosis.Finding.Code;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/** Each situation set up on a real broker, then the doctor's finding: the code and the numbers it read. */
class DoctorIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    @Test
    void aGroupThatReadEverythingIsAtEndAndTheJsonFormSaysSo() throws Exception {
        String topic = topic(1, Map.of());
        String group = TestNames.unique("doctor-done");
        produce(topic, 3);
        commit(group, topic, 3);

        List<Finding> findings = diagnose(new Asked(group, null, null));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Doctor doctor = new Doctor();
        doctor.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int exitCode = Cli.run(doctor, new PrintWriter(new StringWriter()), "--bootstrap-servers",
                kafka.bootstrapServers(), "--group", group, "--json");

        assertThat(codes(findings)).containsExactly(Code.AT_END);
        assertThat(findings.get(0).evidence()).singleElement().asString().startsWith(topic + "-0: committed 3, end 3;");
        assertThat(exitCode).isZero();
        JsonNode json = Json.mapper().readTree(printed.toString(StandardCharsets.UTF_8));
        assertThat(json.get("findings").get(0).get("code").asText()).isEqualTo("AT_END");
    }

    @Test
    void aMemberThatJoinedAfterTheRecordsWithNothingCommittedStartedAtLatest() throws Exception {
        String topic = topic(1, Map.of());
        String group = TestNames.unique("doctor-late");
        produce(topic, 4);
        try (KafkaConsumer<String, String> consumer = consumer(group)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });

            List<Finding> findings = diagnose(new Asked(group, null, null));

            assertThat(codes(findings)).containsExactly(Code.STARTED_AT_LATEST);
            assertThat(findings.get(0).evidence()).singleElement().asString()
                    .startsWith(topic + "-0: records 0..3").contains("no committed offset");
        }
    }

    @Test
    void aMissingTopicNamesTheTopicWithACloseName() throws Exception {
        String topic = topic(1, Map.of());
        String typo = topic.replace("doctor-topic", "doctor_topic");

        List<Finding> findings = diagnose(new Asked(null, typo, null));

        assertThat(codes(findings)).containsExactly(Code.TOPIC_NOT_FOUND);
        assertThat(findings.get(0).found()).isEqualTo("topic " + typo + " does not exist (did you mean " + topic + "?)");
    }

    @Test
    void moreMembersThanPartitionsLeaveOneIdle() throws Exception {
        String topic = topic(1, Map.of());
        String group = TestNames.unique("doctor-crowd");
        produce(topic, 2);
        commit(group, topic, 0);
        try (KafkaConsumer<String, String> first = consumer(group); KafkaConsumer<String, String> second = consumer(group)) {
            first.subscribe(List.of(topic));
            second.subscribe(List.of(topic));
            List<List<Finding>> last = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                first.poll(Duration.ofMillis(100));
                second.poll(Duration.ofMillis(100));
                List<Finding> findings = diagnose(new Asked(group, null, null));
                last.add(findings);
                assertThat(codes(findings)).contains(Code.IDLE_MEMBERS);
            });

            Finding idle = last.get(last.size() - 1).stream().filter(f -> f.code() == Code.IDLE_MEMBERS).findFirst()
                    .orElseThrow();
            assertThat(idle.evidence().get(0)).isEqualTo("2 members, 1 partition(s) in " + topic);
        }
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffsetAndIsFoundByTopicAndByTransactionalId() throws Exception {
        String topic = topic(1, Map.of());
        String transactionalId = TestNames.unique("doctor-writer");
        produce(topic, 2);
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "open")).get();
            producer.send(new ProducerRecord<>(topic, "k", "open")).get();

            List<Finding> byTopic = diagnose(new Asked(null, topic, null));
            List<Finding> byId = diagnose(new Asked(null, null, transactionalId));
            producer.abortTransaction();

            assertThat(codes(byTopic)).containsExactly(Code.OPEN_TRANSACTION);
            assertThat(byTopic.get(0).evidence().get(0)).isEqualTo(topic + "-0: last stable offset 2 < end 4: 2"
                    + " offset(s) from 2 wait for a transaction's end");
            assertThat(byTopic.get(0).evidence().get(1)).contains("(transactional id " + transactionalId + ", Ongoing since")
                    .contains("its transaction began at offset 2");
            assertThat(codes(byId)).containsExactly(Code.OPEN_TRANSACTION);
            assertThat(byId.get(0).evidence()).contains(topic + "-0: last stable offset 2, end 4");
        }
    }

    @Test
    void aLagOfOneCommitMarkerIsMarkerLagProvedByReadingIt() throws Exception {
        String topic = topic(1, Map.of());
        String group = TestNames.unique("doctor-markers");
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestNames.unique("doctor-committer"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "one"));
            producer.send(new ProducerRecord<>(topic, "k", "two"));
            producer.commitTransaction();
        }
        // Records at offsets 0 and 1, the commit marker at 2: a group that read both committed 2, the end is 3.
        commit(group, topic, 2);

        List<Finding> findings = diagnose(new Asked(group, null, null));

        assertThat(codes(findings)).containsExactly(Code.MARKER_LAG);
        assertThat(findings.get(0).evidence()).containsExactly(topic + "-0: committed 2, end 3: a read_committed"
                + " consumer placed at 2 got 0 records and its position moved to 3");
    }

    @Test
    void recordsRemovedBeforeTheGroupReadThemAreFound() throws Exception {
        String topic = topic(1, Map.of());
        String group = TestNames.unique("doctor-slow");
        produce(topic, 10);
        commit(group, topic, 2);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(6))).all().get();
        }

        List<Finding> findings = diagnose(new Asked(group, null, null));

        assertThat(codes(findings)).containsExactly(Code.RECORDS_REMOVED);
        assertThat(findings.get(0).evidence().get(0)).isEqualTo(topic + "-0: committed 2, log start 6: 4 offset(s)"
                + " removed before the group read them");
    }

    @Test
    void minInsyncReplicasAboveTheReplicationFactorIsNotUnderMinIsr() throws Exception {
        // Kafka 4 asks for at most as many in-sync copies as the partition has: with one replica and
        // min.insync.replicas=2, an acks=all send is acknowledged. Not a finding, then.
        String topic = topic(1, Map.of("min.insync.replicas", "2"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new StringSerializer())) {
            assertThat(producer.send(new ProducerRecord<>(topic, "k", "v")).get().offset()).isZero(); // acks=all, the default
        }

        List<Finding> findings = diagnose(new Asked(null, topic, null));

        assertThat(codes(findings)).containsExactly(Code.HEALTHY);
    }

    @Test
    void aGroupWithAMemberAndRecordsToReadIsHealthyInOneLine() throws Exception {
        String topic = topic(1, Map.of());
        String group = TestNames.unique("doctor-fine");
        produce(topic, 5);
        commit(group, topic, 2);
        try (KafkaConsumer<String, String> consumer = consumer(group)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });

            List<Finding> findings = diagnose(new Asked(group, null, null));

            assertThat(codes(findings)).containsExactly(Code.HEALTHY);
            assertThat(Report.text(findings.get(0))).isEqualTo("HEALTHY  group " + group + ": Stable, 1 member(s) own"
                    + " 1 partition(s), lag 3: it has records to read and members to read them\n");
        }
    }

    // ---------------------------------------------------------------- setting up

    private static List<Finding> diagnose(Asked asked) throws InterruptedException {
        return Diagnosis.diagnose(new Doctor().look(kafka.clientProperties(), asked, Duration.ZERO));
    }

    private static String topic(int partitions, Map<String, String> configs) throws Exception {
        String topic = TestNames.unique("doctor-topic");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(configs)))
                    .all().get();
        }
        return topic;
    }

    private static void produce(String topic, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get();
            }
        }
    }

    private static void commit(String group, String topic, long offset) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(offset)))
                    .all().get();
        }
    }

    /** A consumer of the group with Kafka's defaults (auto.offset.reset=latest) and no automatic commits. */
    private static KafkaConsumer<String, String> consumer(String group) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private static List<Code> codes(List<Finding> findings) {
        return findings.stream().map(Finding::code).toList();
    }
}
