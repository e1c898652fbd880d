package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.schemaregistry.EmbeddedSchemaRegistry;

/**
 * Avro values in Confluent's wire format, as Level 4 writes them, decoded with their schema from a
 * real schema registry (Apicurio's Confluent-compatible API, as {@code local-schema-registry} runs it).
 */
class RecordTextAvroIT {

    private static final Schema ORDER = new Schema.Parser().parse("""
            {"type": "record", "name": "Order", "namespace": "dev.franz.test",
             "fields": [{"name": "order_id", "type": "string"}, {"name": "amount", "type": "double"},
                        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
                        {"name": "created_at", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}""");

    @TempDir
    static Path dir;

    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        registry = EmbeddedSchemaRegistry.start(port, dir.resolve("registry.log"), Duration.ofMinutes(2));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void anAvroValueIsShownDecodedWithItsSchemaFromTheRegistry() throws Exception {
        int id = register("live-view-orders-value", ORDER);
        GenericRecord order = new GenericData.Record(ORDER);
        order.put("order_id", "o-42");
        order.put("amount", 19.5);
        order.put("price", ByteBuffer.wrap(new java.math.BigDecimal("12.50").unscaledValue().toByteArray()));
        order.put("created_at", 1_796_000_000_000L);

        RecordText.Text shown = new RecordText(registry.url(), Optional.empty()).describe(wire(id, order), true);

        assertThat(shown.format()).isEqualTo("avro");
        assertThat(shown.text()).startsWith("Avro, schema id " + id + " (dev.franz.test.Order) from the registry:")
                .contains("\"order_id\" : \"o-42\"").contains("\"amount\" : 19.5")
                // logical types as what they mean, not their bytes or raw numbers
                .contains("\"price\" : 12.5").contains("\"created_at\" : \"2026-11-30T");
    }

    @Test
    void anIdTheRegistryDoesNotHaveIsSaidAndTheBytesShown() throws Exception {
        GenericRecord order = new GenericData.Record(ORDER);
        order.put("order_id", "o-43");
        order.put("amount", 1.0);
        order.put("price", ByteBuffer.wrap(new byte[] {1}));
        order.put("created_at", 0L);

        RecordText.Text shown = new RecordText(registry.url(), Optional.empty()).describe(wire(987_654, order), true);

        assertThat(shown.format()).isEqualTo("binary");
        assertThat(shown.text()).startsWith("Starts like Avro in Confluent's wire format (schema id 987654), but the"
                + " schema registry at " + registry.url() + " did not give a schema that reads it.");
    }

    /** Registers {@code schema} under {@code subject} with the Confluent API and returns its id. */
    private static int register(String subject, Schema schema) throws Exception {
        ObjectMapper json = new ObjectMapper();
        String body = json.writeValueAsString(java.util.Map.of("schema", schema.toString()));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registry.url() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body()).path("id").asInt();
    }

    /** Magic byte 0, the schema id in 4 bytes, then the Avro binary: what Confluent's serializer writes. */
    private static byte[] wire(int id, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(ORDER).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
