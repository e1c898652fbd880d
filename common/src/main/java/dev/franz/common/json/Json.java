package dev.franz.common.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;

/**
 * The one JSON mapping of Franz's events, shared by every serializer and deserializer, so that the
 * topics hold the same shape whoever wrote them. Other languages' clients read and write these
 * topics too: field names are snake_case and stable, times are ISO-8601 strings in UTC.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            // Registered after JavaTimeModule, so its faster Instant (de)serializer wins.
            .addModule(new InstantModule())
            // Generated accessors instead of reflection: faster reading and writing of every event.
            .addModule(new BlackbirdModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            // "2026-11-26T18:16:48.123Z", not a number of seconds.
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Forward compatibility: a newer producer may add fields this reader does not know yet.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // "amount": 12.5 stays exactly 12.5 as a BigDecimal.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Json() {
    }

    /** Thread-safe: an ObjectMapper may be shared once it is configured. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
