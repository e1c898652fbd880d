package dev.franz.schemaevolution;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderGenerator;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import dev.franz.schemaevolution.OrderSchemas.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/**
 * Level 4: orders in Avro, their schemas in a schema registry, and how a schema evolves.
 * {@code ./mvnw -q compile exec:java -pl schema-evolution -Dexec.args="produce --schema v1"}
 *
 * <p>Reading path: the Kafka calls are here (producer, consumer loop, dead letters, the bytes on the
 * topic). The registry's REST calls are in {@link SchemaRegistryClient}; the wire format is written by
 * {@link ConfluentAvroSerializer} and read by {@link ConfluentAvroDeserializer}; the schemas and the
 * Order-to-Avro conversion are in {@link OrderSchemas}.
 */
@Command(name = "schema-evolution", mixinStandardHelpOptions = true, version = "schema-evolution (Franz)",
        description = "Orders in Avro with a schema registry: produce, consume, look at the bytes, evolve the schema.",
        subcommands = {SchemaEvolutionLesson.Produce.class, SchemaEvolutionLesson.Consume.class,
                SchemaEvolutionLesson.Wire.class, SchemaEvolutionLesson.Compatibility.class,
                SchemaEvolutionLesson.Check.class, SchemaEvolutionLesson.Register.class,
                SchemaEvolutionLesson.BadRecords.class})
public final class SchemaEvolutionLesson {

    /** The registry's compatibility levels: what a new version of a subject's schema may change. */
    enum Level { BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE }

    @Mixin
    ConfigOptions configOptions;

    private final PrintStream out = System.out;
    private FranzConfig config;
    private SchemaRegistryClient registry;

    public static void main(String[] args) {
        System.exit(Cli.run(new SchemaEvolutionLesson(), args));
    }

    FranzConfig config() {
        if (config == null) {
            config = configOptions.load();
        }
        return config;
    }

    /** The registry client, once the registry has answered: fails in seconds, naming the URL, if not. */
    SchemaRegistryClient registry() {
        if (registry == null) {
            SchemaRegistryClient client = SchemaRegistryClient.of(config());
            client.checkReachable();
            registry = client;
        }
        return registry;
    }

    String topic() {
        return config().topic(ConfigKey.TOPIC_ORDERS_AVRO);
    }

    String subject() {
        return ConfluentAvroSerializer.subject(topic());
    }

    /** The producer's settings: the key as text, the value in Avro through the registry. */
    static Properties producerProperties(FranzConfig config) {
        Properties props = config.clientProperties();
        // acks=all and idempotence are the defaults since Kafka 3.0: nothing to set for safety.
        // linger.ms is Kafka 4's default, 5 ms (KIP-1030): nothing to set to batch small records.
        return props;
    }

    /** The consumer's settings: commits are ours, after each batch is printed or dead-lettered. */
    static Properties consumerProperties(FranzConfig config, String group) {
        Properties props = config.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Commit only what was handled: printed, or copied to the dead-letter topic.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    @Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Send made-up orders in Avro. The serializer registers the schema on first use.")
    static final class Produce implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Option(names = "--schema", paramLabel = "v1|v2", defaultValue = "v1",
                description = "Schema version to write with; v2 adds the field channel (default: ${DEFAULT-VALUE}).")
        Version version;

        @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "5", converter = Numbers.Positive.class,
                description = "How many orders (default: ${DEFAULT-VALUE}).")
        long count;

        @Mixin
        SharedOptions.PrintEvery printEvery;

        @Mixin
        SummaryOption summaryOption;

        @Override
        public Integer call() throws InterruptedException {
            FranzConfig config = lesson.config();
            SchemaRegistryClient registry = lesson.registry();
            BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
            String topic = lesson.topic();
            Topics.createIfMissing(config, List.of(topic), lesson.out);
            Schema schema = version.schema();
            PrintStream out = lesson.out;
            out.printf("Sending %d orders to %s in Avro, schema %s (%s), subject %s at %s%n", count, topic,
                    version.name().toLowerCase(), schema.getFullName(), lesson.subject(), registry.url());

            // The serializer registers the schema at the first send (or finds its id, cached). Asked here
            // once, so that the send callback below, on the producer's I/O thread, only counts and prints.
            int schemaId = registry.register(lesson.subject(), schema);

            OrderGenerator orders = new OrderGenerator(new Random(), Clock.systemUTC(), 20);
            AtomicLong avroBytes = new AtomicLong();
            AtomicLong jsonBytes = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            long startedAt = System.nanoTime();
            CountDownLatch finished = new CountDownLatch(1);
            AtomicBoolean stopRequested = new AtomicBoolean();
            try {
                // The serializer gets the registry client: Confluent's and Apicurio's serializers are given
                // schema.registry.url (and basic.auth.user.info) as properties instead, and build their own.
                try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(producerProperties(config),
                        new StringSerializer(), new ConfluentAvroSerializer(registry))) {
                    // Ctrl-C runs this hook on its own thread. A producer has no poll() to wake up: the hook
                    // asks the loop to stop, then waits (at most 8 s) until every order sent so far has its
                    // answer (flush), the producer is closed and the summary printed. It waits on a latch,
                    // not by join()ing the main thread: main ends in System.exit, which waits for this hook.
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        stopRequested.set(true);
                        GracefulShutdown.awaitFinished(finished, GracefulShutdown.PRODUCER_UNFINISHED);
                    }, "schema-evolution-produce-shutdown"));
                    for (long n = 1; n <= count && !stopRequested.get(); n++) {
                        Order order = orders.next();
                        GenericRecord value = OrderSchemas.toAvro(order, schema, n);
                        int json = jsonSize(order);
                        long number = n;
                        // Keyed by order id: all events of one order stay in order on one partition.
                        producer.send(new ProducerRecord<>(topic, order.orderId(), value), (metadata, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                                out.printf("NOT SENT %s: %s%n", order.orderId(), error.getMessage());
                                return;
                            }
                            sent.incrementAndGet();
                            avroBytes.addAndGet(metadata.serializedValueSize());
                            jsonBytes.addAndGet(json);
                            if (printEvery.printThis(number)) {
                                out.printf("%s %s -> %s partition %d offset %d: %d bytes (schema id %d),"
                                        + " as JSON %d bytes%n", version.name().toLowerCase(), order.orderId(),
                                        metadata.topic(), metadata.partition(), metadata.offset(),
                                        metadata.serializedValueSize(), schemaId, json);
                            }
                        });
                    }
                    producer.flush();
                }
                long acknowledged = sent.get();
                new RunSummary("schema-evolution produce", "sent", acknowledged, "orders",
                        Duration.ofNanos(System.nanoTime() - startedAt))
                        .detail("schema", version.name().toLowerCase() + ", id " + schemaId + " in subject "
                                + lesson.subject())
                        .count("value bytes per order in Avro", acknowledged == 0 ? 0.0
                                : round((double) avroBytes.get() / acknowledged))
                        .count("value bytes per order as JSON", acknowledged == 0 ? 0.0
                                : round((double) jsonBytes.get() / acknowledged))
                        .count("not sent", failed.get())
                        .report(out, summaryOption.file());
            } finally {
                finished.countDown();
            }
            return failed.get() == 0 ? 0 : 1;
        }
    }

    @Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Read the orders with a reader schema, whichever schema wrote them, until Ctrl-C."
                    + " Records that cannot be read go to the dead-letter topic <topic>.DLT.")
    static final class Consume implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Option(names = "--schema", paramLabel = "v1|v2", defaultValue = "v1",
                description = "Schema version to read with: v1 ignores channel, v2 fills it in for v1 records (default: ${DEFAULT-VALUE}).")
        Version version;

        @Option(names = "--group", paramLabel = "GROUP",
                description = "Consumer group id (default: orders-avro-reader-<schema>, so each version reads everything).")
        String group;

        @Mixin
        SharedOptions.MaxMessages maxMessages;

        @Mixin
        SharedOptions.IdleTimeout idleTimeout;

        @Mixin
        SharedOptions.PrintEvery printEvery;

        @Mixin
        SummaryOption summaryOption;

        private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
        private long read;
        private long deadLetters;

        @Override
        public Integer call() throws InterruptedException, ExecutionException {
            FranzConfig config = lesson.config();
            SchemaRegistryClient registry = lesson.registry();
            BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
            String topic = lesson.topic();
            String deadLetterTopic = topic + ".DLT";
            String groupId = group != null ? group : "orders-avro-reader-" + version.name().toLowerCase();
            PrintStream out = lesson.out;
            Topics.awaitExisting(config, List.of(topic), out);
            Topics.createIfMissing(config, List.of(deadLetterTopic), out);
            out.printf("Reading %s as group %s with reader schema %s (registry %s). Ctrl-C to stop.%n", topic, groupId,
                    version.name().toLowerCase(), registry.url());

            long startedAt = System.nanoTime();
            GracefulShutdown shutdown = new GracefulShutdown();
            try (shutdown;
                 KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(consumerProperties(config, groupId),
                         new StringDeserializer(), new ConfluentAvroDeserializer(registry, version.schema()));
                 KafkaProducer<String, byte[]> deadLetterProducer = new KafkaProducer<>(config.clientProperties(),
                         new StringSerializer(), new ByteArraySerializer())) {
                // Ctrl-C runs the shutdown hook: consumer.wakeup() makes the blocked poll() throw WakeupException,
                // the loop ends and try-with-resources closes the consumer; the hook waits for that (at most 8 s).
                shutdown.onExit(consumer::wakeup);
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        out.println(ConsoleLines.revoked(partitions));
                        commitHandled(consumer); // before another member takes them over
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        out.println(ConsoleLines.assigned(partitions));
                    }
                });
                long lastRecordAt = System.nanoTime();
                try {
                    while (!maxMessages.reachedBy(read + deadLetters)) {
                        ConsumerRecords<String, GenericRecord> records;
                        try {
                            records = consumer.poll(Duration.ofMillis(500));
                        } catch (RecordDeserializationException unreadable) {
                            if (unreadable.getCause() instanceof SchemaRegistryClient.RegistryUnavailableException down) {
                                // No record is to blame: stop, and read it again once the registry is back.
                                throw down;
                            }
                            deadLetter(consumer, deadLetterProducer, unreadable, deadLetterTopic, out);
                            lastRecordAt = System.nanoTime();
                            continue;
                        }
                        for (ConsumerRecord<String, GenericRecord> record : records) {
                            read++;
                            if (printEvery.printThis(read)) {
                                out.printf("partition %d offset %-4d %s%n", record.partition(), record.offset(), record.value());
                            }
                            handled.put(new TopicPartition(record.topic(), record.partition()),
                                    new OffsetAndMetadata(record.offset() + 1));
                            if (maxMessages.reachedBy(read + deadLetters)) {
                                break;
                            }
                        }
                        commitHandled(consumer);
                        if (!records.isEmpty() || consumer.assignment().isEmpty()) {
                            lastRecordAt = System.nanoTime();
                        } else if (idleTimeout.exceededBy(System.nanoTime() - lastRecordAt)) {
                            out.println(idleTimeout.stoppingLine("records"));
                            break;
                        }
                    }
                } catch (WakeupException shutdownRequested) {
                    // Ctrl-C: commit what was handled below, then close.
                } finally {
                    commitHandled(consumer);
                }
            }
            new RunSummary("schema-evolution consume", "read", read, "orders", Duration.ofNanos(System.nanoTime() - startedAt))
                    .detail("reader schema", version.name().toLowerCase() + ", group " + groupId)
                    .count("dead letters", deadLetters)
                    .detail("dead-letter topic", deadLetterTopic)
                    .report(out, summaryOption.file());
            return 0;
        }

        /**
         * A record that cannot be read: copy its bytes unchanged to the dead-letter topic, with why, wait
         * until that is written, then move past it. Nothing is lost and the partition goes on.
         */
        private void deadLetter(KafkaConsumer<String, GenericRecord> consumer, KafkaProducer<String, byte[]> producer,
                                RecordDeserializationException unreadable, String deadLetterTopic, PrintStream out)
                throws InterruptedException, ExecutionException {
            TopicPartition partition = unreadable.topicPartition();
            String reason = unreadable.getCause() != null ? unreadable.getCause().getMessage() : unreadable.getMessage();
            ConsumerRecord<String, byte[]> raw = new ConsumerRecord<>(partition.topic(), partition.partition(),
                    unreadable.offset(), text(unreadable.keyBuffer()), bytes(unreadable.valueBuffer()));
            unreadable.headers().forEach(header -> raw.headers().add(header));
            producer.send(DeadLetters.of(raw, deadLetterTopic, "malformed",
                    unreadable.getCause() instanceof Exception cause ? cause : unreadable, 0)).get();
            deadLetters++;
            out.println(ConsoleLines.skipped(partition.topic(), partition.partition(), unreadable.offset(),
                    reason + " -> " + deadLetterTopic));
            consumer.seek(partition, unreadable.offset() + 1);
            handled.put(partition, new OffsetAndMetadata(unreadable.offset() + 1));
        }

        private void commitHandled(KafkaConsumer<?, ?> consumer) {
            if (!handled.isEmpty()) {
                consumer.commitSync(handled);
                handled.clear();
            }
        }

        private static byte[] bytes(ByteBuffer buffer) {
            if (buffer == null) {
                return null;
            }
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }

        private static String text(ByteBuffer buffer) {
            byte[] bytes = bytes(buffer);
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @Command(name = "wire", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Show the bytes of the first records on the topic: magic byte, schema id, Avro binary.")
    static final class Wire implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "1", converter = Numbers.Positive.class,
                description = "How many records to show, the first ones polled from the start of the topic"
                        + " (default: ${DEFAULT-VALUE}).")
        long count;

        @Override
        public Integer call() throws InterruptedException {
            FranzConfig config = lesson.config();
            SchemaRegistryClient registry = lesson.registry();
            BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
            String topic = lesson.topic();
            Topics.awaitExisting(config, List.of(topic), lesson.out);
            Properties props = config.clientProperties();
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // no group: nothing to commit
            long shown = 0;
            // Raw bytes: this consumer does not deserialize, so we see what is on the topic.
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
                partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (shown < count && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (shown++ < count) {
                            show(record, registry);
                        }
                    }
                }
            }
            if (shown == 0) {
                lesson.out.println("No records on " + topic + " yet: send some with the produce command.");
            }
            return 0;
        }

        private void show(ConsumerRecord<byte[], byte[]> record, SchemaRegistryClient registry) {
            PrintStream out = lesson.out;
            byte[] value = record.value();
            out.printf("%s partition %d offset %d: key %s, value %d bytes%n", record.topic(), record.partition(),
                    record.offset(), record.key() == null ? "none" : new String(record.key(), StandardCharsets.UTF_8),
                    value == null ? 0 : value.length);
            int id;
            try {
                id = ConfluentAvroDeserializer.schemaId(value);
            } catch (RuntimeException e) {
                out.println("  " + e.getMessage());
                return;
            }
            out.printf("  %-27s magic byte 0: Confluent's wire format%n", hex(value, 0, 1));
            out.printf("  %-27s schema id %d, big-endian (the registry's GET /schemas/ids/%d)%n", hex(value, 1, 5), id, id);
            out.printf("  %-27s Avro binary, %d bytes: the field values in schema order, no field names%n",
                    hex(value, 5, Math.min(value.length, 13)) + (value.length > 13 ? " ..." : ""), value.length - 5);
            try {
                Schema writer = registry.schemaById(id);
                GenericRecord decoded = new ConfluentAvroDeserializer(registry, writer).deserialize(record.topic(), value);
                int json = jsonSize(OrderSchemas.toOrder(decoded));
                out.printf("  decoded with schema id %d (%s, %d fields): %s%n", id, writer.getFullName(),
                        writer.getFields().size(), decoded);
                out.printf("  the same order as JSON, as order-producer sends it: %d bytes (Avro: %d, %.0f%%)%n", json,
                        value.length, 100.0 * value.length / json);
            } catch (RuntimeException e) {
                out.println("  cannot decode: " + e.getMessage());
            }
        }

        private static String hex(byte[] bytes, int from, int to) {
            StringBuilder text = new StringBuilder();
            for (int i = from; i < to; i++) {
                text.append(i > from ? " " : "").append(String.format("%02x", bytes[i]));
            }
            return text.toString();
        }
    }

    @Command(name = "compatibility", mixinStandardHelpOptions = true,
            description = "Show the subject's compatibility level and versions, or set the level.")
    static final class Compatibility implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Parameters(index = "0", arity = "0..1", paramLabel = "LEVEL",
                description = "backward, forward, full (each also _transitive), or none.")
        Level level;

        @Override
        public Integer call() {
            SchemaRegistryClient registry = lesson.registry();
            String subject = lesson.subject();
            if (level != null) {
                registry.setCompatibility(subject, level.name());
                lesson.out.printf("Compatibility of %s set to %s.%n", subject, level.name());
            }
            lesson.out.printf("Subject %s: compatibility %s, versions %s%n", subject, registry.compatibility(subject),
                    registry.versions(subject));
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Ask the registry whether a schema may be registered next, without registering it."
                    + " Exit 0 if it may, 1 if not.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Parameters(paramLabel = "SCHEMA", converter = SchemaArgument.class,
                description = "v1, v2, v3-required-field, v3-changed-type (in src/main/resources/schemas), or an .avsc file.")
        Schema schema;

        @Override
        public Integer call() {
            SchemaRegistryClient registry = lesson.registry();
            String subject = lesson.subject();
            String level = registry.compatibility(subject);
            var refused = registry.incompatibility(subject, schema);
            if (refused.isEmpty()) {
                lesson.out.printf("Compatible: %s may be registered next in %s (compatibility %s).%n", schema.getFullName(),
                        subject, level);
                return 0;
            }
            lesson.out.printf("NOT compatible with %s (compatibility %s): %s%n", subject, level, refused.get());
            return 1;
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a schema in the subject, as a producer's serializer does on first use.")
    static final class Register implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Parameters(paramLabel = "SCHEMA", converter = SchemaArgument.class,
                description = "v1, v2, v3-required-field, v3-changed-type (in src/main/resources/schemas), or an .avsc file.")
        Schema schema;

        @Override
        public Integer call() {
            SchemaRegistryClient registry = lesson.registry();
            String subject = lesson.subject();
            int id = registry.register(subject, schema); // a refusal (HTTP 409) is printed as one line, exit 1
            lesson.out.printf("Registered in %s: schema id %d, versions now %s (compatibility %s).%n", subject, id,
                    registry.versions(subject), registry.compatibility(subject));
            return 0;
        }
    }

    @Command(name = "bad-records", mixinStandardHelpOptions = true,
            description = "Put two records a consumer cannot read on the topic: one with a schema id the registry"
                    + " does not know, one that is JSON, not the wire format.")
    static final class BadRecords implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        static final int UNKNOWN_SCHEMA_ID = 999_999;

        @Override
        public Integer call() throws InterruptedException, ExecutionException {
            FranzConfig config = lesson.config();
            BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
            String topic = lesson.topic();
            Topics.createIfMissing(config, List.of(topic), lesson.out);
            byte[] unknownId = ByteBuffer.allocate(9).put(ConfluentAvroSerializer.MAGIC_BYTE).putInt(UNKNOWN_SCHEMA_ID)
                    .put(new byte[] {2, 'x', 2, 'y'}).array();
            byte[] json = "{\"order_id\":\"ord-json\",\"amount\":10.00}".getBytes(StandardCharsets.UTF_8);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config.clientProperties(),
                    new StringSerializer(), new ByteArraySerializer())) {
                RecordMetadata first = producer.send(new ProducerRecord<>(topic, "ord-unknown-id", unknownId)).get();
                lesson.out.printf("Sent to %s partition %d offset %d: wire format with schema id %d, which the registry"
                        + " does not know%n", topic, first.partition(), first.offset(), UNKNOWN_SCHEMA_ID);
                RecordMetadata second = producer.send(new ProducerRecord<>(topic, "ord-json", json)).get();
                lesson.out.printf("Sent to %s partition %d offset %d: JSON, not the wire format (first byte '{')%n",
                        topic, second.partition(), second.offset());
            }
            return 0;
        }
    }

    /** SCHEMA arguments: a bundled schema's name or an .avsc file, refused in one line otherwise. */
    static final class SchemaArgument implements ITypeConverter<Schema> {
        @Override
        public Schema convert(String value) {
            try {
                return OrderSchemas.load(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /** The size of the order as JSON, as order-producer sends it. */
    static int jsonSize(Order order) {
        return JSON.serialize(null, order).length;
    }

    private static final JsonSerializer<Order> JSON = new JsonSerializer<>();
}
