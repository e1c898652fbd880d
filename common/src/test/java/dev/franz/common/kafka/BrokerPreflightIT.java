package dev.franz.common.kafka;

import static dev.franz.embedded.EmbeddedKafkaBroker.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.testing.KafkaBrokerExtension;

class BrokerPreflightIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    @Test
    void seesARunningBroker() {
        BrokerPreflight.ClusterSummary cluster = BrokerPreflight.check(kafka.clientProperties(), Duration.ofSeconds(10));

        assertThat(cluster.clusterId()).isNotBlank();
        assertThat(cluster.brokerCount()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void failsFastAndClearlyOnAClosedPort() {
        String address = "localhost:" + freePort();
        Properties props = new Properties();
        props.put("bootstrap.servers", address);

        long startedAt = System.nanoTime();
        assertThatThrownBy(() -> BrokerPreflight.check(props, Duration.ofSeconds(3)))
                .isInstanceOf(BrokerUnreachableException.class)
                .hasMessageContaining("No Kafka broker at " + address + " (Connection refused)")
                .hasMessageContaining("./mvnw -q compile exec:java -pl local-kafka")
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
        Duration took = Duration.ofNanos(System.nanoTime() - startedAt);

        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void failsClearlyOnAnUnresolvableHost() {
        Properties props = new Properties();
        props.put("bootstrap.servers", "no-such-host.invalid:9092");

        assertThatThrownBy(() -> BrokerPreflight.check(props, Duration.ofSeconds(3)))
                .isInstanceOf(BrokerUnreachableException.class)
                .hasMessageContaining("no-such-host.invalid:9092");
    }

}
