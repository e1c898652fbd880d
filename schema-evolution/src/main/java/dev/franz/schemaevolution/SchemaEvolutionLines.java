package dev.franz.schemaevolution;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.events.Order;
import dev.franz.common.json.JsonSerializer;
import dev.franz.schemaevolution.OrderSchemas.Version;

/**
 * What schema-evolution prints: the producer's lines and counts, the consumer's lines, the summaries,
 * and {@code wire}'s look at the bytes of a record. The Kafka side is in {@link SchemaEvolutionLesson}
 * and {@link OrderReaders}.
 */
final class SchemaEvolutionLines {

    private static final JsonSerializer<Order> JSON = new JsonSerializer<>();

    private SchemaEvolutionLines() {
    }

    /** The size of the order as JSON, as order-producer sends it. */
    static int jsonSize(Order order) {
        return JSON.serialize(null, order).length;
    }

    private static String name(Version version) {
        return version.name().toLowerCase();
    }

    /**
     * {@code produce}'s lines and counts. {@link #sent} and {@link #notSent} run in the send callback, on
     * the producer's I/O thread: they only count and print.
     */
    static final class Produced {
        private final PrintStream out;
        private final Version version;
        private final long printEvery;
        private final AtomicLong avroBytes = new AtomicLong();
        private final AtomicLong jsonBytes = new AtomicLong();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final long startedAt = System.nanoTime();
        private volatile int schemaId;

        Produced(PrintStream out, Version version, long printEvery) {
            this.out = out;
            this.version = version;
            this.printEvery = printEvery;
        }

        void start(long count, String topic, Schema schema, String subject, URI registryUrl) {
            out.printf("Sending %d orders to %s in Avro, schema %s (%s), subject %s at %s%n", count, topic,
                    name(version), schema.getFullName(), subject, registryUrl);
        }

        void schemaId(int id) {
            this.schemaId = id;
        }

        void sent(long number, String orderId, RecordMetadata metadata, int json) {
            sent.incrementAndGet();
            avroBytes.addAndGet(metadata.serializedValueSize());
            jsonBytes.addAndGet(json);
            if (ConsoleLines.printThis(number, printEvery)) {
                out.printf("%s %s -> %s partition %d offset %d: %d bytes (schema id %d), as JSON %d bytes%n",
                        name(version), orderId, metadata.topic(), metadata.partition(), metadata.offset(),
                        metadata.serializedValueSize(), schemaId, json);
            }
        }

        void notSent(String orderId, Exception error) {
            failed.incrementAndGet();
            out.printf("NOT SENT %s: %s%n", orderId, error.getMessage());
        }

        long failed() {
            return failed.get();
        }

        void summary(String subject, Path summaryFile) {
            long acknowledged = sent.get();
            new RunSummary("schema-evolution produce", "sent", acknowledged, "orders",
                    Duration.ofNanos(System.nanoTime() - startedAt))
                    .detail("schema", name(version) + ", id " + schemaId + " in subject " + subject)
                    .count("value bytes per order in Avro", acknowledged == 0 ? 0.0
                            : round((double) avroBytes.get() / acknowledged))
                    .count("value bytes per order as JSON", acknowledged == 0 ? 0.0
                            : round((double) jsonBytes.get() / acknowledged))
                    .count("not sent", failed.get())
                    .report(out, summaryFile);
        }

        private static double round(double value) {
            return Math.round(value * 10) / 10.0;
        }
    }

    /** {@code consume}'s lines. */
    static void consuming(PrintStream out, String topic, String group, Version version, URI registryUrl) {
        out.printf("Reading %s as group %s with reader schema %s (registry %s). Ctrl-C to stop.%n", topic, group,
                name(version), registryUrl);
    }

    static void read(PrintStream out, ConsumerRecord<String, GenericRecord> record) {
        out.printf("partition %d offset %-4d %s%n", record.partition(), record.offset(), record.value());
    }

    static void consumed(PrintStream out, long read, long deadLetters, Version version, String group,
                         String deadLetterTopic, long startedAt, Path summaryFile) {
        new RunSummary("schema-evolution consume", "read", read, "orders", Duration.ofNanos(System.nanoTime() - startedAt))
                .detail("reader schema", name(version) + ", group " + group)
                .count("dead letters", deadLetters)
                .detail("dead-letter topic", deadLetterTopic)
                .report(out, summaryFile);
    }

    /** {@code wire}: one record's bytes, what each part is, and the order decoded with its writer's schema. */
    static void show(PrintStream out, ConsumerRecord<byte[], byte[]> record, SchemaRegistryClient registry) {
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
