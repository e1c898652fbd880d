package dev.franz.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What the live view's page asks for one order ({@code /api/order}), for the tests to compare with Kafka. */
final class LiveViewApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;

    LiveViewApi(int port) {
        this.url = "http://localhost:" + port + "/";
    }

    String url() {
        return url;
    }

    /** A port nobody listens on now, for the live view's page. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The order's trace, or null while the live view has seen nothing of it. */
    JsonNode order(String orderId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "api/order?id="
                + URLEncoder.encode(orderId, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }

    /** The trace's records with {@code role}, as "topic-partition@offset" (and " status" when asked). */
    static List<String> hops(JsonNode trace, String role, boolean withStatus) {
        List<String> found = new ArrayList<>();
        trace.get("hops").forEach(hop -> {
            if (hop.get("role").asText().equals(role)) {
                found.add(hop.get("topic").asText() + "-" + hop.get("partition").asInt() + "@" + hop.get("offset").asLong()
                        + (withStatus ? " " + hop.get("status").asText() : ""));
            }
        });
        return found;
    }
}
