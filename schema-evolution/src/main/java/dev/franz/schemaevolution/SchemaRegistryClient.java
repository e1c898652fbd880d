package dev.franz.schemaevolution;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.franz.common.UserFacingException;
import dev.franz.common.config.FranzConfig;

/**
 * A client of Confluent's Schema Registry REST API, the API every registry speaks (Confluent's,
 * Karapace, Redpanda, Apicurio's "ccompat"): the few calls the lesson makes, each one HTTP request.
 *
 * <ul>
 *   <li>{@code POST /subjects/{subject}/versions} registers a schema and answers its id (the same
 *       id again for a schema already registered);</li>
 *   <li>{@code GET /schemas/ids/{id}} answers the schema with that id;</li>
 *   <li>{@code GET|PUT /config/{subject}} reads or sets the subject's compatibility level;</li>
 *   <li>{@code POST /compatibility/subjects/{subject}/versions/latest} tests a schema without
 *       registering it.</li>
 * </ul>
 * Ids and schemas never change once registered, so both are cached: one request per schema, not per record.
 */
public final class SchemaRegistryClient {

    /** How long a request may take: a registry that is down is reported within 15 s. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final URI url;
    private final Optional<String> authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectAndSchema, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    /** A cache key: Avro schemas compare by content and cache their hash code. */
    private record SubjectAndSchema(String subject, Schema schema) {
    }

    public SchemaRegistryClient(URI url, Optional<String> basicAuth) {
        this.url = url;
        this.authorization = basicAuth.map(userInfo -> "Basic "
                + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }

    public static SchemaRegistryClient of(FranzConfig config) {
        return new SchemaRegistryClient(config.schemaRegistryUrl(), config.schemaRegistryBasicAuth());
    }

    public URI url() {
        return url;
    }

    /** Fails within 15 s, with what to do, unless a registry answers at {@link #url()}. */
    public List<String> checkReachable() {
        JsonNode subjects;
        try {
            subjects = call("GET", "/subjects", null);
        } catch (RegistryError e) {
            if (e.httpStatus() == 401 || e.httpStatus() == 403) {
                throw new RegistryUnavailableException("The schema registry at " + url + " refused this client (HTTP "
                        + e.httpStatus() + "): check SCHEMA_REGISTRY_BASIC_AUTH (user:password; Confluent Cloud: the"
                        + " registry's API key:secret).", e);
            }
            throw new RegistryUnavailableException(unreachable("something answers, but not as a schema registry ("
                    + e.getMessage() + "). Is it the URL of the registry's Confluent-compatible API? Apicurio serves"
                    + " it under /apis/ccompat/v7"), e);
        }
        List<String> names = new ArrayList<>();
        subjects.forEach(subject -> names.add(subject.asText()));
        return names;
    }

    /** Registers {@code schema} under {@code subject} (if not already there) and returns its id. */
    public int register(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(new SubjectAndSchema(subject, schema), key -> {
            int id = call("POST", "/subjects/" + subject + "/versions", schemaBody(schema)).path("id").asInt();
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    /** The schema registered with {@code id}. */
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, key -> new Schema.Parser()
                .parse(call("GET", "/schemas/ids/" + id, null).path("schema").asText()));
    }

    /** The versions registered under {@code subject}: an empty list if none. */
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        try {
            call("GET", "/subjects/" + subject + "/versions", null).forEach(version -> versions.add(version.asInt()));
        } catch (RegistryError e) {
            if (e.httpStatus() != 404) {
                throw e;
            }
        }
        return versions;
    }

    /** The subject's compatibility level, or the registry's global one if the subject has none. */
    public String compatibility(String subject) {
        try {
            return call("GET", "/config/" + subject, null).path("compatibilityLevel").asText();
        } catch (RegistryError e) {
            if (e.httpStatus() != 404) {
                throw e;
            }
            return call("GET", "/config", null).path("compatibilityLevel").asText() + " (the registry's default)";
        }
    }

    /** Sets the subject's compatibility level, e.g. BACKWARD. */
    public void setCompatibility(String subject, String level) {
        ObjectNode body = json.createObjectNode().put("compatibility", level);
        call("PUT", "/config/" + subject, body);
    }

    /** Whether {@code schema} may be registered next under {@code subject}: empty if yes, else why not. */
    public Optional<String> incompatibility(String subject, Schema schema) {
        JsonNode answer;
        try {
            answer = call("POST", "/compatibility/subjects/" + subject + "/versions/latest?verbose=true",
                    schemaBody(schema));
        } catch (RegistryError e) {
            if (e.httpStatus() == 404) {
                return Optional.empty(); // nothing registered yet: anything goes
            }
            throw e;
        }
        if (answer.path("is_compatible").asBoolean()) {
            return Optional.empty();
        }
        // Confluent's registry lists the reasons under "messages", Apicurio's gives one "reason".
        List<String> reasons = new ArrayList<>();
        answer.path("messages").forEach(message -> reasons.add(message.asText()));
        String reason = reasons.isEmpty() ? answer.path("reason").asText("no reason given") : String.join("; ", reasons);
        return Optional.of(reason);
    }

    private ObjectNode schemaBody(Schema schema) {
        return json.createObjectNode().put("schemaType", "AVRO").put("schema", schema.toString());
    }

    private JsonNode call(String method, String path, JsonNode body) {
        URI uri = URI.create(url + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Accept", CONTENT_TYPE)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(value -> request.header("Authorization", value));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new RegistryUnavailableException(unreachable("nothing answers (" + describe(e) + ")"), e);
        } catch (HttpTimeoutException e) {
            throw new RegistryUnavailableException(unreachable("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s"), e);
        } catch (IOException e) {
            throw new RegistryUnavailableException(unreachable(describe(e)), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("Interrupted while calling the schema registry at " + url, e);
        }
        JsonNode answer = parse(response);
        if (response.statusCode() / 100 != 2) {
            throw new RegistryError(method, uri, response.statusCode(), answer);
        }
        return answer;
    }

    private JsonNode parse(HttpResponse<String> response) {
        try {
            return json.readTree(response.body().isEmpty() ? "{}" : response.body());
        } catch (IOException e) {
            if (response.statusCode() == 404) {
                throw new RegistryUnavailableException(unreachable("HTTP 404 and not the registry's JSON: is the URL"
                        + " the registry's Confluent-compatible API? Apicurio serves it under /apis/ccompat/v7"), e);
            }
            return json.createObjectNode().put("message", response.body());
        }
    }

    private String unreachable(String what) {
        return "No schema registry at " + url + ": " + what + ".\n"
                + "Start the local one in another terminal:  ./mvnw -q compile exec:java -pl local-schema-registry\n"
                + "or set SCHEMA_REGISTRY_URL (in .env or the environment) to your registry's address.";
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The registry is down or not at the URL: a person must act, no record is to blame. */
    public static final class RegistryUnavailableException extends UserFacingException {
        RegistryUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The registry answered with an error, e.g. HTTP 409 for an incompatible schema, 404 for an unknown id. */
    public static final class RegistryError extends UserFacingException {
        private final int httpStatus;
        private final int errorCode;

        RegistryError(String method, URI uri, int httpStatus, JsonNode answer) {
            super("The schema registry refused " + method + " " + uri.getPath() + " with HTTP " + httpStatus
                    + " (error " + answer.path("error_code").asInt(httpStatus) + "): "
                    + answer.path("message").asText("no message"));
            this.httpStatus = httpStatus;
            this.errorCode = answer.path("error_code").asInt(httpStatus);
        }

        public int httpStatus() {
            return httpStatus;
        }

        /** The registry's own code, e.g. 40403 "schema not found", 409 incompatible. */
        public int errorCode() {
            return errorCode;
        }
    }
}
