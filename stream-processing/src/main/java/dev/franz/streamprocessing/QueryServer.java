package dev.franz.streamprocessing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.common.UserFacingException;
import dev.franz.common.events.UserTotals;
import dev.franz.common.events.WindowCount;
import dev.franz.common.json.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * The state of a running Kafka Streams application over HTTP, as JSON (no Kafka calls here: the
 * queries themselves are in {@link StateQueries}, behind {@link Queries}). A key held by another
 * instance is asked of that instance, once; when it does not answer, of an instance with a standby
 * copy, and the answer says it is one. What all instances hold is gathered from each
 * ({@link OtherInstances}); what a query may ask is checked by {@link QueryParameters}. Every error is
 * a status and one line of JSON, never a stack trace.
 *
 * <pre>
 * stateful mode
 * GET /users/USER    one user's totals, from the instance that holds them
 * GET /users         every user's totals, from every instance
 * GET /event-types   the count of each event type, from every instance
 * windowed mode (from, to: the windows' start times, ISO-8601; default the last hour)
 * GET /windows/TYPE?from=..&amp;to=..   one event type's windows
 * GET /windows?from=..&amp;to=..        every event type's windows, from every instance
 * both modes
 * GET /topology      the topology (Topology.describe()), as text: what a group on the classic
 *                    protocol does not tell the broker, and the live view cannot show
 * </pre>
 */
final class QueryServer implements AutoCloseable {

    /** What the server needs of the application: its state, where each key is, its other instances. */
    interface Queries {
        /** This instance's host:port, as its application.server. */
        String self();

        /** The application's topology as Kafka Streams describes it, as text. */
        String topology();

        /** Where {@code key} of {@code store} is now; {@link NotReady} while Kafka Streams does not know. */
        Location locate(String store, String key);

        /** The user's totals in this instance's copy of {@code partition}: the active one, or any. */
        Copy<UserTotals> userHere(String user, int partition, boolean activeOnly);

        /** The event type's windows starting from {@code from} to {@code to}, in this instance's copy. */
        Copy<List<WindowCount>> windowsHere(String eventType, int partition, Instant from, Instant to,
                boolean activeOnly);

        /** The totals of the users whose partitions this instance holds (active copies). */
        Part<Map<String, UserTotals>> localUsers();

        /** The counts of the event types whose partitions this instance holds. */
        Part<Map<String, Long>> localEventTypes();

        /** The windows starting from {@code from} to {@code to} of the partitions this instance holds. */
        Part<List<WindowCount>> localWindows(Instant from, Instant to);

        /** How many partitions each store has (those of the input topic). */
        int partitions();

        /** host:port of every other instance of the application. */
        List<String> otherInstances();
    }

    /** Where a key is: its partition, the instance with the active copy, those with standby copies. */
    record Location(int partition, String active, List<String> standbys) {
    }

    /**
     * A copy's answer ({@code value} null: no such key). A standby copy follows the changelog and may be
     * behind the active copy by {@code lagRecords}.
     */
    record Copy<V>(V value, boolean standby, long lagRecords) {
    }

    /** What one instance holds of a store: the values of the partitions it answered for. */
    record Part<V>(V values, Set<Integer> partitions) {
    }

    /** The state cannot be asked now (a rebalance moves it, the application is starting): retry. */
    static final class NotReady extends RuntimeException {
        NotReady(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = Json.mapper();

    private final Queries queries;
    private final Javalin app;
    private final OtherInstances instances;

    private QueryServer(Queries queries, boolean windowed, String host, int port) {
        this.queries = queries;
        this.instances = new OtherInstances(queries);
        String known = windowed ? "/windows/TYPE, /windows, /topology" : "/users/USER, /users, /event-types, /topology";
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.routes.before(ctx -> onlyThisMachine(ctx, port));
            if (windowed) {
                config.routes.get("/windows/{type}", this::windowsOfType);
                config.routes.get("/windows", ctx -> {
                    Instant[] range = QueryParameters.range(ctx);
                    instances.all(ctx, "/windows?from=" + range[0] + "&to=" + range[1], "windows", () -> {
                        Part<List<WindowCount>> part = queries.localWindows(range[0], range[1]);
                        return new Part<>(byTypeAndStart(part.values()), part.partitions());
                    });
                });
            } else {
                config.routes.get("/users/{user}", this::user);
                config.routes.get("/users", ctx -> instances.all(ctx, "/users", "users", queries::localUsers));
                config.routes.get("/event-types", ctx -> instances.all(ctx, "/event-types", "event_types",
                        queries::localEventTypes));
            }
            config.routes.get("/topology", ctx -> ctx.contentType("text/plain; charset=utf-8").result(queries.topology()));
            config.routes.exception(NotReady.class, (e, ctx) -> {
                ctx.header("Retry-After", "1");
                error(ctx, 503, e.getMessage());
            });
            config.routes.exception(QueryParameters.BadQuery.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> error(ctx, 500, e.getClass().getSimpleName() + ": "
                    + e.getMessage()));
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || !ctx.result().startsWith("{")) {
                    error(ctx, 404, "no such query: " + ctx.path() + " (there are " + known + ")");
                }
            });
        });
    }

    /** Serves on {@code host:port}; a port in use is one clear message, not a stack trace. */
    static QueryServer start(Queries queries, boolean windowed, String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new UserFacingException("Port " + port + " (--serve) is already in use on " + host + ": another"
                    + " instance may run there. Give each instance its own port.");
        }
        QueryServer server = new QueryServer(queries, windowed, host, port);
        server.app.start();
        return server;
    }

    /**
     * Only requests meant for this machine: a {@code Host} other than localhost, 127.0.0.1 or [::1] with
     * this port is a web page elsewhere reaching this server through DNS rebinding (its name made to point
     * at 127.0.0.1), and an {@code Origin} is a page's request: another site's is refused. curl and the
     * other instances send neither, so they are answered.
     */
    private static void onlyThisMachine(Context ctx, int port) {
        List<String> local = List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port);
        String host = ctx.header("Host");
        String origin = ctx.header("Origin");
        String refusal = null;
        if (host == null || !local.contains(host.toLowerCase(Locale.ROOT))) {
            refusal = "Host " + host + " is not this machine (a web page elsewhere may be trying DNS rebinding)";
        } else if (origin != null && !local.stream().map(name -> "http://" + name).toList()
                .contains(origin.toLowerCase(Locale.ROOT))) {
            refusal = "a request sent by a page from another site (Origin " + origin + ")";
        }
        if (refusal != null) {
            error(ctx, 403, "refused: " + refusal);
            ctx.skipRemainingHandlers();
        }
    }

    private void user(Context ctx) throws Exception {
        String user = QueryParameters.key(ctx, "user", "user id");
        instances.keyed(ctx, StreamsTopologies.TOTALS_STORE, user, "/users/" + user,
                (partition, activeOnly) -> queries.userHere(user, partition, activeOnly),
                totals -> {
                    if (totals == null) {
                        return null;
                    }
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("user", user);
                    answer.put("totals", totals);
                    return answer;
                }, "no events of user " + user + " yet");
    }

    private void windowsOfType(Context ctx) throws Exception {
        String type = QueryParameters.key(ctx, "type", "event type");
        Instant[] range = QueryParameters.range(ctx);
        instances.keyed(ctx, StreamsTopologies.WINDOWS_STORE, type, "/windows/" + type + "?from=" + range[0] + "&to=" + range[1],
                (partition, activeOnly) -> queries.windowsHere(type, partition, range[0], range[1], activeOnly),
                windows -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("event_type", type);
                    answer.put("from", range[0]);
                    answer.put("to", range[1]);
                    answer.put("windows", windows.stream().map(QueryServer::window).toList());
                    return answer;
                }, null);
    }

    /** Windows by event type, each type's by start time: what /windows merges across instances. */
    private static Map<String, List<Map<String, Object>>> byTypeAndStart(List<WindowCount> windows) {
        Map<String, List<Map<String, Object>>> byType = new TreeMap<>();
        windows.forEach(window -> byType.computeIfAbsent(window.eventType(), type -> new ArrayList<>()).add(window(window)));
        return byType;
    }

    private static Map<String, Object> window(WindowCount window) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("start", window.windowStart());
        one.put("end", window.windowEnd());
        one.put("count", window.count());
        return one;
    }

    /**
     * {"error": "..."}: one line. A reason from Kafka Streams can hold a whole stack trace (a store's
     * failure message does): its first line says what happened, the rest is not for the caller.
     */
    static void error(Context ctx, int status, String message) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("error", firstLine(message));
        try {
            json(ctx, status, answer);
        } catch (IOException e) {
            ctx.status(status).result(message);
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        return message.lines().findFirst().orElse("").strip();
    }

    static void json(Context ctx, int status, Object value) throws IOException {
        ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(value));
    }

    @Override
    public void close() {
        app.stop();
    }
}
