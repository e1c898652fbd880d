package dev.franz.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.embedded.TemporaryDirectory;

/**
 * Chooses and starts the broker for a test JVM, in this order:
 * <ol>
 *   <li>an external broker, if {@code KAFKA_TEST_BOOTSTRAP_SERVERS} is set;</li>
 *   <li>a Testcontainers {@code apache/kafka} container, if Docker is available;</li>
 *   <li>otherwise the local-kafka broker in this JVM, on free ports, in a temporary directory.</li>
 * </ol>
 */
final class TestBrokers {

    static final String EXTERNAL_BROKER_ENV = "KAFKA_TEST_BOOTSTRAP_SERVERS";
    /** Set by the build to the image matching the Kafka client version. */
    static final String IMAGE_PROPERTY = "franz.kafka.image";
    static final String DEFAULT_IMAGE = "apache/kafka:4.4.0";

    private static final Logger log = LoggerFactory.getLogger(TestBrokers.class);

    private TestBrokers() {
    }

    static TestBroker start() {
        long startedAt = System.nanoTime();
        TestBroker broker = choose();
        log.info("Integration tests use {} at {} (ready in {} ms)", broker.description(), broker.bootstrapServers(),
                (System.nanoTime() - startedAt) / 1_000_000);
        return broker;
    }

    private static TestBroker choose() {
        String external = System.getenv(EXTERNAL_BROKER_ENV);
        if (external != null && !external.isBlank()) {
            return new External(external.strip());
        }
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return Container.start(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE));
        }
        return Embedded.start();
    }

    private record External(String bootstrapServers) implements TestBroker {
        @Override
        public String description() {
            return "the external broker from " + EXTERNAL_BROKER_ENV;
        }

        @Override
        public void close() {
            // not ours to stop
        }
    }

    private record Container(KafkaContainer container) implements TestBroker {
        static Container start(String image) {
            KafkaContainer container = new KafkaContainer(DockerImageName.parse(image));
            container.start();
            return new Container(container);
        }

        @Override
        public String bootstrapServers() {
            return container.getBootstrapServers();
        }

        @Override
        public String description() {
            return "a Testcontainers broker (" + container.getDockerImageName() + ")";
        }

        @Override
        public void close() {
            container.stop();
        }
    }

    private record Embedded(EmbeddedKafkaBroker broker, TemporaryDirectory dataDir) implements TestBroker {
        static Embedded start() {
            try {
                TemporaryDirectory dataDir = TemporaryDirectory.create("franz-test-kafka");
                return new Embedded(EmbeddedKafkaBroker.startOnFreePorts(dataDir.path(), Map.of()), dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String bootstrapServers() {
            return broker.bootstrapServers();
        }

        @Override
        public String description() {
            return "the embedded local-kafka broker (no Docker here)";
        }

        @Override
        public void close() {
            broker.close();
            try {
                dataDir.close();
            } catch (IOException e) {
                log.warn("Could not delete the test broker's data in {}", dataDir.path(), e);
            }
        }
    }
}
