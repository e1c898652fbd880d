package dev.franz.common.json;

import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.TreeNode;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Reads UTF-8 JSON into {@code type}. Bytes that are not a valid {@code type} raise Kafka's
 * {@link SerializationException}; a consumer sees it from {@code poll()} as a
 * {@code RecordDeserializationException} carrying the partition and offset of the bad record.
 */
public final class JsonDeserializer<T> implements Deserializer<T> {

    private final Class<T> type;
    private final ObjectReader reader;

    public JsonDeserializer(Class<T> type) {
        this.type = type;
        this.reader = Json.mapper().readerFor(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return reader.readValue(data);
        } catch (JsonProcessingException e) {
            throw new SerializationException(notValid() + " on topic " + topic + ": " + e.getOriginalMessage()
                    + locationOf(e), e);
        } catch (IOException e) {
            throw new SerializationException("Could not read " + type.getSimpleName() + " JSON on topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    private String notValid() {
        return TreeNode.class.isAssignableFrom(type) ? "Not valid JSON" : "Not a valid " + type.getSimpleName() + " JSON";
    }

    private static String locationOf(JsonProcessingException e) {
        var location = e.getLocation();
        return location == null ? "" : " (at line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
