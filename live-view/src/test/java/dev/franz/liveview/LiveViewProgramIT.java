package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.TestProcesses;

/** live-view as a learner runs it, in a JVM of its own: no broker, a busy port, Ctrl-C. */
class LiveViewProgramIT {

    @Test
    void withoutABrokerItSaysSoServesThePageThatSaysTheSameAndStopsOnCtrlC() throws Exception {
        int closedPort = EmbeddedKafkaBroker.freePort();
        int port = EmbeddedKafkaBroker.freePort();
        TestProcesses liveView = TestProcesses.java(LiveView.class, "--bootstrap-servers", "localhost:" + closedPort,
                "--port", String.valueOf(port));
        try {
            await("the URL printed").atMost(Duration.ofSeconds(20)).until(() -> liveView.printed("http://localhost:" + port));
            assertThat(liveView.lines()).anyMatch(line -> line.startsWith("No Kafka broker at localhost:" + closedPort));
            assertThat(liveView.printed("./mvnw -q compile exec:java -pl local-kafka")).isTrue();

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Franz live view");
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                    assertThat(csp).contains("script-src 'self'"));
            assertThat(firstClusterEventWithin10s(http, port)).contains("\"brokerUp\":false")
                    .contains("No Kafka broker answers at localhost:" + closedPort);

            liveView.process().destroy(); // SIGTERM, as Ctrl-C
            long stopAt = System.nanoTime();
            assertThat(liveView.process().waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s").isTrue();
            assertThat((System.nanoTime() - stopAt) / 1e9).isLessThan(10);
            assertThat(liveView.lines()).noneMatch(line -> line.contains("Exception"));
        } finally {
            liveView.process().destroyForcibly();
        }
    }

    @Test
    void aPortInUseIsOneClearMessageAndExitCode1() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            TestProcesses liveView = TestProcesses.java(LiveView.class, "--bootstrap-servers",
                    "localhost:" + EmbeddedKafkaBroker.freePort(), "--port", String.valueOf(taken.getLocalPort()));
            try {
                assertThat(liveView.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(liveView.process().exitValue()).isEqualTo(1);
                assertThat(liveView.lines()).anyMatch(line -> line.equals("Port " + taken.getLocalPort()
                        + " (the live view's web page) is already in use on 127.0.0.1."));
                assertThat(liveView.lines()).noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
            } finally {
                liveView.process().destroyForcibly();
            }
        }
    }

    /** The data of the first "cluster" server-sent event that says the broker is down, read as the page reads it. */
    private static String firstClusterEventWithin10s(HttpClient http, int port) throws Exception {
        HttpResponse<java.io.InputStream> events = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/events")).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
            String line;
            boolean cluster = false;
            while (System.nanoTime() < deadline && (line = in.readLine()) != null) {
                if (line.equals("event: cluster")) {
                    cluster = true;
                } else if (cluster && line.startsWith("data: ") && line.contains("\"brokerUp\":false")
                        && line.contains("No Kafka broker answers")) {
                    return line;
                } else if (line.isEmpty()) {
                    cluster = false;
                }
            }
        }
        return "(none within 10 s)";
    }
}
