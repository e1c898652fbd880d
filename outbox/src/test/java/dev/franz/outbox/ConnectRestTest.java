package dev.franz.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.common.config.FranzConfig;

class ConnectRestTest {

    private final FranzConfig config = FranzConfig.defaultsWith(Map.of("TOPIC_ORDERS", "orders-7f3a",
            "POSTGRES_URL", "jdbc:postgresql://db.example.com:6543/shop", "POSTGRES_USER", "shop"));

    @Test
    void theOutboxConnectorReadsTheOutboxTableOfTheConfiguredDatabaseWithItsOwnSlotAndRoutesToTheOrdersTopic() {
        Map<String, String> c = ConnectRest.outboxConnector(config);

        assertThat(ConnectRest.outboxConnectorName(config)).isEqualTo("orders-7f3a-outbox");
        assertThat(c).containsEntry("database.hostname", "db.example.com").containsEntry("database.port", "6543")
                .containsEntry("database.dbname", "shop").containsEntry("database.user", "shop")
                .containsEntry("plugin.name", "pgoutput")
                .containsEntry("slot.name", "orders_7f3a_outbox") // a slot name takes no hyphen
                .containsEntry("table.include.list", "public.outbox")
                .containsEntry("transforms.outbox.route.topic.replacement", "orders-7f3a")
                .containsEntry("exactly.once.support", "required");
    }

    @Test
    void thePaymentsSinkSendsWhatItCannotWriteToADeadLetterTopicNamedAfterItsTopic() {
        Map<String, String> c = ConnectRest.paymentsSink(config);

        assertThat(ConnectRest.paymentsSinkName(config)).isEqualTo("payments-to-postgres");
        assertThat(c).containsEntry("topics", "payments").containsEntry("errors.tolerance", "all")
                .containsEntry("errors.deadletterqueue.topic.name", "payments.DLT")
                .containsEntry("connection.url", "jdbc:postgresql://db.example.com:6543/shop");
    }

    @Test
    void aTaskLineStandsUnderItsConnectorsStateWhateverTheNameLength() throws Exception {
        for (String name : new String[] {"orders-outbox", "orders-5f0c2d9a1b7e4c3f8a6d-outbox"}) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            ConnectRest.printStatus(new PrintStream(printed, true, StandardCharsets.UTF_8), new ObjectMapper().readTree(
                    "{\"name\":\"" + name + "\",\"type\":\"source\",\"connector\":{\"state\":\"RUNNING\","
                            + "\"worker_id\":\"localhost:8083\"},\"tasks\":[{\"id\":0,\"state\":\"RUNNING\","
                            + "\"worker_id\":\"localhost:8083\"}]}"));
            String[] lines = printed.toString(StandardCharsets.UTF_8).split("\n");

            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith(name + " ").contains(" source connector RUNNING    on localhost:8083");
            assertThat(lines[1]).endsWith("task 0  RUNNING    on localhost:8083");
            assertThat(lines[1].indexOf("task 0")).isEqualTo(lines[0].indexOf("connector"));
        }
    }

    @Test
    void connectsErrorMessageBecomesOneLine() {
        assertThat(ConnectRest.message("{\"error_code\":400,\"message\":\"Connector configuration is invalid and contains"
                + " the following 1 error(s):\\nMissing required configuration \\\"database.hostname\\\"\\nYou can also"
                + " find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`\"}"))
                .isEqualTo("Connector configuration is invalid and contains the following 1 error(s): Missing required"
                        + " configuration \"database.hostname\"; You can also find the above list of errors at the"
                        + " endpoint `/connector-plugins/{connectorType}/config/validate`");
        assertThat(ConnectRest.message("<html>Bad gateway</html>")).isEqualTo("<html>Bad gateway</html>");
    }
}
