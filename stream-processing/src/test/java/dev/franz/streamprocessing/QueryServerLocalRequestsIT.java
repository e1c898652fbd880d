package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.franz.common.events.UserTotals;
import dev.franz.common.events.WindowCount;

/**
 * --serve answers requests meant for this machine only: a foreign Host (DNS rebinding) and a page of
 * another site (Origin) are refused, curl's requests answered. Raw HTTP, because Java's HttpClient does
 * not let a program choose the Host header. One instance holding nothing: no Kafka needed.
 */
class QueryServerLocalRequestsIT {

    private static int port;
    private static QueryServer server;

    @BeforeAll
    static void start() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = QueryServer.start(new Empty("localhost:" + port), false, "localhost", port);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRequestForThisMachineIsAnswered() throws IOException {
        assertThat(answer("localhost:" + port, null)).startsWith("HTTP/1.1 200 OK").contains("\"users\":{}");
        assertThat(answer("127.0.0.1:" + port, null)).startsWith("HTTP/1.1 200 OK");
        assertThat(answer("[::1]:" + port, null)).startsWith("HTTP/1.1 200 OK");
    }

    @Test
    void aForeignHostOrAPageOfAnotherSiteIsRefused() throws IOException {
        assertThat(answer("attacker.example:" + port, null)).startsWith("HTTP/1.1 403 Forbidden")
                .contains("{\"error\":\"refused: Host attacker.example:" + port + " is not this machine (a web page"
                        + " elsewhere may be trying DNS rebinding)\"}")
                .doesNotContain("\"users\"");
        assertThat(answer("localhost:" + port, "http://evil.example")).startsWith("HTTP/1.1 403 Forbidden")
                .contains("refused: a request sent by a page from another site (Origin http://evil.example)")
                .doesNotContain("\"users\"");
    }

    /** The whole answer to GET /users sent with these headers. */
    private static String answer(String host, String origin) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /users HTTP/1.1\r\nHost: " + host + "\r\n" + (origin == null ? "" : "Origin: " + origin
                    + "\r\n") + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** An instance alone, holding the one partition, with no user yet. */
    private record Empty(String self) implements QueryServer.Queries {
        @Override
        public QueryServer.Location locate(String store, String key) {
            return new QueryServer.Location(0, self, List.of());
        }

        @Override
        public QueryServer.Copy<UserTotals> userHere(String user, int partition, boolean activeOnly) {
            return new QueryServer.Copy<>(null, false, 0);
        }

        @Override
        public QueryServer.Copy<List<WindowCount>> windowsHere(String eventType, int partition, Instant from,
                Instant to, boolean activeOnly) {
            return new QueryServer.Copy<>(List.of(), false, 0);
        }

        @Override
        public QueryServer.Part<Map<String, UserTotals>> localUsers() {
            return new QueryServer.Part<>(Map.of(), Set.of(0));
        }

        @Override
        public QueryServer.Part<Map<String, Long>> localEventTypes() {
            return new QueryServer.Part<>(Map.of(), Set.of(0));
        }

        @Override
        public QueryServer.Part<List<WindowCount>> localWindows(Instant from, Instant to) {
            return new QueryServer.Part<>(List.of(), Set.of(0));
        }

        @Override
        public int partitions() {
            return 1;
        }

        @Override
        public List<String> otherInstances() {
            return List.of();
        }
    }
}
