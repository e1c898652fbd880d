package dev.franz.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.common.config.ConfigSource;
import dev.franz.common.config.FranzConfig;

class SecurityFailuresTest {

    @TempDir
    Path dir;

    @Test
    void aRefusalDeepInTheCausesIsNamedWithTheUserOfTheClientFile() throws IOException {
        FranzConfig config = asUser("payment-service");

        assertThat(SecurityFailures.explain(new KafkaException("wrapped", GroupAuthorizationException.forGroupId("g1")),
                config)).hasValue("Kafka refused User:payment-service READ on group g1 (joining it, reading or"
                + " committing its offsets): no ACL allows it. Allow it with admin-client acls add (as an admin), or"
                + " use a user that has it (docs/security.md).");
        assertThat(SecurityFailures.explain(new TopicAuthorizationException(Set.of("orders", "payments")), config))
                .hasValueSatisfying(line -> assertThat(line).startsWith("Kafka refused User:payment-service on topics"
                        + " orders, payments: no ACL allows what this program does there"));
        assertThat(SecurityFailures.explain(new TimeoutException("no answer"), config)).isEmpty();
    }

    @Test
    void aClusterRefusalNamesTheOperationWhenKafkaDoes() throws IOException {
        FranzConfig config = asUser("guest");

        assertThat(SecurityFailures.explain(new ClusterAuthorizationException("Request Request(processor=1,"
                + " connectionId=x) needs DESCRIBE permission."), config))
                .hasValueSatisfying(line -> assertThat(line).startsWith("Kafka refused User:guest DESCRIBE on the"
                        + " cluster: no ACL allows it."));
        assertThat(SecurityFailures.explain(new ClusterAuthorizationException("Cluster authorization failed."), config))
                .hasValueSatisfying(line -> assertThat(line).contains("for a producer, starting idempotence"));
    }

    private FranzConfig asUser(String user) throws IOException {
        Files.writeString(dir.resolve(user + ".properties"), "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"x\";\n");
        return FranzConfig.resolve(dir, List.of(FranzConfig.defaults(),
                new ConfigSource("test", Map.of("KAFKA_CLIENT_CONFIG", user + ".properties"))));
    }
}
