package dev.franz.streamprocessing;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

import io.javalin.http.Context;

/** What a query to {@link QueryServer} may say (a key, a range of window start times, a scope), checked. */
final class QueryParameters {

    /** The range of window start times when none is given: the last hour. */
    static final Duration DEFAULT_RANGE = Duration.ofHours(1);
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** The window start times a query may name: Kafka timestamps, from 1970 to the end of year 9999. */
    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    /** A query this server cannot answer as asked: 400 with the reason. */
    static final class BadQuery extends RuntimeException {
        BadQuery(String message) {
            super(message);
        }
    }

    private QueryParameters() {
    }

    static String key(Context ctx, String parameter, String what) {
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
    static boolean scopeLocal(Context ctx) {
        String scope = ctx.queryParam("scope");
        if (scope == null || scope.equals("all")) {
            return false;
        }
        if (scope.equals("local")) {
            return true;
        }
        throw new BadQuery("malformed scope '" + scope + "': all (the default) or local");
    }

}
