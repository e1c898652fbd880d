package dev.franz.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FranzConfigTest {

    @TempDir
    Path dir;

    private FranzConfig resolve(ConfigSource... layers) {
        List<ConfigSource> sources = new ArrayList<>();
        sources.add(FranzConfig.defaults());
        sources.addAll(List.of(layers));
        return FranzConfig.resolve(dir, sources);
    }

    @Test
    void defaultsNeedNothingSet() {
        FranzConfig config = resolve();

        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.topic(ConfigKey.TOPIC_USER_EVENTS)).isEqualTo("user_events");
        assertThat(config.topic(ConfigKey.TOPIC_ORDERS)).isEqualTo("orders");
        assertThat(config.topicPartitions()).isEqualTo(3);
        assertThat(config.topicReplicationFactor()).isEmpty(); // the cluster's default.replication.factor
        assertThat(config.clientProperties()).containsOnly(Map.entry("bootstrap.servers", "localhost:9092"));
    }

    @Test
    void laterLayersWin() {
        FranzConfig config = resolve(
                new ConfigSource(".env", Map.of("KAFKA_BOOTSTRAP_SERVERS", "dotenv:1", "TOPIC_ORDERS", "env-orders",
                        "TOPIC_PARTITIONS", "6")),
                new ConfigSource("environment", Map.of("KAFKA_BOOTSTRAP_SERVERS", "environment:2", "PATH", "/bin")),
                new ConfigSource("command line", Map.of("KAFKA_BOOTSTRAP_SERVERS", "cli:3")));

        assertThat(config.bootstrapServers()).isEqualTo("cli:3");
        assertThat(config.topic(ConfigKey.TOPIC_ORDERS)).isEqualTo("env-orders");
        assertThat(config.topicPartitions()).isEqualTo(6);
    }

    @Test
    void everyBadValueIsReportedWithKeyValueAndSource() {
        assertThatThrownBy(() -> resolve(
                new ConfigSource(".env", Map.of("TOPIC_PARTITIONS", "many")),
                new ConfigSource("environment", Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost",
                        "TOPIC_REPLICATION_FACTOR", "0", "TOPIC_ORDERS", "my orders"))))
                .isInstanceOfSatisfying(FranzConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "KAFKA_BOOTSTRAP_SERVERS='localhost' (from environment): expected a comma-separated list of"
                                + " host:port, e.g. localhost:9092",
                        "TOPIC_ORDERS='my orders' (from environment): expected a topic name of 1 to 249 letters,"
                                + " digits, '.', '_' or '-'",
                        "TOPIC_PARTITIONS='many' (from .env): expected a whole number from 1 to 10000",
                        "TOPIC_REPLICATION_FACTOR='0' (from environment): expected a whole number from 1 to 32767"))
                .hasMessageContaining("See .env.example");
    }

    @Test
    void levelFivesDatabaseAndConnectWorkerHaveLocalDefaultsAndAreCheckedWhenSet() {
        FranzConfig config = resolve();
        assertThat(config.postgres()).isEqualTo(new FranzConfig.Postgres("jdbc:postgresql://localhost:5432/franz",
                "localhost", 5432, "franz", "franz", ""));
        assertThat(config.connectUrl()).hasToString("http://localhost:8083");

        FranzConfig elsewhere = resolve(new ConfigSource(".env", Map.of("POSTGRES_URL",
                "jdbc:postgresql://db.example.com/shop?sslmode=require", "POSTGRES_PASSWORD", "secret",
                "CONNECT_URL", "https://connect.example.com/")));
        assertThat(elsewhere.postgres().host()).isEqualTo("db.example.com");
        assertThat(elsewhere.postgres().port()).isEqualTo(5432);
        assertThat(elsewhere.postgres().database()).isEqualTo("shop");
        assertThat(elsewhere.postgres().toString()).doesNotContain("secret");
        assertThat(elsewhere.connectUrl()).hasToString("https://connect.example.com");

        assertThatThrownBy(() -> resolve(new ConfigSource("environment", Map.of("POSTGRES_URL", "postgres://localhost/franz",
                "CONNECT_URL", "localhost:8083"))))
                .isInstanceOfSatisfying(FranzConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "POSTGRES_URL='postgres://localhost/franz' (from environment): expected"
                                + " jdbc:postgresql://HOST[:PORT]/DATABASE, e.g. jdbc:postgresql://localhost:5432/franz",
                        "CONNECT_URL='localhost:8083' (from environment): expected an http:// or https:// URL,"
                                + " e.g. http://localhost:8083"));
    }

    @Test
    void acceptsSeveralBrokers() {
        FranzConfig config = resolve(new ConfigSource("environment",
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "b1.example.com:9092, b2.example.com:9093")));

        assertThat(config.clientProperties().getProperty("bootstrap.servers"))
                .isEqualTo("b1.example.com:9092, b2.example.com:9093");
    }

    @Test
    void rejectsAPortOutOfRange() {
        assertThatThrownBy(() -> resolve(new ConfigSource("environment", Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:99999"))))
                .isInstanceOf(FranzConfigException.class)
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS='localhost:99999'");
    }

    @Test
    void clientConfigFileIsAppliedToEveryClient() throws IOException {
        Files.writeString(dir.resolve("client.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                """);

        FranzConfig config = resolve(new ConfigSource(".env", Map.of("KAFKA_CLIENT_CONFIG", "client.properties")));

        assertThat(config.clientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("bootstrap.servers", "localhost:9092");
    }

    @Test
    void missingClientConfigFileIsAnError() {
        assertThatThrownBy(() -> resolve(new ConfigSource("command line", Map.of("KAFKA_CLIENT_CONFIG", "nope.properties"))))
                .isInstanceOf(FranzConfigException.class)
                .hasMessageContaining("KAFKA_CLIENT_CONFIG='nope.properties' (from command line)")
                .hasMessageContaining("is not one");
    }

    @Test
    void aClientFileWithAMissingTruststoreOrAnUnknownMechanismIsOneLineNamingTheSettingAndTheFile() throws IOException {
        Files.writeString(dir.resolve("secure.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-1
                ssl.truststore.location=/no/such/ca.pem
                """);

        assertThatThrownBy(() -> resolve(new ConfigSource(".env", Map.of("KAFKA_CLIENT_CONFIG", "secure.properties"))))
                .isInstanceOf(FranzConfigException.class)
                .hasMessageContaining("secure.properties: sasl.mechanism=SCRAM-SHA-1 is not one Kafka knows (PLAIN, SCRAM-SHA-256,"
                        + " SCRAM-SHA-512, GSSAPI, OAUTHBEARER)")
                .hasMessageContaining("secure.properties: ssl.truststore.location=/no/such/ca.pem is not a readable file");
    }

    @Test
    void thePrincipalIsTheSaslUserOrAnonymous() throws IOException {
        Files.writeString(dir.resolve("user.properties"), "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"payment-service\" password=\"secret\";\n");

        assertThat(resolve(new ConfigSource(".env", Map.of("KAFKA_CLIENT_CONFIG", "user.properties"))).principal())
                .isEqualTo("User:payment-service");
        assertThat(resolve().principal()).isEqualTo("User:ANONYMOUS");
    }

    @Test
    void bootstrapServersBelongInTheirOwnKeyNotTheClientFile() throws IOException {
        Files.writeString(dir.resolve("client.properties"), "bootstrap.servers=elsewhere:9092\n");

        assertThatThrownBy(() -> resolve(new ConfigSource(".env", Map.of("KAFKA_CLIENT_CONFIG", "client.properties"))))
                .isInstanceOf(FranzConfigException.class)
                .hasMessageContaining("set the brokers with KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void clientPropertiesAreACopy() {
        FranzConfig config = resolve();
        config.clientProperties().put("acks", "0");

        assertThat(config.clientProperties()).doesNotContainKey("acks");
    }

    @Test
    void newTopicUsesConfiguredPartitionsAndReplication() {
        FranzConfig config = resolve(new ConfigSource("environment",
                Map.of("TOPIC_PARTITIONS", "12", "TOPIC_REPLICATION_FACTOR", "3")));

        var topic = config.newTopic("orders");
        assertThat(topic.numPartitions()).isEqualTo(12);
        assertThat(topic.replicationFactor()).isEqualTo((short) 3);
    }

    @Test
    void newTopicWithoutAConfiguredReplicationFactorLeavesItToTheCluster() {
        FranzConfig config = resolve(new ConfigSource("environment", Map.of("TOPIC_REPLICATION_FACTOR", "")));

        var topic = config.newTopic("orders");
        assertThat(topic.numPartitions()).isEqualTo(3);
        assertThat(topic.replicationFactor()).isEqualTo((short) -1); // NewTopic's "broker default"
    }
}
