package dev.franz.paymentssink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** What the sink makes of a record's converted JSON (a map, as JsonConverter without schemas gives it). */
class PaymentTest {

    private static Map<String, Object> payment() {
        Map<String, Object> fields = new HashMap<>(Map.of("order_id", "ord-1", "customer_id", "cust-2",
                "status", "declined", "reason", "amount over limit", "amount", 1200.5, "currency", "EUR",
                "processed_at", "2026-12-03T08:00:00Z"));
        return fields;
    }

    @Test
    void aPaymentResultBecomesARow() {
        PaymentsSinkTask.Payment payment = PaymentsSinkTask.Payment.of(payment());

        assertThat(payment).isEqualTo(new PaymentsSinkTask.Payment("ord-1", "cust-2", "declined", "amount over limit",
                new BigDecimal("1200.5"), "EUR", OffsetDateTime.parse("2026-12-03T08:00:00Z")));
    }

    @Test
    void aRecordThatIsNotAPaymentIsRefusedSayingWhy() {
        Map<String, Object> noOrder = payment();
        noOrder.remove("order_id");
        Map<String, Object> lost = payment();
        lost.put("status", "lost");
        Map<String, Object> words = payment();
        words.put("amount", "twelve");
        Map<String, Object> when = payment();
        when.put("processed_at", "yesterday");

        assertThatThrownBy(() -> PaymentsSinkTask.Payment.of(noOrder)).isInstanceOf(DataException.class)
                .hasMessage("order_id: missing");
        assertThatThrownBy(() -> PaymentsSinkTask.Payment.of(lost)).hasMessage("status: 'lost' is neither approved nor declined");
        assertThatThrownBy(() -> PaymentsSinkTask.Payment.of(words)).hasMessage("amount: expected a number, got twelve");
        assertThatThrownBy(() -> PaymentsSinkTask.Payment.of(when)).hasMessage("processed_at: 'yesterday' is not a timestamp");
        assertThatThrownBy(() -> PaymentsSinkTask.Payment.of("[1, 2]")).hasMessage("not a JSON object: String");
        assertThatThrownBy(() -> PaymentsSinkTask.Payment.of(null)).hasMessage("not a JSON object: no value");
    }

    @Test
    void theConnectorRefusesAConfigWithoutADatabase() {
        assertThatThrownBy(() -> new PaymentsSinkConnector().start(Map.of("topics", "payments")))
                .hasMessageContaining("connection.url");
    }
}
