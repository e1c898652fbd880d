package dev.franz.schemaevolution;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderGenerator;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import dev.franz.schemaevolution.SchemaEvolutionOptions.ProduceOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * Level 4: orders in Avro, their schemas in a schema registry, and how a schema evolves.
 * {@code ./mvnw -q compile exec:java -pl schema-evolution -Dexec.args="produce --schema v1"}
 *
 * <p>The Kafka story is told in two files, one per side: here the program and its writers ({@code produce},
 * the orders in Avro, and {@code bad-records}, two records no consumer can read); in {@link OrderReaders}
 * its readers ({@code consume}, a consumer group reading with a reader schema and dead-lettering what it
 * cannot read, and {@code wire}, the bytes on the topic). The registry's commands are in
 * {@link RegistryCommands}, its REST calls in {@link SchemaRegistryClient}; the wire format is written by
 * {@link ConfluentAvroSerializer} and read by {@link ConfluentAvroDeserializer}; the schemas and the
 * Order-to-Avro conversion are in {@link OrderSchemas}. The options are in {@link SchemaEvolutionOptions},
 * what the commands print in {@link SchemaEvolutionLines}.
 */
@Command(name = "schema-evolution", mixinStandardHelpOptions = true, version = "schema-evolution (Franz)",
        description = "Orders in Avro with a schema registry: produce, consume, look at the bytes, evolve the schema.",
        subcommands = {SchemaEvolutionLesson.Produce.class, OrderReaders.Consume.class, OrderReaders.Wire.class,
                RegistryCommands.Compatibility.class, RegistryCommands.Check.class, RegistryCommands.Register.class,
                SchemaEvolutionLesson.BadRecords.class})
public final class SchemaEvolutionLesson {

    @Mixin
    ConfigOptions configOptions;

    final PrintStream out = System.out;
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

    /**
     * The registry client, once the registry has answered: fails in seconds, naming the URL, if not. The
     * registry keeps each topic's schemas (subject {@code <topic>-value}) under numeric ids, and refuses a
     * new version its compatibility level forbids: the producer puts only the id in each record, and the
     * consumer fetches the writer's schema by that id.
     */
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

    /** The producer's settings: the key as text, the value in Avro through the registry (the serializers, below). */
    static Properties producerProperties(FranzConfig config) {
        Properties props = config.clientProperties();
        // acks=all and idempotence are the defaults since Kafka 3.0: nothing to set for safety.
        // linger.ms is Kafka 4's default, 5 ms (KIP-1030): nothing to set to batch small records.
        return props;
    }

    @Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Send made-up orders in Avro. The serializer registers the schema on first use.")
    static final class Produce implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Mixin
        ProduceOptions options;

        /** Set by the shutdown hook (Ctrl-C): no more orders are sent. */
        private volatile boolean stopRequested;

        @Override
        public Integer call() throws InterruptedException {
            FranzConfig config = lesson.config();
            SchemaRegistryClient registry = lesson.registry();
            BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
            String topic = lesson.topic();
            Topics.createIfMissing(config, List.of(topic), lesson.out);
            Schema schema = options.version.schema();
            SchemaEvolutionLines.Produced lines = new SchemaEvolutionLines.Produced(lesson.out, options.version,
                    options.printEvery.value());
            lines.start(options.count, topic, schema, lesson.subject(), registry.url());

            // The serializer registers the schema at the first send (or finds its id, cached). Asked here
            // once, so that the send callback below, on the producer's I/O thread, only counts and prints.
            lines.schemaId(registry.register(lesson.subject(), schema));

            OrderGenerator orders = new OrderGenerator(new Random(), Clock.systemUTC(), 20);
            CountDownLatch finished = new CountDownLatch(1);
            try {
                // The key serializer writes the order id as text. The value serializer writes Confluent's wire
                // format: magic byte 0, the schema's id in the registry, then the Avro binary (no field names).
                // It gets the registry client (SCHEMA_REGISTRY_URL): Confluent's and Apicurio's serializers are
                // given schema.registry.url (and basic.auth.user.info) as properties instead, and build their own.
                // try-with-resources: close() sends what is still buffered and waits for the answers.
                try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(producerProperties(config),
                        new StringSerializer(), new ConfluentAvroSerializer(registry))) {
                    // Ctrl-C runs this hook on its own thread. A producer has no poll() to wake up: the hook
                    // asks the loop to stop, then waits (at most 8 s) until every order sent so far has its
                    // answer (flush), the producer is closed and the summary printed. It waits on a latch,
                    // not by join()ing the main thread: main ends in System.exit, which waits for this hook.
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        stopRequested = true;
                        GracefulShutdown.awaitFinished(finished, GracefulShutdown.PRODUCER_UNFINISHED);
                    }, "schema-evolution-produce-shutdown"));
                    for (long n = 1; n <= options.count && !stopRequested; n++) {
                        Order order = orders.next();
                        GenericRecord value = OrderSchemas.toAvro(order, schema, n);
                        int json = SchemaEvolutionLines.jsonSize(order);
                        long number = n;
                        // Keyed by order id: all events of one order stay in order on one partition.
                        producer.send(new ProducerRecord<>(topic, order.orderId(), value), (metadata, error) -> {
                            // Every send's answer is checked: an order is counted as sent only once written.
                            if (error != null) {
                                lines.notSent(order.orderId(), error);
                            } else {
                                lines.sent(number, order.orderId(), metadata, json);
                            }
                        });
                    }
                    producer.flush();
                }
                lines.summary(lesson.subject(), options.summaryOption.file());
            } finally {
                finished.countDown();
            }
            return lines.failed() == 0 ? 0 : 1;
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
            // Raw bytes, no registry: the serializer writes whatever it is given.
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config.clientProperties(),
                    new StringSerializer(), new ByteArraySerializer())) {
                // get(): each record is written (or the error thrown) before its line is printed.
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
}
