package dev.franz.liveview;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Bytes as text a person can read, and only as text (the page puts it in {@code textContent}):
 * JSON pretty-printed, Avro in Confluent's wire format decoded through the schema registry, other
 * UTF-8 as it is, anything else as hex.
 */
final class RecordText {

    /** What the live view keeps of a value: enough to read it, bounded for a record of 1 MB. */
    static final int STORED_VALUE_BYTES = 4096;
    static final int STORED_KEY_BYTES = 256;
    static final int STORED_HEADER_BYTES = 256;
    static final int STORED_HEADERS = 16;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    /** How a value was read, and its text. */
    record Text(String format, String text) {
    }

    private final URI registry;
    private final Optional<String> basicAuth;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Schemas by id, once found: an id's schema never changes. */
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

    RecordText(URI registry, Optional<String> basicAuth) {
        this.registry = registry;
        this.basicAuth = basicAuth;
    }

    /** A short key for a cell: UTF-8 text if it is text, else hex; null for a record without a key. */
    static String shortText(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        String utf8 = utf8(bytes);
        return utf8 != null ? utf8 : "0x" + HexFormat.of().formatHex(bytes);
    }

    /** {@code complete} is false when only the first {@link #STORED_VALUE_BYTES} were kept. */
    Text describe(byte[] bytes, boolean complete) {
        if (bytes == null) {
            return new Text("null", "(null: no value; a tombstone on a compacted topic)");
        }
        if (bytes.length == 0) {
            return new Text("empty", "(empty: zero bytes)");
        }
        if (bytes[0] == 0 && bytes.length > 5 && complete) {
            Text avro = avro(bytes);
            if (avro != null) {
                return avro;
            }
            if (utf8(bytes) == null) {
                return new Text("binary", "Starts like Avro in Confluent's wire format (schema id "
                        + ByteBuffer.wrap(bytes, 1, 4).getInt() + "), but the schema registry at " + registry
                        + " did not give a schema that reads it. The bytes:\n" + HEX.formatHex(bytes));
            }
        }
        String utf8 = complete ? utf8(bytes) : utf8Prefix(bytes);
        if (utf8 != null) {
            if (complete && (utf8.startsWith("{") || utf8.startsWith("["))) {
                try {
                    JsonNode tree = JSON.readTree(utf8);
                    return new Text("json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
                } catch (IOException notJson) {
                    // shown as plain text below
                }
            }
            return new Text("text", utf8);
        }
        return new Text("binary", HEX.formatHex(bytes));
    }

    /** Confluent's wire format: magic byte 0, the schema's id in 4 bytes, then Avro binary. */
    private Text avro(byte[] bytes) {
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        Optional<Schema> schema = Optional.ofNullable(schemas.get(id)).or(() -> fetchSchema(id));
        if (schema.isEmpty()) {
            return null;
        }
        schemas.put(id, schema.get());
        try {
            // With the logical types applied: a decimal shows as its number, a timestamp as its instant.
            GenericData data = new GenericData();
            data.addLogicalTypeConversion(new Conversions.DecimalConversion());
            data.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
            data.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
            data.addLogicalTypeConversion(new TimeConversions.DateConversion());
            GenericDatumReader<Object> reader = new GenericDatumReader<>(schema.get(), schema.get(), data);
            Object value = reader.read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
            String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(data.toString(value)));
            return new Text("avro", "Avro, schema id " + id + " (" + schema.get().getFullName() + ") from the registry:\n" + json);
        } catch (IOException | RuntimeException notThatSchema) {
            return null;
        }
    }

    /** The schema with that id from the registry's Confluent API; empty if there is none or no registry. */
    private Optional<Schema> fetchSchema(int id) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry + "/schemas/ids/" + id))
                    .timeout(Duration.ofSeconds(3));
            basicAuth.ifPresent(auth -> request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8))));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(new Schema.Parser().parse(JSON.readTree(response.body()).path("schema").asText()));
        } catch (IOException | RuntimeException noRegistry) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Like {@link #utf8}, for bytes cut anywhere: up to three bytes of a split character are dropped. */
    static String utf8Prefix(byte[] bytes) {
        for (int cut = 0; cut <= 3 && cut < bytes.length; cut++) {
            String text = utf8(java.util.Arrays.copyOf(bytes, bytes.length - cut));
            if (text != null) {
                return text;
            }
        }
        return null;
    }

    /** The bytes as UTF-8 if they are valid UTF-8 without control characters (tabs and newlines allowed). */
    static String utf8(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                    return null;
                }
            }
            return text;
        } catch (CharacterCodingException notText) {
            return null;
        }
    }
}
