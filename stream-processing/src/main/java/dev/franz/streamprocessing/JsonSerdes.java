package dev.franz.streamprocessing;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;

/** Kafka Streams wants a Serde (serializer + deserializer) per type: the shared JSON ones, paired. */
final class JsonSerdes {

    private JsonSerdes() {
    }

    static <T> Serde<T> of(Class<T> type) {
        return Serdes.serdeFrom(new JsonSerializer<>(), new JsonDeserializer<>(type));
    }
}
