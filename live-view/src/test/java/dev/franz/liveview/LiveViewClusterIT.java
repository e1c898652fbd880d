package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.testing.Browser;
import dev.franz.testing.KafkaBrokerExtension;

/**
 * The cluster view in a real browser on the usual single node, broker and controller at once (the other
 * tests' broker), said to be one. A real cluster of three, one of its brokers killed, is demo's
 * ClusterViewIT (live-view, a program, may not depend on local-kafka, another).
 */
class LiveViewClusterIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private static final Duration ON_THE_PAGE = Duration.ofSeconds(30);

    private static Browser browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = Browser.start();
    }

    @AfterAll
    static void closeBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void oneNodeThatIsBrokerAndControllerAtOnceIsSaidToBeOne() throws Exception {
        try (RunningLiveView liveView = RunningLiveView.start(kafka.clientProperties(), kafka.bootstrapServers())) {
            browser.open(liveView.url("cluster"));
            await("the cluster view").atMost(ON_THE_PAGE).until(() -> browser.count("#cluster .quorum-summary") == 1);
            String node = browser.attribute("#cluster tr[data-broker]", "data-broker");
            assertThat(browser.attributes("#cluster tr[data-broker]", "data-state")).containsExactly("up");
            assertThat(browser.text("#cluster .cluster-single")).startsWith("One node, broker " + node
                    + ", is both the broker and the controller").contains("local-kafka --brokers 3");
            assertThat(browser.text("#cluster .cluster-summary")).startsWith("1 of 1 broker(s) up · ");
            assertThat(browser.attribute("#cluster .quorum-summary", "data-leader")).isEqualTo(node);
            assertThat(browser.attributes("#cluster tr[data-role='voter, active controller']", "data-node"))
                    .containsExactly(node);
        }
    }
}
