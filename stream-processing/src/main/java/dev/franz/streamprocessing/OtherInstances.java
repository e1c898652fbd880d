package dev.franz.streamprocessing;

import java.io.IOException;
import java.net.ConnectException;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.common.json.Json;
import dev.franz.streamprocessing.QueryServer.Copy;
import dev.franz.streamprocessing.QueryServer.Location;
import dev.franz.streamprocessing.QueryServer.NotReady;
import dev.franz.streamprocessing.QueryServer.Part;
import dev.franz.streamprocessing.QueryServer.Queries;
import io.javalin.http.Context;

/**
 * {@link QueryServer}'s answers that may need the application's other instances, asked over HTTP: one
 * key, from the instance that holds it (or, when that one cannot answer, from one with a standby copy),
 * and a whole store, each instance's part gathered.
 */
final class OtherInstances {

    /** Set on every request to another instance: it then answers from its own copies, never asks on. */
    private static final String FORWARDED = "X-Franz-Forwarded-By";
    /** Set when an instance asks another for its standby copy because the active one does not answer. */
    private static final String STANDBY_WANTED = "X-Franz-Standby-Read";
    private static final ObjectMapper JSON = Json.mapper();

    private final Queries queries;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    OtherInstances(Queries queries) {
        this.queries = queries;
    }

    /** What one copy answers, for one key: its value, or null for none. */
    interface Here<V> {
        Copy<V> ask(int partition, boolean activeOnly);
    }

    /**
     * One key: answered here when this instance holds its active copy; else asked of the instance that
     * does, and when that one cannot answer (gone, or its store moving), of an instance with a standby copy.
     */
    <V> void keyed(Context ctx, String store, String key, String path, Here<V> here,
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
            QueryServer.error(ctx, 404, noneMessage + (copy.standby() ? " (in the standby copy here, which may lag)" : ""));
            return;
        }
        answer.put("partition", where.partition());
        answer.put("answered_by", queries.self());
        answer.put("copy", copy.standby() ? "standby" : "active");
        if (copy.standby()) {
            // Stale but available: the active copy could not answer, this one follows it from the changelog.
            answer.put("lag_records", copy.lagRecords());
        }
        QueryServer.json(ctx, 200, answer);
    }

    /**
     * This instance's part, and with {@code ?scope=all} (the default) every other instance's. An
     * instance that does not answer is named under "incomplete"; a partition nobody answers for while
     * all answer (a rebalance is moving it) makes the answer a 503: retry.
     */
    void all(Context ctx, String path, String field, Supplier<Part<? extends Map<String, ?>>> local)
            throws Exception {
        boolean scopeLocal = QueryParameters.scopeLocal(ctx);
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
        QueryServer.json(ctx, 200, answer);
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
}
