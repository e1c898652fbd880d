package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalRequestsTest {

    private final LocalRequests local = new LocalRequests("127.0.0.1", 8088);

    @Test
    void thisMachineByAnyOfItsLoopbackNamesWithThePortIsAnswered() {
        assertThat(local.refusal("localhost:8088", null)).isNull();
        assertThat(local.refusal("LOCALHOST:8088", null)).isNull();
        assertThat(local.refusal("127.0.0.1:8088", null)).isNull();
        assertThat(local.refusal("[::1]:8088", null)).isNull();
        // The live view's own page, when the browser adds Origin.
        assertThat(local.refusal("localhost:8088", "http://localhost:8088")).isNull();
    }

    @Test
    void anotherHostAnotherPortOrNoHostIsRefusedAsDnsRebinding() {
        assertThat(local.refusal("attacker.example:8088", null)).isEqualTo("Refused: Host attacker.example:8088 is not"
                + " this machine (a web page elsewhere may be trying DNS rebinding). Open http://localhost:8088/");
        assertThat(local.refusal("localhost:9999", null)).isNotNull();
        assertThat(local.refusal("localhost", null)).isNotNull();
        // An Origin is a scheme and a host: one without http:// is never the live view's own page.
        assertThat(local.refusal("localhost:8088", "localhost:8088")).isNotNull();
        assertThat(local.refusal(null, null)).isNotNull();
    }

    @Test
    void aRequestFromAPageOfAnotherSiteIsRefused() {
        assertThat(local.refusal("localhost:8088", "http://evil.example"))
                .isEqualTo("Refused: a request sent by a page from another site (Origin http://evil.example)");
        assertThat(local.refusal("localhost:8088", "https://localhost:8088")).isNotNull(); // another scheme: another site
        assertThat(local.refusal("localhost:8088", "null")).isNotNull(); // a sandboxed page, a file
        assertThat(local.refusal("localhost:8088", "http://localhost:3000")).isNotNull(); // another port: another site
    }

    @Test
    void boundElsewhereOnPurposeTheAddressBoundToIsAnsweredTooAndTheLearnerIsToldWhatThatExposes() {
        LocalRequests lan = new LocalRequests("10.1.2.3", 8088);
        assertThat(lan.refusal("10.1.2.3:8088", "http://10.1.2.3:8088")).isNull();
        assertThat(lan.refusal("localhost:8088", null)).isNull();
        assertThat(lan.refusal("attacker.example:8088", null)).isNotNull();

        assertThat(LocalRequests.exposure("127.0.0.1")).isNull();
        assertThat(LocalRequests.exposure("localhost")).isNull();
        assertThat(LocalRequests.exposure("0.0.0.0")).isEqualTo("  exposed  : --bind 0.0.0.0 serves every topic's"
                + " records, read with your client settings, to anyone who can reach this machine (no password)");
        assertThat(LocalRequests.exposure("10.1.2.3")).endsWith("to anyone who can reach 10.1.2.3 (no password)");
    }
}
