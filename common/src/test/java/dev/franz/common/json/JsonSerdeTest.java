package dev.franz.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.franz.common.events.Notification;
import dev.franz.common.events.NotificationKind;
import dev.franz.common.events.Order;
import dev.franz.common.events.OrderItem;
import dev.franz.common.events.PaymentResult;
import dev.franz.common.events.PaymentStatus;
import dev.franz.common.events.UserEvent;

/** The JSON on the topics is a contract with other clients: these tests pin its exact shape. */
class JsonSerdeTest {

    private static final Instant AT = Instant.parse("2026-11-26T18:16:48.123Z");

    private static String write(Object value) {
        return new String(new JsonSerializer<>().serialize("t", value), StandardCharsets.UTF_8);
    }

    private static <T> T read(String json, Class<T> type) {
        return new JsonDeserializer<>(type).deserialize("t", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void userEventShape() {
        UserEvent event = new UserEvent("user-7", UserEvent.PURCHASE, AT, Map.of("amount", "42.50"));

        assertThat(write(event)).isEqualTo("{\"user_id\":\"user-7\",\"event_type\":\"purchase\","
                + "\"timestamp\":\"2026-11-26T18:16:48.123Z\",\"attributes\":{\"amount\":\"42.50\"}}");
        assertThat(read(write(event), UserEvent.class)).isEqualTo(event);
    }

    @Test
    void orderShape() {
        Order order = new Order("ord-1", "cust-12", List.of(new OrderItem("BOOK-42", 2, new BigDecimal("12.50"))),
                new BigDecimal("25.00"), "EUR", AT);

        assertThat(write(order)).isEqualTo("{\"order_id\":\"ord-1\",\"customer_id\":\"cust-12\",\"items\":"
                + "[{\"sku\":\"BOOK-42\",\"quantity\":2,\"unit_price\":12.50}],\"amount\":25.00,\"currency\":\"EUR\","
                + "\"created_at\":\"2026-11-26T18:16:48.123Z\"}");
        assertThat(read(write(order), Order.class)).isEqualTo(order);
    }

    @Test
    void paymentResultShape() {
        PaymentResult result = new PaymentResult("ord-1", "cust-12", PaymentStatus.DECLINED, "amount over limit",
                new BigDecimal("25.00"), "EUR", AT);

        assertThat(write(result)).isEqualTo("{\"order_id\":\"ord-1\",\"customer_id\":\"cust-12\","
                + "\"status\":\"declined\",\"reason\":\"amount over limit\",\"amount\":25.00,\"currency\":\"EUR\","
                + "\"processed_at\":\"2026-11-26T18:16:48.123Z\"}");
        assertThat(read(write(result), PaymentResult.class)).isEqualTo(result);
    }

    @Test
    void notificationShape() {
        Notification notification = new Notification("ord-1", "cust-12", NotificationKind.PAYMENT_APPROVED,
                "Your payment was approved.", AT);

        assertThat(write(notification)).isEqualTo("{\"order_id\":\"ord-1\",\"customer_id\":\"cust-12\","
                + "\"kind\":\"payment_approved\",\"message\":\"Your payment was approved.\","
                + "\"created_at\":\"2026-11-26T18:16:48.123Z\"}");
        assertThat(read(write(notification), Notification.class)).isEqualTo(notification);
    }

    @Test
    void unknownFieldsFromNewerProducersAreIgnored() {
        UserEvent event = read("{\"user_id\":\"u1\",\"event_type\":\"click\",\"timestamp\":\"2026-11-26T18:16:48Z\","
                + "\"session_id\":\"s-9\"}", UserEvent.class);

        assertThat(event.userId()).isEqualTo("u1");
        assertThat(event.attributes()).isEmpty();
    }

    @Test
    void nullStaysNullBothWays() {
        assertThat(new JsonSerializer<UserEvent>().serialize("t", null)).isNull();
        assertThat(new JsonDeserializer<>(UserEvent.class).deserialize("t", null)).isNull();
    }

    @Test
    void malformedJsonIsAShortSerializationException() {
        assertThatThrownBy(() -> read("{\"user_id\": oops", UserEvent.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("Not a valid UserEvent JSON on topic t: Unrecognized token 'oops'")
                .hasMessageContaining("(at line 1, column");
    }

    @Test
    void wrongTypeIsASerializationException() {
        assertThatThrownBy(() -> read("{\"order_id\":\"o1\",\"status\":\"maybe\"}", PaymentResult.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Not a valid PaymentResult JSON on topic t")
                .hasMessageContaining("maybe");
    }
}
