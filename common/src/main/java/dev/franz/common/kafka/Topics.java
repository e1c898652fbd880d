package dev.franz.common.kafka;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;

import dev.franz.common.UserFacingException;
import dev.franz.common.config.FranzConfig;

/**
 * The topics a program needs, with the Admin API, the way Kafka's own CLI tools do: a producer
 * creates the topics it writes ({@link #createIfMissing}) and says so; a consumer never creates the
 * topic it reads, because a mistyped name would silently become a new, empty topic: it waits for it
 * ({@link #awaitExisting}).
 */
public final class Topics {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    private Topics() {
    }

    /** Creates each missing topic of {@code topics} and prints one line for each one it created. */
    public static void createIfMissing(FranzConfig config, List<String> topics, PrintStream out) {
        try (Admin admin = Admin.create(config.clientProperties())) {
            for (Created created : createMissing(admin, topics.stream().map(config::newTopic).toList(), TIMEOUT)) {
                out.println(created.line());
            }
        }
    }

    /** A topic this call created, as the broker made it (the create answer says, KIP-525). */
    public record Created(String name, int partitions, int replicationFactor) {
        /** "Created topic payments (3 partitions, replication factor 1)". */
        public String line() {
            return String.format("Created topic %s (%d %s, replication factor %d)", name, partitions,
                    partitions == 1 ? "partition" : "partitions", replicationFactor);
        }
    }

    /**
     * Returns once every topic of {@code topics} exists. While one is missing, prints one line naming
     * it, the topics that do exist and how to create it, then checks again every second (Ctrl-C stops
     * the program as usual).
     */
    public static void awaitExisting(FranzConfig config, Collection<String> topics, PrintStream out)
            throws InterruptedException {
        try (Admin admin = Admin.create(config.clientProperties())) {
            boolean waited = false;
            while (true) {
                Set<String> existing = get(admin.listTopics().names(), "list the topics");
                List<String> missing = topics.stream().filter(topic -> !existing.contains(topic)).toList();
                if (missing.isEmpty()) {
                    if (waited) {
                        out.println("Topic " + String.join(", ", topics) + " exists now.");
                    }
                    return;
                }
                if (!waited) {
                    out.println(missingLine(config, missing, existing));
                    waited = true;
                }
                Thread.sleep(CHECK_EVERY.toMillis());
            }
        }
    }

    static String missingLine(FranzConfig config, List<String> missing, Set<String> existing) {
        // Not Kafka's own topics (__consumer_offsets, ...) nor the course's (_franz-client-metrics).
        String others = existing.stream().filter(name -> !name.startsWith("_")).sorted()
                .collect(Collectors.joining(", "));
        String line = String.format("Topic %s does not exist (yet). Existing topics: %s. Waiting for it: start the"
                        + " producer, or create it with bin/kafka-topics --bootstrap-server %s --create --topic %s"
                        + " --partitions %d. Ctrl-C to stop.", String.join(", ", missing),
                others.isEmpty() ? "none" : others, config.bootstrapServers(), missing.get(0),
                config.topicPartitions());
        if (config.clientProperties().getProperty("security.protocol", "PLAINTEXT").toUpperCase(java.util.Locale.ROOT).startsWith("SASL")) {
            // A secured cluster lists only the topics the user has an ACL for: a missing READ looks like this.
            line += "\nOr it exists and " + config.principal() + " may not see it: a secured cluster shows a user only"
                    + " the topics an ACL lets it use (READ to consume, WRITE to produce).";
        }
        return line;
    }

    private static <T> T get(KafkaFuture<T> future, String what) throws InterruptedException {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new UserFacingException("Could not " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates {@code topic} with the configured partitions and replication factor, if it is missing.
     *
     * @return true if this call created it
     */
    public static boolean createIfMissing(FranzConfig config, String topic) {
        try (Admin admin = Admin.create(config.clientProperties())) {
            return !createIfMissing(admin, List.of(config.newTopic(topic)), TIMEOUT).isEmpty();
        }
    }

    /**
     * Creates each of {@code topics} that is missing, with the configured partitions and replication
     * factor, in one Admin request.
     *
     * @return the names of the topics this call created
     */
    public static List<String> createIfMissing(FranzConfig config, List<String> topics) {
        try (Admin admin = Admin.create(config.clientProperties())) {
            return createIfMissing(admin, topics.stream().map(config::newTopic).toList(), TIMEOUT);
        }
    }

    /**
     * Creates each topic that does not exist yet. Idempotent: an existing topic is fine and is left
     * exactly as it is (its partitions and settings are not changed).
     *
     * @return the names of the topics this call created
     */
    public static List<String> createIfMissing(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        return createMissing(admin, topics, timeout).stream().map(Created::name).toList();
    }

    /**
     * Creates each topic that does not exist yet, as {@link #createIfMissing(Admin, Collection, Duration)}.
     *
     * @return the topics this call created, with the partitions and replication factor they got
     */
    public static List<Created> createMissing(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        CreateTopicsResult result = admin.createTopics(topics,
                new CreateTopicsOptions().timeoutMs((int) timeout.toMillis()));
        Map<String, KafkaFuture<Void>> results = result.values();
        List<Created> created = new ArrayList<>();
        for (NewTopic topic : topics) {
            try {
                results.get(topic.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                created.add(new Created(topic.name(), result.numPartitions(topic.name()).get(),
                        result.replicationFactor(topic.name()).get()));
            } catch (ExecutionException e) {
                // TopicAuthorizationException: not allowed to create it (a secured cluster) and not allowed to
                // see it either, if it exists; the program's failure line names the user (SecurityFailures).
                if (e.getCause() instanceof TopicExistsException) {
                    continue;
                }
                if (e.getCause() instanceof TopicAuthorizationException && visible(admin, topic.name(), timeout)) {
                    // Not allowed to create topics, but this one exists and may be used: nothing to create.
                    continue;
                }
                if (e.getCause() instanceof TopicAuthorizationException refused) {
                    // The broker's answer to CreateTopics does not name the topic: name it for the failure line.
                    throw new UserFacingException("Cannot create topic " + topic.name() + ": " + refused.getMessage(),
                            new TopicAuthorizationException(refused.getMessage(), Set.of(topic.name())));
                }
                if (e.getCause() instanceof InvalidReplicationFactorException) {
                    throw new UserFacingException("Cannot create topic " + topic.name() + " with replication factor "
                            + (topic.replicationFactor() < 0 ? "the cluster's default" : topic.replicationFactor())
                            + ": " + e.getCause().getMessage()
                            + "\nSet TOPIC_REPLICATION_FACTOR to at most the number of brokers.", e.getCause());
                }
                throw new UserFacingException("Cannot create topic " + topic.name() + ": " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new UserFacingException("Creating topic " + topic.name() + " did not finish within "
                        + timeout.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserFacingException("Interrupted while creating topic " + topic.name(), e);
            }
        }
        return created;
    }

    /** True if {@code topic} exists and this client may see it (a DESCRIBE, READ or WRITE ACL). */
    private static boolean visible(Admin admin, String topic, Duration timeout) {
        try {
            return admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(topic);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
