package dev.franz.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The faster Instant (de)serializer must be invisible: same text and same values as JavaTimeModule's. */
class InstantModuleTest {

    /** What Franz used before: JavaTimeModule alone. */
    private static final ObjectMapper JAVA_TIME = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-26T18:16:48Z", "2026-11-26T18:16:48.123Z", "2026-11-26T18:16:48.120Z",
            "2026-11-26T18:16:48.123456Z", "2026-11-26T18:16:48.123456789Z", "1970-01-01T00:00:00Z",
            "0001-01-01T00:00:00.001Z", "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z"})
    void writesTheSameTextAsJavaTimeModule(String text) throws Exception {
        Instant instant = Instant.parse(text);

        String ours = Json.mapper().writeValueAsString(instant);

        assertThat(ours).isEqualTo(JAVA_TIME.writeValueAsString(instant));
        assertThat(Json.mapper().readValue(ours, Instant.class)).isEqualTo(instant);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"2026-11-26T18:16:48.1Z\"", "\"2026-11-26T19:16:48.123+01:00\"",
            "\"2026-11-26t18:16:48.123z\"", "1764181008.123", "1764181008", "\"1764181008.123\""})
    void readsWhatJavaTimeModuleReads(String json) throws Exception {
        assertThat(Json.mapper().readValue(json, Instant.class)).isEqualTo(JAVA_TIME.readValue(json, Instant.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"yesterday\"", "\"2026-13-26T18:16:48Z\"", "\"2026-11-26T18:16:48\""})
    void rejectsWhatJavaTimeModuleRejects(String json) {
        assertThatThrownBy(() -> JAVA_TIME.readValue(json, Instant.class)).isInstanceOf(InvalidFormatException.class);
        assertThatThrownBy(() -> Json.mapper().readValue(json, Instant.class))
                .isInstanceOf(InvalidFormatException.class)
                .hasMessageContaining("java.time.Instant");
    }
}
