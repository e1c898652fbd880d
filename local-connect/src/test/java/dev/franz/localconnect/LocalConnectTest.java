package dev.franz.localconnect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.common.config.FranzConfig;

class LocalConnectTest {

    @TempDir
    Path dir;

    @Test
    void theWorkerListensOnLocalhostOnlyKeepsItsStateInTopicsNamedAfterItsGroupAndOffersExactlyOnceSources() {
        Map<String, String> worker = LocalConnect.workerConfig(FranzConfig.defaultsWith(Map.of()), 8083, "franz-connect");

        assertThat(worker).containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("listeners", "http://localhost:8083")
                .containsEntry("group.id", "franz-connect")
                .containsEntry("config.storage.topic", "franz-connect-configs")
                .containsEntry("offset.storage.topic", "franz-connect-offsets")
                .containsEntry("status.storage.topic", "franz-connect-status")
                .containsEntry("offset.storage.replication.factor", "-1") // the cluster's default, not Connect's 3
                .containsEntry("exactly.once.source.support", "enabled")
                .containsEntry("consumer.isolation.level", "read_committed")
                // Only requests meant for this machine; no connector changes the clients made for it.
                .containsEntry("rest.extension.classes", LocalRequestsOnly.class.getName())
                .containsEntry("connector.client.config.override.policy", "None");
    }

    @Test
    void aSecuredClusterSettingsReachTheWorkerAndTheClientsItMakesForConnectors() throws Exception {
        Path client = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_SSL\n"
                + "sasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                + " required username=\"connect\" password=\"x\";\n");
        Map<String, String> worker = LocalConnect.workerConfig(FranzConfig.defaultsWith(Map.of("KAFKA_CLIENT_CONFIG",
                client.toString(), "TOPIC_REPLICATION_FACTOR", "3")), 8083, "franz-connect");

        for (String prefix : new String[] {"", "producer.", "consumer.", "admin."}) {
            assertThat(worker).containsEntry(prefix + "security.protocol", "SASL_SSL")
                    .containsEntry(prefix + "sasl.mechanism", "SCRAM-SHA-512");
        }
        assertThat(worker).containsEntry("config.storage.replication.factor", "3");
    }
}
