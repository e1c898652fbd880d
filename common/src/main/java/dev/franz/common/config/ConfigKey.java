package dev.franz.common.config;

/**
 * Every setting Franz reads, with its default. The same names work in {@code .env}, as environment
 * variables and with {@code --set KEY=VALUE}; {@code .env.example} documents each one.
 */
public enum ConfigKey {
    KAFKA_BOOTSTRAP_SERVERS("localhost:9092", false),
    /** Optional Kafka client properties file (security, timeouts, ...) applied to every client. */
    KAFKA_CLIENT_CONFIG("", false),
    TOPIC_USER_EVENTS("user_events", true),
    TOPIC_ORDERS("orders", true),
    TOPIC_PAYMENTS("payments", true),
    TOPIC_NOTIFICATIONS("notifications", true),
    TOPIC_ORDERS_DLT("orders.DLT", true),
    /** Level 2: the compacted topic of user profiles that enrichment joins with. */
    TOPIC_USER_PROFILES("user_profiles", true),
    TOPIC_EVENT_TYPE_COUNTS("event_type_counts", true),
    TOPIC_USER_TOTALS("user_totals", true),
    TOPIC_ENRICHED_EVENTS("enriched_user_events", true),
    TOPIC_WINDOWED_COUNTS("windowed_event_counts", true),
    /** Level 2: the events neither engine could use, each with the reason in its headers. */
    TOPIC_USER_EVENTS_DLT("user_events.DLT", true),
    /** Share groups: the one-partition topic of jobs the workers share; its dead-letter topic is dlq.jobs. */
    TOPIC_JOBS("jobs", true),
    /** Level 4: orders in Avro; its dead-letter topic is orders_avro.DLT. */
    TOPIC_ORDERS_AVRO("orders_avro", true),
    /**
     * Level 4: the schema registry's Confluent-compatible REST API (Confluent Schema Registry, Karapace,
     * Redpanda, or Apicurio under /apis/ccompat/v7, as local-schema-registry runs it).
     */
    SCHEMA_REGISTRY_URL("http://localhost:8081/apis/ccompat/v7", false),
    /** Optional user:password (Confluent Cloud: API key:secret) sent with HTTP basic authentication. */
    SCHEMA_REGISTRY_BASIC_AUTH("", false),
    /**
     * Level 5: the PostgreSQL database of the order service and the payments sink, as a JDBC URL
     * (jdbc:postgresql://HOST:PORT/DATABASE); local-postgres serves this one.
     */
    POSTGRES_URL("jdbc:postgresql://localhost:5432/franz", false),
    POSTGRES_USER("franz", false),
    /**
     * Unset or empty: local-postgres's own, from the file it keeps at the repository root
     * (.postgres-password). Another database's: keep it in .env.
     */
    POSTGRES_PASSWORD("", false),
    /** Level 5: the Kafka Connect worker's REST API; local-connect serves this one. */
    CONNECT_URL("http://localhost:8083", false),
    /** Partitions of the topics the programs create (an existing topic is left as it is). */
    TOPIC_PARTITIONS("3", false),
    /**
     * Copies of each partition for topics the programs create; empty (the default): the cluster's own
     * default.replication.factor (1 on local-kafka, 3 on local-kafka --brokers 3 and usually in production).
     */
    TOPIC_REPLICATION_FACTOR("", false);

    private final String defaultValue;
    private final boolean topicName;

    ConfigKey(String defaultValue, boolean topicName) {
        this.defaultValue = defaultValue;
        this.topicName = topicName;
    }

    public String defaultValue() {
        return defaultValue;
    }

    /** True for the keys that name a topic. */
    public boolean isTopicName() {
        return topicName;
    }
}
