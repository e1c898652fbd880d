package dev.franz.streamprocessing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.common.UserFacingException;
import dev.franz.common.events.UserTotals;
import dev.franz.common.json.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * The state of a running Kafka Streams application over HTTP, as JSON (no Kafka calls here: the
 * queries themselves are {@link StreamProcessing}'s, behind {@link Queries}). A key held by another
 * instance of the application is asked of that instance, once; what all instances hold is gathered
 * from each. Every error is a status and one line of JSON, never a stack trace.
 *
 * <pre>
 * GET /users/USER    one user's totals, from the instance that holds them
 * GET /users         every user's totals, from every instance
 * GET /event-types   the count of each event type, from every instance
 * </pre>
 */
final class QueryServer implements AutoCloseable {

    /** What the server needs of the application: its state, where each key is, its other instances. */
    interface Queries {
        /** This instance's host:port, as its application.server. */
        String self();

        /** The user's totals if this instance holds them (value null: no events yet), else where they are. */
        Located<UserTotals> user(String user);

        /** The totals of the users whose partitions this instance holds. */
        Map<String, UserTotals> localUsers();

        /** The counts of the event types whose partitions this instance holds. */
        Map<String, Long> localEventTypes();

        /** host:port of every other instance of the application. */
        List<String> otherInstances();
    }

    /** A key's value here ({@code elsewhere} null), or the instance that holds it. */
    record Located<V>(V value, int partition, String elsewhere) {
    }

    /** The state cannot be asked now (a rebalance moves it, the application is starting): retry. */
    static final class NotReady extends RuntimeException {
        NotReady(String message) {
            super(message);
        }
    }

    static final String FORWARDED = "X-Franz-Forwarded-By";
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final ObjectMapper JSON = Json.mapper();

    private final Queries queries;
    private final Javalin app;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private QueryServer(Queries queries, String host, int port) {
        this.queries = queries;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.routes.get("/users/{user}", this::user);
            config.routes.get("/users", ctx -> all(ctx, "/users", "users",
                    () -> new TreeMap<>(queries.localUsers())));
            config.routes.get("/event-types", ctx -> all(ctx, "/event-types", "event_types",
                    () -> new TreeMap<>(queries.localEventTypes())));
            config.routes.exception(NotReady.class, (e, ctx) -> {
                ctx.header("Retry-After", "1");
                error(ctx, 503, e.getMessage());
            });
            config.routes.exception(Exception.class, (e, ctx) -> error(ctx, 500, e.getClass().getSimpleName() + ": "
                    + e.getMessage()));
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || !ctx.result().startsWith("{")) {
                    error(ctx, 404, "no such query: " + ctx.path() + " (there are /users/USER, /users, /event-types)");
                }
            });
        });
    }

    /** Serves on {@code host:port}; a port in use is one clear message, not a stack trace. */
    static QueryServer start(Queries queries, String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new UserFacingException("Port " + port + " (--serve) is already in use on " + host + ": another"
                    + " instance may run there. Give each instance its own port.");
        }
        QueryServer server = new QueryServer(queries, host, port);
        server.app.start();
        return server;
    }

    private void user(Context ctx) throws Exception {
        String user = ctx.pathParam("user");
        if (!USER_ID.matcher(user).matches()) {
            error(ctx, 400, "malformed user id '" + user + "': 1 to 100 letters, digits, '.', '_' or '-'");
            return;
        }
        Located<UserTotals> located = queries.user(user);
        if (located.elsewhere() != null) {
            if (ctx.header(FORWARDED) != null) {
                // Asked on behalf of another instance, which thought this one holds it: a rebalance is moving it.
                throw new NotReady("user " + user + " is moving between instances (a rebalance): retry");
            }
            forward(ctx, located.elsewhere(), "/users/" + user);
            return;
        }
        if (located.value() == null) {
            error(ctx, 404, "no events of user " + user + " yet");
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("user", user);
        answer.put("totals", located.value());
        answer.put("partition", located.partition());
        answer.put("answered_by", queries.self());
        json(ctx, 200, answer);
    }

    /** This instance's part, and with {@code ?scope=all} (the default) every other instance's. */
    private void all(Context ctx, String path, String field, Supplier<Map<String, ?>> local)
            throws Exception {
        Map<String, Object> merged = new TreeMap<>(local.get());
        List<String> answeredBy = new ArrayList<>(List.of(queries.self()));
        List<String> missing = new ArrayList<>();
        if (!"local".equals(ctx.queryParam("scope"))) {
            for (String instance : queries.otherInstances()) {
                try {
                    HttpResponse<String> response = get(instance, path + "?scope=local");
                    if (response.statusCode() != 200) {
                        missing.add(instance + ": " + JSON.readTree(response.body()).path("error").asText());
                        continue;
                    }
                    merged.putAll(JSON.convertValue(JSON.readTree(response.body()).path(field),
                            new TypeReference<Map<String, Object>>() { }));
                    answeredBy.add(instance);
                } catch (IOException e) {
                    missing.add(instance + ": does not answer (" + e.getClass().getSimpleName() + ")");
                }
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put(field, merged);
        answer.put("answered_by", answeredBy);
        if (!missing.isEmpty()) {
            answer.put("incomplete", missing); // what those instances hold is not in the answer
        }
        json(ctx, 200, answer);
    }

    /** Asks {@code instance} the same question and passes its answer on as it is. */
    private void forward(Context ctx, String instance, String path) throws Exception {
        try {
            HttpResponse<String> response = get(instance, path);
            ctx.status(response.statusCode()).contentType("application/json").result(response.body());
            response.headers().firstValue("Retry-After").ifPresent(value -> ctx.header("Retry-After", value));
        } catch (ConnectException | HttpTimeoutException e) {
            throw new NotReady("the instance holding it, " + instance + ", does not answer: gone? Its partitions move to"
                    + " the other instances after the rebalance; retry");
        }
    }

    private HttpResponse<String> get(String instance, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + instance + path))
                .timeout(Duration.ofSeconds(5)).header(FORWARDED, queries.self()).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void error(Context ctx, int status, String message) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("error", message);
        try {
            json(ctx, status, answer);
        } catch (IOException e) {
            ctx.status(status).result(message);
        }
    }

    private static void json(Context ctx, int status, Object value) throws IOException {
        ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(value));
    }

    @Override
    public void close() {
        app.stop();
    }
}
