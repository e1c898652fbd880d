package dev.franz.schemaevolution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes an Avro record in Confluent's wire format, as Confluent's {@code KafkaAvroSerializer} does:
 * <pre>
 *   byte 0      magic byte 0
 *   bytes 1-4   the schema's id in the registry, a big-endian int
 *   bytes 5-    the record in Avro's binary encoding: field values only, in schema order, no names
 * </pre>
 * The schema is registered under the subject {@code <topic>-value} (Confluent's default
 * TopicNameStrategy) the first time it is used; after that its id comes from the cache.
 *
 * <p>It is here to show what a registry's serializer does, in a page of code. In a project of your
 * own, use your registry's: Confluent's {@code KafkaAvroSerializer} (Confluent's Maven repository)
 * or Apicurio's {@code AvroKafkaSerializer} with {@code apicurio.registry.as-confluent=true}; they
 * add what this one leaves out (schema references, subject strategies, retries, metrics).
 */
public final class ConfluentAvroSerializer implements Serializer<GenericRecord> {

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_SIZE = 5;

    private final SchemaRegistryClient registry;
    private final Map<Schema, GenericDatumWriter<GenericRecord>> writers = new ConcurrentHashMap<>();

    public ConfluentAvroSerializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    /** The subject a topic's value schemas are registered under. */
    public static String subject(String topic) {
        return topic + "-value";
    }

    @Override
    public byte[] serialize(String topic, GenericRecord record) {
        if (record == null) {
            return null;
        }
        Schema schema = record.getSchema();
        int id = registry.register(subject(topic), schema); // an HTTP call the first time only
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writers.computeIfAbsent(schema, s -> new GenericDatumWriter<>(s, OrderSchemas.MODEL)).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write the record with schema id " + id + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
