package dev.franz.common.config;

import java.util.Map;

/** One layer of settings (defaults, the .env file, the environment, the command line) and its name. */
public record ConfigSource(String name, Map<String, String> values) {

    public ConfigSource {
        values = Map.copyOf(values);
    }
}
