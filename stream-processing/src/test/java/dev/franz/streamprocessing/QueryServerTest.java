package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.events.UserTotals;
import dev.franz.common.events.WindowCount;
import dev.franz.common.json.Json;

/**
 * The query server's answers to bad queries, without Kafka: an application that holds every partition
 * itself, and records what it was asked. A bad query is a 400 with one line naming the parameter; no
 * answer ever holds a stack trace, not even when the store's reason is one.
 */
class QueryServerTest {

    /** What Kafka Streams' store gives as a failure message: the exception and its stack trace. */
    private static final String STORE_FAILURE = "java.lang.IllegalArgumentException: the store said no\n"
            + "\tat org.apache.kafka.streams.state.internals.StoreQueryUtils.runWindowKeyQuery(StoreQueryUtils.java:1)\n"
            + "\tat org.apache.kafka.streams.processor.internals.Task.query(Task.java:2)\n";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> asked = new ArrayList<>();
    private QueryServer server;
    private int port;
    private boolean storeFails;

    /** The stateful topology's description, as the program describes it. */
    private static final String TOPOLOGY = StreamsTopologies.stateful(new StreamTopics("events", "profiles", "type-counts",
            "user-totals", "enriched", "windowed-counts", "events.DLT")).describe().toString();

    private final QueryServer.Queries application = new QueryServer.Queries() {
        @Override
        public String self() {
            return "localhost:" + port;
        }

        @Override
        public String topology() {
            return TOPOLOGY;
        }

        @Override
        public QueryServer.Location locate(String store, String key) {
            return new QueryServer.Location(0, self(), List.of());
        }

        @Override
        public QueryServer.Copy<UserTotals> userHere(String user, int partition, boolean activeOnly) {
            return new QueryServer.Copy<>(null, false, 0);
        }

        @Override
        public QueryServer.Copy<List<WindowCount>> windowsHere(String eventType, int partition, Instant from,
                Instant to, boolean activeOnly) {
            asked.add(eventType + " " + from + " " + to);
            if (storeFails) {
                throw new QueryServer.NotReady("partition 0 of windows cannot be queried here now (STORE_EXCEPTION: "
                        + STORE_FAILURE + "): retry");
            }
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
            asked.add("all " + from + " " + to);
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
    };

    private void start(boolean windowed) throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = QueryServer.start(application, windowed, "127.0.0.1", port);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The answer's one line of error, after checking its status and that it is nothing else. */
    private static String error(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("\\n").doesNotContain("\\tat ").doesNotContain("\n");
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.size()).as(response.body()).isEqualTo(1);
        return body.path("error").asText();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/windows/click?from=-1000000000-01-01T00:00:00Z | from '-1000000000-01-01T00:00:00Z' is out of range: window"
                    + " start times go from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z",
            "/windows?from=-1000000000-01-01T00:00:00Z | from '-1000000000-01-01T00:00:00Z' is out of range",
            "/windows/click?to=%2B1000000000-12-31T23:59:59.999999999Z | to '+1000000000-12-31T23:59:59.999999999Z' is"
                    + " out of range",
            "/windows?to=%2B10000-01-01T00:00:00Z | to '+10000-01-01T00:00:00Z' is out of range",
            "/windows/click?from=1969-12-31T23:59:59Z | from '1969-12-31T23:59:59Z' is out of range",
            "/windows/click?from=1700000000 | malformed from '1700000000': an ISO-8601 instant",
            "/windows/click?to= | malformed to '': an ISO-8601 instant",
            "/windows?to=2026-13-01T00:00:00Z | malformed to '2026-13-01T00:00:00Z': an ISO-8601 instant",
            "/windows/click?from=2026-12-03T10:00:00Z&to=2026-12-03T09:00:00Z | the range is backwards: from"
                    + " 2026-12-03T10:00:00Z is after to 2026-12-03T09:00:00Z",
            "/windows?from=2026-12-03T10:00:00Z&to=2026-12-03T09:00:00Z | the range is backwards",
            "/windows?scope=everywhere | malformed scope 'everywhere': all (the default) or local",
            "/windows/a%20b | malformed event type 'a b'",
    })
    void aBadWindowsQueryIsA400NamingTheParameterAndTheStoreIsNotAsked(String path, String expected)
            throws Exception {
        start(true);

        assertThat(error(get(path), 400)).startsWith(expected);
        assertThat(asked).isEmpty();
    }

    @Test
    void theWidestRangeAllowedIsAsked() throws Exception {
        start(true);

        HttpResponse<String> response = get("/windows/click?from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59Z");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(asked).containsExactly("click 1970-01-01T00:00:00Z 9999-12-31T23:59:59Z");
    }

    @Test
    void aBadScopeOfTheStatefulQueriesIsA400Too() throws Exception {
        start(false);

        assertThat(error(get("/users?scope=some"), 400)).isEqualTo("malformed scope 'some': all (the default) or local");
        assertThat(error(get("/event-types?scope=LOCAL"), 400)).startsWith("malformed scope 'LOCAL'");
        assertThat(get("/users?scope=local").statusCode()).isEqualTo(200);
        assertThat(get("/users?scope=all").statusCode()).isEqualTo(200);
    }

    @Test
    void aStoreFailureIsA503WithItsFirstLineNotItsStackTrace() throws Exception {
        start(true);
        storeFails = true;

        HttpResponse<String> response = get("/windows/click?from=2026-12-03T09:00:00Z");

        assertThat(error(response, 503)).isEqualTo("partition 0 of windows cannot be queried here now"
                + " (STORE_EXCEPTION: java.lang.IllegalArgumentException: the store said no");
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
    }
    /**
     * GET /topology, in both modes: Topology.describe() as text, what the broker cannot know of an
     * application on the classic protocol (the live view points there); an unknown query names it.
     */
    @ParameterizedTest
    @CsvSource({"false, '/users/USER, /users, /event-types, /topology'", "true, '/windows/TYPE, /windows, /topology'"})
    void theTopologyIsAnsweredAsTextAndAnUnknownQueryNamesIt(boolean windowed, String known) throws Exception {
        start(windowed);

        HttpResponse<String> response = get("/topology");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("text/plain"));
        assertThat(response.body()).isEqualTo(TOPOLOGY).startsWith("Topologies:")
                .contains("Sub-topology: 0", "Sub-topology: 1", "(topics: [events])", "by-event-type-repartition",
                        "stores: [counts-by-event-type]", "stores: [totals-by-user]");
        assertThat(error(get("/nope"), 404)).isEqualTo("no such query: /nope (there are " + known + ")");
    }

    /** --serve answers requests meant for this machine only; curl's (no Origin) are answered. */
    @Test
    void aRequestForThisMachineIsAnswered() throws Exception {
        start(false);

        assertThat(rawGet("localhost:" + port, null)).startsWith("HTTP/1.1 200 OK").contains("\"users\":{}");
        assertThat(rawGet("127.0.0.1:" + port, null)).startsWith("HTTP/1.1 200 OK");
        assertThat(rawGet("[::1]:" + port, null)).startsWith("HTTP/1.1 200 OK");
    }

    /** A foreign Host (DNS rebinding) and a page of another site (Origin) are refused. */
    @Test
    void aForeignHostOrAPageOfAnotherSiteIsRefused() throws Exception {
        start(false);

        assertThat(rawGet("attacker.example:" + port, null)).startsWith("HTTP/1.1 403 Forbidden")
                .contains("{\"error\":\"refused: Host attacker.example:" + port + " is not this machine (a web page"
                        + " elsewhere may be trying DNS rebinding)\"}")
                .doesNotContain("\"users\"");
        assertThat(rawGet("localhost:" + port, "http://evil.example")).startsWith("HTTP/1.1 403 Forbidden")
                .contains("refused: a request sent by a page from another site (Origin http://evil.example)")
                .doesNotContain("\"users\"");
    }

    /**
     * The whole answer to GET /users sent with these headers, over a raw socket: Java's HttpClient does
     * not let a program choose the Host header.
     */
    private String rawGet(String host, String origin) throws IOException {
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
}
