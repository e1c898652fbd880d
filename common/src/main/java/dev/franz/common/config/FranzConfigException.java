package dev.franz.common.config;

import java.util.List;

import dev.franz.common.UserFacingException;

/** The configuration is not valid; the message lists every problem with its key, value and source. */
public final class FranzConfigException extends UserFacingException {

    private final List<String> problems;

    public FranzConfigException(List<String> problems) {
        super("Invalid configuration:\n  - " + String.join("\n  - ", problems)
                + "\nSettings come from (later wins): defaults, .env, environment variables, command line."
                + " See .env.example for every key.");
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
