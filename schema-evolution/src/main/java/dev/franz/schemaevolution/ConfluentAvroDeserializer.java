package dev.franz.schemaevolution;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent's wire format (see {@link ConfluentAvroSerializer}): the schema id in bytes 1-4
 * names the writer's schema, fetched from the registry once per id. Avro then resolves the writer's
 * schema against the reader's: fields the reader does not know are skipped, fields the writer did not
 * have get the reader's default. That is schema evolution.
 *
 * <p>A record that cannot be read throws {@link SerializationException} (Kafka's consumer hands it
 * to the poll loop as a {@code RecordDeserializationException}); a registry that does not answer
 * throws {@link SchemaRegistryClient.RegistryUnavailableException}: no record is to blame then.
 */
public final class ConfluentAvroDeserializer implements Deserializer<GenericRecord> {

    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();

    /** Reads every record as {@code readerSchema}, whichever schema wrote it. */
    public ConfluentAvroDeserializer(SchemaRegistryClient registry, Schema readerSchema) {
        this.registry = registry;
        this.readerSchema = readerSchema;
    }

    /** The schema id of a record in the wire format: bytes 1-4. */
    public static int schemaId(byte[] data) {
        if (data == null || data.length < ConfluentAvroSerializer.HEADER_SIZE
                || data[0] != ConfluentAvroSerializer.MAGIC_BYTE) {
            throw new SerializationException("Not in the wire format: " + (data == null ? "no value"
                    : data.length < ConfluentAvroSerializer.HEADER_SIZE ? "only " + data.length + " bytes"
                    : String.format("first byte 0x%02x, expected the magic byte 0x00", data[0]))
                    + " (written without the registry's serializer?)");
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    @Override
    public GenericRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = schemaId(data);
        GenericDatumReader<GenericRecord> reader = readers.computeIfAbsent(id,
                key -> new GenericDatumReader<>(writerSchema(id), readerSchema, OrderSchemas.MODEL));
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(data, ConfluentAvroSerializer.HEADER_SIZE,
                    data.length - ConfluentAvroSerializer.HEADER_SIZE, null));
        } catch (IOException | AvroRuntimeException | ClassCastException | IndexOutOfBoundsException e) {
            throw new SerializationException("Not valid Avro for schema id " + id + ": " + e, e);
        }
    }

    private Schema writerSchema(int id) {
        try {
            return registry.schemaById(id);
        } catch (SchemaRegistryClient.RegistryError e) {
            if (e.httpStatus() == 404) {
                throw new SerializationException("Schema id " + id + " is unknown to the registry at " + registry.url()
                        + " (error " + e.errorCode() + ")");
            }
            throw e;
        }
    }
}
