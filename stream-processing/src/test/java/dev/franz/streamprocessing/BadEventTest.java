package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.franz.common.events.UserEvent;

class BadEventTest {

    private static final UserEvent CLICK = new UserEvent("user-1", UserEvent.CLICK, Instant.EPOCH, Map.of());

    @Test
    void anEventWithAUserAndATypeIsUsed() {
        assertThat(BadEvent.check("user-1", CLICK)).isSameAs(CLICK);
        assertThat(BadEvent.check("user-1", new UserEvent("user-1", UserEvent.PURCHASE, Instant.EPOCH,
                Map.of("amount", "12.50")))).isNotNull();
    }

    @Test
    void eachThingLevel2CannotComputeWithIsABadEventSaidInOneLine() {
        assertThatThrownBy(() -> BadEvent.check("user-1", null)).hasMessage("no event (a tombstone or JSON null)");
        assertThatThrownBy(() -> BadEvent.check(null, CLICK)).hasMessage("no key: the key is the user id");
        assertThatThrownBy(() -> BadEvent.check("u".repeat(1_000_000), CLICK))
                .hasMessage("a key (user id) of 1000000 characters (at most 100)");
        assertThatThrownBy(() -> BadEvent.check("user-1", new UserEvent("user-1", null, Instant.EPOCH, Map.of())))
                .hasMessage("no event_type");
        assertThatThrownBy(() -> BadEvent.check("user-1", new UserEvent("user-1", "x".repeat(101), Instant.EPOCH,
                Map.of()))).hasMessage("an event_type of 101 characters (at most 100)");
        assertThatThrownBy(() -> BadEvent.check("user-1", new UserEvent("user-1", UserEvent.PURCHASE, Instant.EPOCH,
                Map.of("amount", "abc")))).isInstanceOf(BadEvent.class).hasMessageStartingWith("purchase amount 'abc'");
    }
}
