package dev.franz.common.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.config.FranzConfigException;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The command-line layer of the configuration, shared by every program as a picocli mixin:
 * {@code @Mixin ConfigOptions config;} then {@code config.load()}. Its options are inherited by
 * subcommands: {@code admin-client topics list --bootstrap-servers ...} works as well as before {@code topics}.
 */
public final class ConfigOptions {

    @Option(names = "--bootstrap-servers", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Brokers to connect to (overrides KAFKA_BOOTSTRAP_SERVERS; default localhost:9092).")
    String bootstrapServers;

    @Option(names = "--client-config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Kafka client properties applied to every client, e.g. security settings"
                    + " (overrides KAFKA_CLIENT_CONFIG).")
    String clientConfig;

    @Option(names = "--set", scope = ScopeType.INHERIT, paramLabel = "KEY=VALUE",
            description = "Any Franz setting from .env.example, e.g. --set TOPIC_PARTITIONS=6 (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    private FranzConfig loaded;

    /**
     * Defaults, .env, environment, then these options: validated. A bad value of one of these options is a
     * {@link BadOptionValueException} (a usage error: exit code 2), any other bad setting (from .env or the
     * environment) a FranzConfigException.
     */
    public FranzConfig load() {
        loaded = validated(commandLineValues());
        return loaded;
    }

    /** Like {@link #load()}, with other bootstrap servers (a broker started for the run). */
    public FranzConfig load(String bootstrapServersOverride) {
        Map<String, String> values = commandLineValues();
        values.put(ConfigKey.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrapServersOverride);
        loaded = validated(values);
        return loaded;
    }

    private FranzConfig validated(Map<String, String> values) {
        try {
            return FranzConfig.load(values);
        } catch (FranzConfigException e) {
            for (FranzConfigException.Problem problem : e.details()) {
                if (FranzConfig.COMMAND_LINE.equals(problem.origin())) {
                    Optional<BadOptionValueException> given = givenAs(problem);
                    if (given.isPresent()) {
                        throw given.get();
                    }
                }
            }
            throw e;
        }
    }

    /** The problem as a bad value of the option it was given with; none if the program set it itself. */
    private Optional<BadOptionValueException> givenAs(FranzConfigException.Problem problem) {
        String key = problem.key();
        if (key.equals(ConfigKey.KAFKA_BOOTSTRAP_SERVERS.name()) && bootstrapServers != null
                && bootstrapServers.strip().equals(problem.value())) {
            return Optional.of(new BadOptionValueException("--bootstrap-servers", bootstrapServers, problem.expected()));
        }
        if (key.equals(ConfigKey.KAFKA_CLIENT_CONFIG.name()) && clientConfig != null
                && clientConfig.strip().equals(problem.value())) {
            return Optional.of(new BadOptionValueException("--client-config", clientConfig, problem.expected()));
        }
        String set = settings.get(key);
        if (set != null && set.strip().equals(problem.value())) {
            return Optional.of(new BadOptionValueException("--set", key + "=" + set, problem.expected()));
        }
        return Optional.empty();
    }

    /** The configuration last loaded, if any: what a failure's message can name (the user, the file). */
    Optional<FranzConfig> loaded() {
        return Optional.ofNullable(loaded);
    }

    Map<String, String> commandLineValues() {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            if (Arrays.stream(ConfigKey.values()).noneMatch(key -> key.name().equals(setting.getKey()))) {
                throw new BadOptionValueException("--set", setting.getKey() + "=" + setting.getValue(),
                        setting.getKey() + " is not a Franz setting; the settings (each in .env.example): "
                                + Arrays.stream(ConfigKey.values()).map(ConfigKey::name).collect(Collectors.joining(", ")));
            }
            values.put(setting.getKey(), setting.getValue());
        }
        if (bootstrapServers != null) {
            values.put(ConfigKey.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrapServers);
        }
        if (clientConfig != null) {
            values.put(ConfigKey.KAFKA_CLIENT_CONFIG.name(), clientConfig);
        }
        return values;
    }
}
