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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.common.UserFacingException;
import dev.franz.common.events.UserTotals;
import dev.franz.common.events.WindowCount;
import dev.franz.common.json.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * The state of a running Kafka Streams application over HTTP, as JSON (no Kafka calls here: the
 * queries themselves are {@link StreamProcessing}'s, behind {@link Queries}). A key held by another
 * instance is asked of that instance, once; when it does not answer, of an instance with a standby
 * copy, and the answer says it is one. What all instances hold is gathered from each. Every error is
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
 * </pre>
 */
final class QueryServer implements AutoCloseable {

    /** What the server needs of the application: its state, where each key is, its other instances. */
    interface Queries {
        /** This instance's host:port, as its application.server. */
        String self();

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

    /** A query this server cannot answer as asked: 400 with the reason. */
    private static final class BadQuery extends RuntimeException {
        BadQuery(String message) {
            super(message);
        }
    }

    static final String FORWARDED = "X-Franz-Forwarded-By";
    /** Set when an instance asks another for its standby copy because the active one does not answer. */
    static final String STANDBY_WANTED = "X-Franz-Standby-Read";
    /** The range of window start times when none is given: the last hour. */
    static final Duration DEFAULT_RANGE = Duration.ofHours(1);
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** The window start times a query may name: Kafka timestamps, from 1970 to the end of year 9999. */
    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private static final ObjectMapper JSON = Json.mapper();

    private final Queries queries;
    private final Javalin app;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private QueryServer(Queries queries, boolean windowed, String host, int port) {
        this.queries = queries;
        String known = windowed ? "/windows/TYPE, /windows" : "/users/USER, /users, /event-types";
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.routes.before(ctx -> onlyThisMachine(ctx, port));
            if (windowed) {
                config.routes.get("/windows/{type}", this::windowsOfType);
                config.routes.get("/windows", ctx -> {
                    Instant[] range = range(ctx);
                    all(ctx, "/windows?from=" + range[0] + "&to=" + range[1], "windows", () -> {
                        Part<List<WindowCount>> part = queries.localWindows(range[0], range[1]);
                        return new Part<>(byTypeAndStart(part.values()), part.partitions());
                    });
                });
            } else {
                config.routes.get("/users/{user}", this::user);
                config.routes.get("/users", ctx -> all(ctx, "/users", "users", queries::localUsers));
                config.routes.get("/event-types", ctx -> all(ctx, "/event-types", "event_types",
                        queries::localEventTypes));
            }
            config.routes.exception(NotReady.class, (e, ctx) -> {
                ctx.header("Retry-After", "1");
                error(ctx, 503, e.getMessage());
            });
            config.routes.exception(BadQuery.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
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
        String user = key(ctx, "user", "user id");
        keyed(ctx, StreamsTopologies.TOTALS_STORE, user, "/users/" + user,
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
        String type = key(ctx, "type", "event type");
        Instant[] range = range(ctx);
        keyed(ctx, StreamsTopologies.WINDOWS_STORE, type, "/windows/" + type + "?from=" + range[0] + "&to=" + range[1],
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

    /** What one copy answers, for one key: its value, or null for none. */
    private interface Here<V> {
        Copy<V> ask(int partition, boolean activeOnly);
    }

    /**
     * One key: answered here when this instance holds its active copy; else asked of the instance that
     * does, and when that one cannot answer (gone, or its store moving), of an instance with a standby copy.
     */
    private <V> void keyed(Context ctx, String store, String key, String path, Here<V> here,
            Function<V, Map<String, Object>> body, String noneMessage) throws Exception {
        Location where = queries.locate(store, key);
        boolean standbyWanted = ctx.header(STANDBY_WANTED) != null;
        String why = null;
        NotReady notActiveHere = null;
        if (standbyWanted || where.active().equals(queries.self())) {
            try {
                answer(ctx, where, here.ask(where.partition(), !standbyWanted), body, noneMessage);
                return;
            } catch (NotReady e) {
                if (standbyWanted) {
                    throw e;
                }
                notActiveHere = e; // the copy here is not active yet (a rebalance): a standby copy may answer
            }
        } else if (ctx.header(FORWARDED) != null) {
            // Asked on behalf of another instance, which thought this one holds it: a rebalance is moving it.
            throw new NotReady(key + " is moving between instances (a rebalance): retry");
        } else {
            try {
                HttpResponse<String> response = get(where.active(), path, false);
                if (response.statusCode() != 503) {
                    passOn(ctx, response);
                    return;
                }
                why = "the active copy, at " + where.active() + ", cannot be asked now";
            } catch (ConnectException | HttpTimeoutException e) {
                why = "the instance with the active copy, " + where.active() + ", does not answer";
            }
        }
        // Stale but available: a standby copy, if the application keeps any (--standbys), here or elsewhere.
        for (String standby : where.standbys()) {
            if (standby.equals(queries.self())) {
                try {
                    answer(ctx, where, here.ask(where.partition(), false), body, noneMessage);
                    return;
                } catch (NotReady e) {
                    continue;
                }
            }
            try {
                HttpResponse<String> response = get(standby, path, true);
                if (response.statusCode() == 200 || response.statusCode() == 404) {
                    passOn(ctx, response);
                    return;
                }
            } catch (ConnectException | HttpTimeoutException e) {
                // that one is gone too: the next
            }
        }
        if (notActiveHere != null) {
            throw notActiveHere; // Kafka's reason, as it gave it
        }
        throw new NotReady(why + (where.standbys().isEmpty() ? "; there is no standby copy (--standbys)"
                : "; no standby copy answers") + ". Partitions move after a rebalance: retry");
    }

    /** One copy's answer: the value with where it came from, or 404. */
    private <V> void answer(Context ctx, Location where, Copy<V> copy, Function<V, Map<String, Object>> body,
            String noneMessage) throws IOException {
        Map<String, Object> answer = copy.value() == null ? null : body.apply(copy.value());
        if (answer == null) {
            error(ctx, 404, noneMessage + (copy.standby() ? " (in the standby copy here, which may lag)" : ""));
            return;
        }
        answer.put("partition", where.partition());
        answer.put("answered_by", queries.self());
        answer.put("copy", copy.standby() ? "standby" : "active");
        if (copy.standby()) {
            // Stale but available: the active copy could not answer, this one follows it from the changelog.
            answer.put("lag_records", copy.lagRecords());
        }
        json(ctx, 200, answer);
    }

    /**
     * This instance's part, and with {@code ?scope=all} (the default) every other instance's. An
     * instance that does not answer is named under "incomplete"; a partition nobody answers for while
     * all answer (a rebalance is moving it) makes the answer a 503: retry.
     */
    private void all(Context ctx, String path, String field, Supplier<Part<? extends Map<String, ?>>> local)
            throws Exception {
        boolean scopeLocal = scopeLocal(ctx);
        Part<? extends Map<String, ?>> here = local.get();
        Map<String, Object> merged = new TreeMap<>(here.values());
        Set<Integer> partitions = new TreeSet<>(here.partitions());
        List<String> answeredBy = new ArrayList<>(List.of(queries.self()));
        List<String> missing = new ArrayList<>();
        if (!scopeLocal) {
            for (String instance : queries.otherInstances()) {
                try {
                    HttpResponse<String> response = get(instance, path + (path.contains("?") ? "&" : "?")
                            + "scope=local", false);
                    JsonNode body = JSON.readTree(response.body());
                    if (response.statusCode() != 200) {
                        missing.add(instance + ": " + body.path("error").asText());
                        continue;
                    }
                    merged.putAll(JSON.convertValue(body.path(field), new TypeReference<Map<String, Object>>() { }));
                    body.path("partitions").forEach(partition -> partitions.add(partition.asInt()));
                    answeredBy.add(instance);
                } catch (IOException e) {
                    missing.add(instance + ": does not answer (" + e.getClass().getSimpleName() + ")");
                }
            }
            List<Integer> notAnswered = IntStream.range(0, queries.partitions()).filter(p -> !partitions.contains(p))
                    .boxed().toList();
            if (!notAnswered.isEmpty() && missing.isEmpty()) {
                throw new NotReady("no instance can answer for partitions " + notAnswered + " now (a rebalance moves"
                        + " them): retry");
            }
            if (!notAnswered.isEmpty()) {
                missing.add("partitions " + notAnswered + " are not in the answer");
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put(field, merged);
        answer.put("answered_by", answeredBy);
        if (scopeLocal) {
            answer.put("partitions", partitions); // which partitions this part covers
        }
        if (!missing.isEmpty()) {
            answer.put("incomplete", missing); // what those instances hold is not in the answer
        }
        json(ctx, 200, answer);
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

    private static String key(Context ctx, String parameter, String what) {
        String key = ctx.pathParam(parameter);
        if (!KEY.matcher(key).matches()) {
            throw new BadQuery("malformed " + what + " '" + key + "': 1 to 100 letters, digits, '.', '_' or '-'");
        }
        return key;
    }

    /** ?from= and ?to=, the window start times asked for: ISO-8601 instants, from not after to. */
    static Instant[] range(Context ctx) {
        Instant to = instant(ctx, "to", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Instant from = instant(ctx, "from", to.minus(DEFAULT_RANGE));
        if (from.isAfter(to)) {
            throw new BadQuery("the range is backwards: from " + from + " is after to " + to);
        }
        return new Instant[] {from, to};
    }

    private static Instant instant(Context ctx, String parameter, Instant otherwise) {
        String text = ctx.queryParam(parameter);
        if (text == null) {
            return otherwise;
        }
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadQuery("malformed " + parameter + " '" + text + "': an ISO-8601 instant such as "
                    + "2026-12-03T10:15:00Z");
        }
        // A window starts at a Kafka timestamp (milliseconds since 1970); the store refuses what does not
        // fit one, with a stack trace for its reason: ask it only what it can answer.
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new BadQuery(parameter + " '" + text + "' is out of range: window start times go from " + EARLIEST
                    + " to " + LATEST);
        }
        return instant;
    }

    /** ?scope=all (the default: every instance's part) or ?scope=local (this instance's part only). */
    private static boolean scopeLocal(Context ctx) {
        String scope = ctx.queryParam("scope");
        if (scope == null || scope.equals("all")) {
            return false;
        }
        if (scope.equals("local")) {
            return true;
        }
        throw new BadQuery("malformed scope '" + scope + "': all (the default) or local");
    }

    private static void passOn(Context ctx, HttpResponse<String> response) {
        ctx.status(response.statusCode()).contentType("application/json").result(response.body());
        response.headers().firstValue("Retry-After").ifPresent(value -> ctx.header("Retry-After", value));
    }

    private HttpResponse<String> get(String instance, String path, boolean standby)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + instance + path))
                .timeout(Duration.ofSeconds(5)).header(FORWARDED, queries.self()).GET();
        if (standby) {
            request.header(STANDBY_WANTED, "true");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * {"error": "..."}: one line. A reason from Kafka Streams can hold a whole stack trace (a store's
     * failure message does): its first line says what happened, the rest is not for the caller.
     */
    private static void error(Context ctx, int status, String message) {
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

    private static void json(Context ctx, int status, Object value) throws IOException {
        ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(value));
    }

    @Override
    public void close() {
        app.stop();
    }
}
