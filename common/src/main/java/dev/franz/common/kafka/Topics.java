package dev.franz.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;

import dev.franz.common.UserFacingException;
import dev.franz.common.config.FranzConfig;

/** Creates the topics a program needs, with the Admin API, the way Kafka's own CLI tools do. */
public final class Topics {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Topics() {
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
        Map<String, KafkaFuture<Void>> results = admin
                .createTopics(topics, new CreateTopicsOptions().timeoutMs((int) timeout.toMillis()))
                .values();
        List<String> created = new ArrayList<>();
        for (NewTopic topic : topics) {
            try {
                results.get(topic.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                created.add(topic.name());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    continue;
                }
                if (e.getCause() instanceof InvalidReplicationFactorException) {
                    throw new UserFacingException("Cannot create topic " + topic.name() + " with replication factor "
                            + topic.replicationFactor() + ": " + e.getCause().getMessage()
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
}
