package dev.franz.common.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;

/**
 * Franz's settings, resolved once and validated as a whole: a program starts with a valid
 * configuration or not at all.
 *
 * <p>Layers, later wins: defaults &lt; {@code .env} at the repository root &lt; environment variables
 * &lt; command line. Kafka client settings that are not Franz's business (security, timeouts, ...)
 * live in the optional properties file named by {@code KAFKA_CLIENT_CONFIG}, applied to every client.
 */
public final class FranzConfig {

    /** The name of the command line's layer, as a problem's origin names it. */
    public static final String COMMAND_LINE = "command line";

    private static final Pattern HOST_PORT = Pattern.compile("[^\\s:,]+:(\\d{1,5})");
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final int MAX_PARTITIONS = 10_000;
    private static final Pattern JAAS_USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");
    private static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI",
            "OAUTHBEARER");
    private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    private final String bootstrapServers;
    private final Properties clientConfig;
    private final Map<ConfigKey, String> topics;
    private final int topicPartitions;
    private final Optional<Short> topicReplicationFactor;
    private final URI schemaRegistryUrl;
    private final String schemaRegistryBasicAuth;
    private final Optional<Path> clientConfigFile;
    private final Postgres postgres;
    private final URI connectUrl;

    /**
     * Level 5's database: the JDBC URL and its parts (Debezium's connector takes host, port and database
     * apart), and who logs in.
     */
    public record Postgres(String jdbcUrl, String host, int port, String database, String user, String password) {
        @Override
        public String toString() { // never the password
            return jdbcUrl + " as " + user;
        }
    }

    private FranzConfig(String bootstrapServers, Properties clientConfig, Optional<Path> clientConfigFile,
                        Map<ConfigKey, String> topics, int topicPartitions, Optional<Short> topicReplicationFactor,
                        URI schemaRegistryUrl, String schemaRegistryBasicAuth, Postgres postgres, URI connectUrl) {
        this.postgres = postgres;
        this.connectUrl = connectUrl;
        this.bootstrapServers = bootstrapServers;
        this.clientConfig = clientConfig;
        this.clientConfigFile = clientConfigFile;
        this.topics = topics;
        this.topicPartitions = topicPartitions;
        this.topicReplicationFactor = topicReplicationFactor;
        this.schemaRegistryUrl = schemaRegistryUrl;
        this.schemaRegistryBasicAuth = schemaRegistryBasicAuth;
    }

    /** Defaults, {@code .env}, environment and these command-line values, validated. */
    public static FranzConfig load(Map<String, String> commandLine) {
        Path root = repositoryRoot();
        ConfigSource dotenv = dotenvFile(root.resolve(".env"));
        ConfigSource environment = new ConfigSource("environment", System.getenv());
        return resolve(root, List.of(
                defaults(),
                dotenv,
                environment,
                localPostgresPassword(root, dotenv, environment),
                new ConfigSource(COMMAND_LINE, commandLine)));
    }

    /** Where local-postgres keeps the password it made, at the repository root (git ignores it). */
    public static final String POSTGRES_PASSWORD_FILE = ".postgres-password";

    /**
     * POSTGRES_PASSWORD from local-postgres's password file ({@value #POSTGRES_PASSWORD_FILE}, which only
     * its owner may read), when {@code .env} and the environment leave it unset or empty; nothing otherwise.
     */
    static ConfigSource localPostgresPassword(Path root, ConfigSource... before) {
        String key = ConfigKey.POSTGRES_PASSWORD.name();
        for (ConfigSource source : before) {
            if (!source.values().getOrDefault(key, "").isBlank()) {
                return new ConfigSource(POSTGRES_PASSWORD_FILE, Map.of());
            }
        }
        Path file = root.resolve(POSTGRES_PASSWORD_FILE);
        String password = dotenvFile(file).values().get(key);
        return new ConfigSource(POSTGRES_PASSWORD_FILE + " (" + file + ")",
                password == null ? Map.of() : Map.of(key, password));
    }

    /** The defaults with these values on top, validated: for tests and programs that embed Franz. */
    public static FranzConfig defaultsWith(Map<String, String> values) {
        return resolve(repositoryRoot(), List.of(defaults(), new ConfigSource("given", values)));
    }

    /**
     * Resolves layered sources (lowest first) into a validated configuration.
     * Relative file paths are resolved against {@code baseDir}.
     *
     * @throws FranzConfigException listing every invalid value at once
     */
    public static FranzConfig resolve(Path baseDir, List<ConfigSource> sources) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        Map<ConfigKey, String> origins = new EnumMap<>(ConfigKey.class);
        for (ConfigSource source : sources) {
            for (ConfigKey key : ConfigKey.values()) {
                String value = source.values().get(key.name());
                if (value != null) {
                    values.put(key, value.strip());
                    origins.put(key, source.name());
                }
            }
        }
        return new Validator(values, origins).validate(baseDir);
    }

    public static ConfigSource defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            defaults.put(key.name(), key.defaultValue());
        }
        return new ConfigSource("default", defaults);
    }

    /** The repository root: set by the Maven build for {@code exec:java}, else the working directory. */
    public static Path repositoryRoot() {
        return Path.of(System.getProperty("franz.root", "")).toAbsolutePath();
    }

    /** The settings of a {@code .env} file; none if the file does not exist. */
    public static ConfigSource dotenvFile(Path file) {
        try {
            Dotenv dotenv = Dotenv.configure()
                    .directory(file.toAbsolutePath().getParent().toString())
                    .filename(file.getFileName().toString())
                    .ignoreIfMissing()
                    .load();
            Map<String, String> values = new LinkedHashMap<>();
            for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
                values.put(entry.getKey(), entry.getValue());
            }
            return new ConfigSource(".env (" + file + ")", values);
        } catch (DotenvException e) {
            throw new FranzConfigException(List.of("cannot read " + file + ": " + e.getMessage()));
        }
    }

    /** Kafka's rule for a topic name: 1 to 249 letters, digits, '.', '_' or '-', and not "." or "..". */
    public static boolean isTopicName(String name) {
        return name != null && TOPIC_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /** The brokers every client bootstraps from, e.g. {@code localhost:9092}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Settings every Kafka client gets: the client properties file, then {@code bootstrap.servers}.
     * A fresh copy each call, for the caller to add its own client's settings to.
     */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(clientConfig);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** The client properties file (KAFKA_CLIENT_CONFIG), if one is set. */
    public Optional<Path> clientConfigFile() {
        return clientConfigFile;
    }

    /**
     * Who the broker sees: {@code User:NAME} for a SASL user (the username in sasl.jaas.config), else
     * {@code User:ANONYMOUS}, which the broker calls a client that did not authenticate.
     */
    public String principal() {
        String jaas = clientConfig.getProperty("sasl.jaas.config", "");
        var matcher = JAAS_USERNAME.matcher(jaas);
        if (matcher.find()) {
            return "User:" + matcher.group(1);
        }
        return clientConfig.getProperty("ssl.keystore.location") != null ? "the subject of this client's certificate"
                : "User:ANONYMOUS";
    }

    /** A topic name, e.g. {@code topic(ConfigKey.TOPIC_ORDERS)}. */
    public String topic(ConfigKey topicKey) {
        String name = topics.get(topicKey);
        if (name == null) {
            throw new IllegalArgumentException(topicKey + " is not a topic setting");
        }
        return name;
    }

    public int topicPartitions() {
        return topicPartitions;
    }

    /** TOPIC_REPLICATION_FACTOR; empty when not set: the cluster's default.replication.factor applies. */
    public Optional<Short> topicReplicationFactor() {
        return topicReplicationFactor;
    }

    /** The schema registry's Confluent-compatible REST API, without a trailing slash. */
    public URI schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    /** Level 5's PostgreSQL database (POSTGRES_URL, POSTGRES_USER, POSTGRES_PASSWORD). */
    public Postgres postgres() {
        return postgres;
    }

    /** The Kafka Connect worker's REST API (CONNECT_URL), without a trailing slash. */
    public URI connectUrl() {
        return connectUrl;
    }

    /** {@code user:password} for the registry's basic authentication, if set. */
    public Optional<String> schemaRegistryBasicAuth() {
        return schemaRegistryBasicAuth.isEmpty() ? Optional.empty() : Optional.of(schemaRegistryBasicAuth);
    }

    /**
     * The topic as Franz creates it when missing: the configured partitions, and the configured
     * replication factor or, unset, the cluster's default.
     */
    public NewTopic newTopic(String name) {
        return new NewTopic(name, Optional.of(topicPartitions), topicReplicationFactor);
    }

    /** Checks every value, collecting all problems before failing. */
    private static final class Validator {
        private final Map<ConfigKey, String> values;
        private final Map<ConfigKey, String> origins;
        private final List<String> problems = new ArrayList<>();
        private final List<FranzConfigException.Problem> details = new ArrayList<>();

        Validator(Map<ConfigKey, String> values, Map<ConfigKey, String> origins) {
            this.values = values;
            this.origins = origins;
        }

        FranzConfig validate(Path baseDir) {
            String bootstrap = bootstrapServers();
            Optional<Path> clientFile = clientConfigFile(baseDir);
            Properties clientConfig = clientFile.map(file -> readClientConfig(file, baseDir)).orElseGet(Properties::new);
            Map<ConfigKey, String> topics = new EnumMap<>(ConfigKey.class);
            for (ConfigKey key : ConfigKey.values()) {
                if (key.isTopicName()) {
                    topics.put(key, topicName(key));
                }
            }
            int partitions = wholeNumber(ConfigKey.TOPIC_PARTITIONS, 1, MAX_PARTITIONS);
            Optional<Short> replicationFactor = value(ConfigKey.TOPIC_REPLICATION_FACTOR).isBlank() ? Optional.empty()
                    : Optional.of((short) wholeNumber(ConfigKey.TOPIC_REPLICATION_FACTOR, 1, Short.MAX_VALUE));
            URI registry = schemaRegistryUrl();
            Postgres postgres = postgres();
            URI connect = httpUrl(ConfigKey.CONNECT_URL, "e.g. http://localhost:8083");
            String basicAuth = value(ConfigKey.SCHEMA_REGISTRY_BASIC_AUTH);
            if (!basicAuth.isEmpty() && basicAuth.indexOf(':') < 1) {
                problem(ConfigKey.SCHEMA_REGISTRY_BASIC_AUTH, "expected user:password (Confluent Cloud: API key:secret)");
            }
            if (!problems.isEmpty()) {
                throw new FranzConfigException(problems, details);
            }
            return new FranzConfig(bootstrap, clientConfig, clientFile, topics, partitions, replicationFactor, registry,
                    basicAuth, postgres, connect);
        }

        private static final Pattern JDBC_POSTGRES = Pattern.compile(
                "jdbc:postgresql://([^/:?\\s]+)(?::(\\d{1,5}))?/([^/?\\s]+)(\\?.*)?");

        private Postgres postgres() {
            ConfigKey key = ConfigKey.POSTGRES_URL;
            String url = value(key);
            var matcher = JDBC_POSTGRES.matcher(url);
            if (!matcher.matches() || (matcher.group(2) != null && Integer.parseInt(matcher.group(2)) > 65_535)) {
                problem(key, "expected jdbc:postgresql://HOST[:PORT]/DATABASE, e.g. jdbc:postgresql://localhost:5432/franz");
                return new Postgres(url, "localhost", 5432, "franz", value(ConfigKey.POSTGRES_USER),
                        value(ConfigKey.POSTGRES_PASSWORD));
            }
            if (value(ConfigKey.POSTGRES_USER).isBlank()) {
                problem(ConfigKey.POSTGRES_USER, "expected the database user, e.g. franz");
            }
            return new Postgres(url, matcher.group(1), matcher.group(2) == null ? 5432 : Integer.parseInt(matcher.group(2)),
                    matcher.group(3), value(ConfigKey.POSTGRES_USER), value(ConfigKey.POSTGRES_PASSWORD));
        }

        private URI httpUrl(ConfigKey key, String example) {
            String value = value(key);
            try {
                URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            problem(key, "expected an http:// or https:// URL, " + example);
            return URI.create(key.defaultValue());
        }

        private URI schemaRegistryUrl() {
            ConfigKey key = ConfigKey.SCHEMA_REGISTRY_URL;
            String value = value(key);
            try {
                URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                        && uri.getUserInfo() == null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            problem(key, "expected an http:// or https:// URL without user:password (that goes in "
                    + ConfigKey.SCHEMA_REGISTRY_BASIC_AUTH + "), e.g. http://localhost:8081/apis/ccompat/v7");
            return URI.create(key.defaultValue());
        }

        private String bootstrapServers() {
            ConfigKey key = ConfigKey.KAFKA_BOOTSTRAP_SERVERS;
            String value = value(key);
            for (String server : value.split(",", -1)) {
                var matcher = HOST_PORT.matcher(server.strip());
                if (!matcher.matches() || Integer.parseInt(matcher.group(1)) > 65_535
                        || Integer.parseInt(matcher.group(1)) == 0) {
                    problem(key, "expected a comma-separated list of host:port, e.g. localhost:9092");
                    break;
                }
            }
            return value;
        }

        private Optional<Path> clientConfigFile(Path baseDir) {
            ConfigKey key = ConfigKey.KAFKA_CLIENT_CONFIG;
            String value = value(key);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            Path file = baseDir.resolve(value).normalize();
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                problem(key, "expected a readable Kafka client properties file, but " + file + " is not one");
                return Optional.empty();
            }
            return Optional.of(file);
        }

        private Properties readClientConfig(Path file, Path baseDir) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (IOException | IllegalArgumentException e) {
                problem(ConfigKey.KAFKA_CLIENT_CONFIG, "could not read " + file + " as a properties file: " + e.getMessage());
            }
            String named = baseDir.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString();
            if (named.startsWith("..")) {
                named = file.toString();
            }
            String protocol = props.getProperty("security.protocol");
            if (protocol != null && !PROTOCOLS.contains(protocol.strip().toUpperCase(Locale.ROOT))) {
                problem(ConfigKey.KAFKA_CLIENT_CONFIG, named + ": security.protocol=" + protocol + " is not one of "
                        + String.join(", ", PROTOCOLS));
            }
            String mechanism = props.getProperty("sasl.mechanism");
            if (mechanism != null && !MECHANISMS.contains(mechanism.strip())) {
                problem(ConfigKey.KAFKA_CLIENT_CONFIG, named + ": sasl.mechanism=" + mechanism + " is not one Kafka"
                        + " knows (" + String.join(", ", MECHANISMS) + ")");
            }
            for (String store : List.of("ssl.truststore.location", "ssl.keystore.location")) {
                String location = props.getProperty(store);
                if (location != null && !Files.isReadable(Path.of(location.strip()))) {
                    problem(ConfigKey.KAFKA_CLIENT_CONFIG, named + ": " + store + "=" + location + " is not a readable"
                            + " file" + (location.contains(".kafka-secure") ? " (start local-kafka --secure: it makes"
                            + " the local CA's certificate)" : ""));
                }
            }
            if (props.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                // One place for the address, so that what the error messages name is what was tried.
                problem(ConfigKey.KAFKA_CLIENT_CONFIG, file + " sets bootstrap.servers: set the brokers with "
                        + ConfigKey.KAFKA_BOOTSTRAP_SERVERS + " instead");
            }
            return props;
        }

        private String topicName(ConfigKey key) {
            String value = value(key);
            if (!isTopicName(value)) {
                problem(key, "expected a topic name of 1 to 249 letters, digits, '.', '_' or '-'");
            }
            return value;
        }

        private int wholeNumber(ConfigKey key, int min, int max) {
            String value = value(key);
            try {
                int number = Integer.parseInt(value);
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problem(key, "expected a whole number from " + min + " to " + max);
            return min;
        }

        private String value(ConfigKey key) {
            return values.getOrDefault(key, key.defaultValue());
        }

        private void problem(ConfigKey key, String expected) {
            FranzConfigException.Problem problem = new FranzConfigException.Problem(key.name(), value(key),
                    origins.getOrDefault(key, "default"), expected);
            problems.add(problem.toString());
            details.add(problem);
        }
    }
}
