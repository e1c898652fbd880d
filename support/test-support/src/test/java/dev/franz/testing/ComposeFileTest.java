package dev.franz.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** compose.yaml cannot run here (no Docker), but it must parse and use the one Kafka version. */
class ComposeFileTest {

    @Test
    void composeRunsTheSameKafkaImageAsTheBuildAndTheTests() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("../..", "compose.yaml").toFile());
        JsonNode kafka = compose.path("services").path("kafka");

        String buildImage = System.getProperty(TestBrokers.IMAGE_PROPERTY);
        assertThat(buildImage).as("set by the build from kafka.version").startsWith("apache/kafka:");
        assertThat(kafka.path("image").asText()).isEqualTo(buildImage).isEqualTo(TestBrokers.DEFAULT_IMAGE);
        // This machine only: the broker has no password and no encryption.
        assertThat(kafka.path("ports").get(0).asText()).isEqualTo("127.0.0.1:9092:9092");
        assertThat(kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
                .isEqualTo("PLAINTEXT://localhost:9092");
    }
}
