package dev.franz.common.json;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Writes any event record as UTF-8 JSON. A null value stays null: on a compacted topic that is a
 * tombstone, which deletes the key.
 */
public final class JsonSerializer<T> implements Serializer<T> {

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return Json.mapper().writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new SerializationException("Could not write " + data.getClass().getSimpleName()
                    + " as JSON for topic " + topic + ": " + e.getOriginalMessage(), e);
        }
    }
}
