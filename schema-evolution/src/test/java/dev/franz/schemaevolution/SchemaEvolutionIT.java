package dev.franz.schemaevolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.common.cli.Cli;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestConsumers;
import dev.franz.testing.BadRecords;
import dev.franz.testing.TestNames;

/** The Level 4 lesson on a real broker and a real schema registry (Apicurio, started once for the module). */
class SchemaEvolutionIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    @RegisterExtension
    static final SchemaRegistryExtension registry = new SchemaRegistryExtension();

    @TempDir
    Path dir;

    private final String topic = TestNames.unique("orders_avro");
    private final String subject = topic + "-value";

    @Test
    void ordersGoThroughTheRegistryAndComeBackAsTheyWereSent() throws IOException {
        JsonNode produced = run("produce", "--schema", "v1", "-n", "20", "--print-every", "0");
        JsonNode consumed = run("consume", "--schema", "v1", "--max-messages", "20", "--print-every", "0",
                "--group", TestNames.unique("readers"));

        assertThat(produced.path("count").asLong()).isEqualTo(20);
        assertThat(consumed.path("count").asLong()).isEqualTo(20);
        assertThat(consumed.path("counts").path("dead letters").asLong()).isZero();
        // The point of a schema: the values on the topic are much smaller than the same orders as JSON.
        assertThat(produced.path("counts").path("value bytes per order in Avro").asDouble())
                .isLessThan(produced.path("counts").path("value bytes per order as JSON").asDouble() / 2);
        assertThat(client().versions(subject)).containsExactly(1);
    }

    @Test
    void theBytesOnTheTopicAreConfluentsWireFormatWithTheRegisteredId() {
        run("produce", "--schema", "v2", "-n", "3", "--print-every", "0");
        int id = client().register(subject, OrderSchemas.Version.V2.schema()); // already there: the same id

        List<ConsumerRecord<String, byte[]>> records = TestConsumers.readFromStart(kafka.clientProperties(), topic,
                new StringDeserializer(), new ByteArrayDeserializer(), 3);

        assertThat(records).hasSize(3).allSatisfy(record -> {
            assertThat(record.value()[0]).as("magic byte").isZero();
            assertThat(ConfluentAvroDeserializer.schemaId(record.value())).isEqualTo(id);
        });
    }

    @Test
    void aV2ReaderFillsInTheDefaultForV1RecordsAndAV1ReaderIgnoresTheNewField() {
        run("produce", "--schema", "v1", "-n", "3", "--print-every", "0");
        run("produce", "--schema", "v2", "-n", "3", "--print-every", "0");

        List<GenericRecord> asV2 = read(OrderSchemas.Version.V2);
        List<GenericRecord> asV1 = read(OrderSchemas.Version.V1);

        assertThat(asV2).hasSize(6).allSatisfy(order -> assertThat(order.getSchema().getField("channel")).isNotNull());
        // v1 records have no channel: the v2 reader gets the schema's default, "web".
        assertThat(asV2.stream().filter(order -> v1Ids().contains(order.get("order_id").toString())))
                .hasSize(3).allSatisfy(order -> assertThat(order.get("channel").toString()).isEqualTo("web"));
        // the v2 producer writes web, app, store in turn: the second one is "app", which is no default.
        assertThat(asV2.stream().map(order -> order.get("channel").toString())).contains("app", "store");
        assertThat(asV1).hasSize(6).allSatisfy(order -> assertThat(order.getSchema().getField("channel")).isNull());
        assertThat(asV1.stream().map(order -> order.get("order_id").toString()))
                .containsExactlyInAnyOrderElementsOf(asV2.stream().map(order -> order.get("order_id").toString()).toList());
    }

    @Test
    void eachCompatibilityLevelAllowsWhatItShouldAndARefusalIsOneLineFromTheRegistry() {
        run("produce", "--schema", "v2", "-n", "1", "--print-every", "0");
        SchemaRegistryClient client = client();
        var requiredField = OrderSchemas.load("v3-required-field");
        var changedType = OrderSchemas.load("v3-changed-type");

        client.setCompatibility(subject, "BACKWARD");
        assertThat(client.incompatibility(subject, requiredField)).as("BACKWARD, a new field without default").isPresent();
        assertThat(client.incompatibility(subject, changedType)).as("BACKWARD, int to string").isPresent();
        client.setCompatibility(subject, "FORWARD");
        assertThat(client.incompatibility(subject, requiredField)).as("FORWARD, a new field without default").isEmpty();
        assertThat(client.incompatibility(subject, changedType)).as("FORWARD, int to string").isPresent();
        client.setCompatibility(subject, "FULL");
        assertThat(client.incompatibility(subject, requiredField)).as("FULL, a new field without default").isPresent();

        StringWriter err = new StringWriter();
        int refused = Cli.run(new SchemaEvolutionLesson(), new PrintWriter(err), args("register", "v3-required-field"));
        assertThat(refused).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(1).first().asString()
                .contains("HTTP 409").contains("loyalty_points").doesNotContain("Exception:\n");
        assertThat(client.versions(subject)).as("nothing registered").containsExactly(1);
        assertThat(Cli.run(new SchemaEvolutionLesson(), args("check", "v3-required-field"))).isEqualTo(1);
        assertThat(Cli.run(new SchemaEvolutionLesson(), args("check", "v2"))).isZero();
    }

    @Test
    void anUnknownSchemaIdAndBytesNotInTheWireFormatGoToTheDeadLetterTopicAndTheConsumerGoesOn() throws Exception {
        String group = TestNames.unique("readers");
        run("produce", "--schema", "v1", "-n", "2", "--print-every", "0");
        assertThat(Cli.run(new SchemaEvolutionLesson(), args("bad-records"))).isZero();
        run("produce", "--schema", "v1", "-n", "2", "--print-every", "0");

        JsonNode consumed = run("consume", "--max-messages", "6", "--print-every", "0", "--group", group);

        assertThat(consumed.path("count").asLong()).as("orders read").isEqualTo(4);
        assertThat(consumed.path("counts").path("dead letters").asLong()).isEqualTo(2);
        List<ConsumerRecord<String, byte[]>> deadLetters = TestConsumers.readFromStart(kafka.clientProperties(),
                topic + ".DLT", new StringDeserializer(), new ByteArrayDeserializer(), 2);
        assertThat(deadLetters).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("ord-unknown-id", "ord-json");
        assertThat(deadLetters).extracting(record -> DeadLetters.header(record.headers(), DeadLetters.ERROR_MESSAGE))
                .anySatisfy(message -> assertThat(message).contains("Schema id 999999 is unknown"))
                .anySatisfy(message -> assertThat(message).contains("Not in the wire format"));
        // The bytes are kept as they were, to be inspected or replayed.
        assertThat(deadLetters.stream().filter(record -> record.key().equals("ord-json")).findFirst().orElseThrow().value())
                .asString().startsWith("{\"order_id\"");
        // Nothing is read twice: the group committed past every record, dead letters included.
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(6);
        }
    }

    /**
     * The course's corpus of bad records between good orders: every one that is not in the wire format
     * (not JSON, JSON, not UTF-8, a value of 1 MB) is dead-lettered, cut to fit if it must be; a
     * tombstone is read as a null order; the good orders are all read and the group commits past all.
     */
    @Test
    void theCorpusOfBadRecordsIsDeadLetteredAndTheGoodOrdersAreAllRead() throws Exception {
        String group = TestNames.unique("corpus-readers");
        run("produce", "--schema", "v1", "-n", "2", "--print-every", "0");
        List<BadRecords.BadRecord> corpus = BadRecords.generic();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            for (BadRecords.BadRecord bad : corpus) {
                producer.send(new ProducerRecord<>(topic, null, "bad-" + corpus.indexOf(bad), bad.value(),
                        bad.headers())).get();
            }
        }
        run("produce", "--schema", "v1", "-n", "2", "--print-every", "0");
        int total = 4 + corpus.size();

        JsonNode consumed = run("consume", "--max-messages", Integer.toString(total), "--print-every", "0",
                "--group", group);

        long tombstones = corpus.stream().filter(bad -> bad.value() == null).count();
        assertThat(consumed.path("counts").path("dead letters").asLong()).isEqualTo(corpus.size() - tombstones);
        assertThat(consumed.path("count").asLong()).as("orders read, the tombstone as null").isEqualTo(4 + tombstones);
        List<ConsumerRecord<String, byte[]>> deadLetters = TestConsumers.readFromStart(kafka.clientProperties(),
                topic + ".DLT", new StringDeserializer(), new ByteArrayDeserializer(), (int) (corpus.size() - tombstones));
        assertThat(deadLetters).allSatisfy(letter -> assertThat(letter.serializedValueSize()).isLessThan(1_048_576));
        assertThat(deadLetters).anySatisfy(letter -> assertThat(DeadLetters.header(letter.headers(),
                DeadLetters.VALUE_TRUNCATED)).isEqualTo("true"));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(total);
        }
    }

    @Test
    void withNoRegistryEveryCommandSaysWhereItLookedAndHowToStartOneWithinFifteenSeconds() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        for (String command : List.of("produce", "consume", "wire", "compatibility")) {
            StringWriter err = new StringWriter();
            long startedAt = System.nanoTime();
            int exitCode = Cli.run(new SchemaEvolutionLesson(), new PrintWriter(err), "--bootstrap-servers",
                    kafka.bootstrapServers(), "--set", "TOPIC_ORDERS_AVRO=" + topic, "--set",
                    "SCHEMA_REGISTRY_URL=http://localhost:" + closedPort + "/apis/ccompat/v7", command);
            double seconds = (System.nanoTime() - startedAt) / 1e9;

            assertThat(exitCode).as(command).isEqualTo(1);
            assertThat(seconds).as(command + " seconds").isLessThan(15);
            assertThat(err.toString()).as(command).contains("No schema registry at http://localhost:" + closedPort)
                    .contains("exec:java -pl local-schema-registry").doesNotContain("\tat ");
        }
    }

    /** Runs a subcommand against the test broker and registry and returns its JSON summary. */
    private JsonNode run(String... command) {
        Path summary = dir.resolve(TestNames.unique("summary") + ".json");
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of("--summary-json", summary.toString()));
        int exitCode = Cli.run(new SchemaEvolutionLesson(), args(all.toArray(String[]::new)));
        assertThat(exitCode).as(String.join(" ", command)).isZero();
        try {
            return new ObjectMapper().readTree(Files.readString(summary));
        } catch (IOException e) {
            throw new AssertionError("no summary from " + String.join(" ", command), e);
        }
    }

    private String[] args(String... command) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "TOPIC_ORDERS_AVRO=" + topic, "--set", "SCHEMA_REGISTRY_URL=" + registry.url()));
        all.addAll(List.of(command));
        return all.toArray(String[]::new);
    }

    private SchemaRegistryClient client() {
        return new SchemaRegistryClient(registry.url(), Optional.empty());
    }

    private final List<String> v1Ids = new ArrayList<>();

    private List<String> v1Ids() {
        if (v1Ids.isEmpty()) {
            for (ConsumerRecord<String, byte[]> record : TestConsumers.readFromStart(kafka.clientProperties(), topic,
                    new StringDeserializer(), new ByteArrayDeserializer(), 6)) {
                if (ConfluentAvroDeserializer.schemaId(record.value()) == client().register(subject,
                        OrderSchemas.Version.V1.schema())) {
                    v1Ids.add(record.key());
                }
            }
        }
        return v1Ids;
    }

    private List<GenericRecord> read(OrderSchemas.Version reader) {
        return TestConsumers.readFromStart(kafka.clientProperties(), topic, new StringDeserializer(),
                new ConfluentAvroDeserializer(client(), reader.schema()), 6).stream().map(ConsumerRecord::value).toList();
    }
}
