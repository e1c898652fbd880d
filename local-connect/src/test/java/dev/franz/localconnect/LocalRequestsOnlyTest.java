package dev.franz.localconnect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LocalRequestsOnlyTest {

    private static final List<String> HOSTS = List.of("localhost:8083", "127.0.0.1:8083", "[::1]:8083");

    @Test
    void theWorkersPortComesFromItsListener() {
        LocalRequestsOnly extension = new LocalRequestsOnly();
        extension.configure(Map.of("listeners", "http://localhost:18083"));
        assertThat(extension.hosts()).containsExactly("localhost:18083", "127.0.0.1:18083", "[::1]:18083");
        assertThat(LocalRequestsOnly.refusal(extension.hosts(), "localhost:8083", null)).isNotNull(); // another port
    }

    @Test
    void curlAndTheCoursesProgramsAreAnswered() {
        assertThat(LocalRequestsOnly.refusal(HOSTS, "localhost:8083", null)).isNull();
        assertThat(LocalRequestsOnly.refusal(HOSTS, "127.0.0.1:8083", null)).isNull();
        assertThat(LocalRequestsOnly.refusal(HOSTS, "[::1]:8083", null)).isNull();
        assertThat(LocalRequestsOnly.refusal(HOSTS, "localhost:8083", "http://localhost:8083")).isNull();
    }

    @Test
    void aForeignHostOrAPageOfAnotherSiteIsRefused() {
        assertThat(LocalRequestsOnly.refusal(HOSTS, "attacker.example:8083", null)).isEqualTo("Refused: Host"
                + " attacker.example:8083 is not this machine (a web page elsewhere may be trying DNS rebinding)");
        assertThat(LocalRequestsOnly.refusal(HOSTS, null, null)).isNotNull();
        assertThat(LocalRequestsOnly.refusal(HOSTS, "localhost:8083", "http://evil.example"))
                .isEqualTo("Refused: a request sent by a page from another site (Origin http://evil.example)");
        assertThat(LocalRequestsOnly.refusal(HOSTS, "localhost:8083", "null")).isNotNull();
    }
}
