package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.franz.embedded.EmbeddedKafkaBroker;

/**
 * The live view answers requests meant for this machine only, as the browser of a learner would send
 * them: raw HTTP, because Java's HttpClient does not let a program choose the Host header (curl does).
 */
class LiveViewLocalRequestsIT {

    private static RunningLiveView liveView;
    private static int port;

    @BeforeAll
    static void start() {
        // No broker needed: the page and its answers are served while the live view waits for one.
        Properties client = new Properties();
        client.put("bootstrap.servers", "localhost:" + EmbeddedKafkaBroker.freePort());
        liveView = RunningLiveView.start(client, client.getProperty("bootstrap.servers"));
        port = URI.create(liveView.url()).getPort();
    }

    @AfterAll
    static void stop() {
        if (liveView != null) {
            liveView.close();
        }
    }

    @Test
    void aRequestForThisMachineIsAnsweredByEachOfItsNames() throws IOException {
        assertThat(statusLine("localhost:" + port, null, "/")).isEqualTo("HTTP/1.1 200 OK");
        assertThat(statusLine("127.0.0.1:" + port, null, "/")).isEqualTo("HTTP/1.1 200 OK");
        assertThat(statusLine("[::1]:" + port, null, "/")).isEqualTo("HTTP/1.1 200 OK");
        // The page's own requests, with its own Origin.
        assertThat(statusLine("localhost:" + port, "http://localhost:" + port, "/api/order?id=ord-1"))
                .isEqualTo("HTTP/1.1 404 Not Found"); // answered: no such order seen
    }

    @Test
    void aForeignHostIsRefusedSoDnsRebindingReadsNoRecord() throws IOException {
        // curl -H 'Host: attacker.example' -H 'Accept: text/event-stream' localhost:8088/events
        assertThat(statusLine("attacker.example:" + port, null, "/events")).isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(statusLine("attacker.example:" + port, null, "/")).isEqualTo("HTTP/1.1 403 Forbidden");
    }

    @Test
    void aRequestFromAPageOfAnotherSiteIsRefused() throws IOException {
        assertThat(statusLine("localhost:" + port, "http://evil.example", "/events")).isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(statusLine("localhost:" + port, "http://evil.example", "/api/record?topic=orders&partition=0&offset=0"))
                .isEqualTo("HTTP/1.1 403 Forbidden");
    }

    /** The first line of the answer to GET {@code path} sent to the live view with these headers. */
    private static String statusLine(String host, String origin, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "Connection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
