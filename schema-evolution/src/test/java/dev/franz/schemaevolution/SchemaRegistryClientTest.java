package dev.franz.schemaevolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The registry client's HTTP behaviour against a stand-in server (the real registry is in
 * SchemaEvolutionIT): credentials, answers that are not a registry's, and one request per schema.
 */
class SchemaRegistryClientTest {

    private final HttpServer server = start();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "[]";

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void basicAuthIsSentAsConfluentCloudExpectsIt() {
        client(Optional.of("KEY:SECRET")).checkReachable();

        assertThat(requests).containsExactly("GET /api/subjects Basic S0VZOlNFQ1JFVA=="); // base64("KEY:SECRET")
    }

    @Test
    void refusedCredentialsNameTheSettingToCheck() {
        status = 401;
        body = "{\"error_code\":401,\"message\":\"Unauthorized\"}";

        assertThatThrownBy(() -> client(Optional.of("KEY:WRONG")).checkReachable())
                .isInstanceOf(SchemaRegistryClient.RegistryUnavailableException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("SCHEMA_REGISTRY_BASIC_AUTH");
    }

    @Test
    void aWebServerThatIsNotTheRegistrysApiSaysWhereApicurioServesIt() {
        status = 404;
        body = "<html>Not Found</html>";

        assertThatThrownBy(() -> client(Optional.empty()).checkReachable())
                .isInstanceOf(SchemaRegistryClient.RegistryUnavailableException.class)
                .hasMessageContaining("/apis/ccompat/v7").hasMessageContaining("local-schema-registry");
    }

    @Test
    void aSchemaIsRegisteredOnceThenItsIdComesFromTheCache() {
        body = "{\"id\":7}";
        SchemaRegistryClient client = client(Optional.empty());
        Schema schema = OrderSchemas.Version.V1.schema();

        assertThat(client.register("orders-value", schema)).isEqualTo(7);
        assertThat(client.register("orders-value", OrderSchemas.Version.V1.schema())).isEqualTo(7); // an equal schema
        assertThat(client.schemaById(7)).isSameAs(schema); // known from the registration: no request

        assertThat(requests).containsExactly("POST /api/subjects/orders-value/versions none");
    }

    private SchemaRegistryClient client(Optional<String> basicAuth) {
        return new SchemaRegistryClient(URI.create("http://localhost:" + server.getAddress().getPort() + "/api"), basicAuth);
    }

    private HttpServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            http.createContext("/", this::answer);
            http.start();
            return http;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                + (authorization == null ? "none" : authorization));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
