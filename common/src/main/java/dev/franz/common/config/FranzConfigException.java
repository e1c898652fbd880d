package dev.franz.common.config;

import java.util.List;

import dev.franz.common.UserFacingException;

/** The configuration is not valid; the message lists every problem with its key, value and source. */
public final class FranzConfigException extends UserFacingException {

    /**
     * One invalid value: the setting, the value as given, where it came from ("command line",
     * "environment", ...) and what was expected instead.
     */
    public record Problem(String key, String value, String origin, String expected) {
        @Override
        public String toString() {
            return key + "='" + value + "' (from " + origin + "): " + expected;
        }
    }

    private final List<Problem> details;

    public FranzConfigException(List<String> problems) {
        this(problems, List.of());
    }

    FranzConfigException(List<String> problems, List<Problem> details) {
        super("Invalid configuration:\n  - " + String.join("\n  - ", problems)
                + "\nSettings come from (later wins): defaults, .env, environment variables, command line."
                + " See .env.example for every key.");
        this.problems = List.copyOf(problems);
        this.details = List.copyOf(details);
    }

    private final List<String> problems;

    /** Every problem as one line. */
    public List<String> problems() {
        return problems;
    }

    /** The problems with a setting's value, each with where the value came from. */
    public List<Problem> details() {
        return details;
    }
}
