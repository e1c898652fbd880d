package dev.franz.paymentssink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** The settings Connect validates when the connector is registered (what its REST API answers 400 with). */
class PaymentsSinkConnectorTest {

    private static List<String> errors(Map<String, String> settings, String name) {
        return new PaymentsSinkConnector().validate(settings).configValues().stream()
                .filter(value -> value.name().equals(name)).map(ConfigValue::errorMessages).findFirst().orElseThrow();
    }

    @Test
    void aPostgresUrlAndAPlainTableNameAreTaken() {
        Map<String, String> settings = Map.of("connection.url", "jdbc:postgresql://localhost:5432/franz",
                "table", "payments_2");

        assertThat(errors(settings, "connection.url")).isEmpty();
        assertThat(errors(settings, "table")).isEmpty();
    }

    @Test
    void anotherDatabasesUrlIsRefusedWithWhatItTakes() {
        assertThat(errors(Map.of("connection.url", "jdbc:mysql://localhost:3306/shop"), "connection.url"))
                .singleElement().asString()
                .startsWith("Invalid value jdbc:mysql://localhost:3306/shop for configuration connection.url:")
                .contains("jdbc:postgresql://HOST:PORT/DATABASE");
        assertThat(errors(Map.of(), "connection.url")).singleElement().asString().contains("connection.url");
    }

    @Test
    void aTableNameThatWouldChangeTheSqlIsRefused() {
        for (String table : List.of("payments; DROP TABLE orders", "Payments", "public.payments", "1st")) {
            assertThat(errors(Map.of("connection.url", "jdbc:postgresql://localhost/franz", "table", table), "table"))
                    .as(table).singleElement().asString().contains("a plain lower-case table name");
        }
    }
}
