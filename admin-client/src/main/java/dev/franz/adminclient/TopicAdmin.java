package dev.franz.adminclient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import dev.franz.common.UserFacingException;

/**
 * Topics with the Admin API, what {@code kafka-topics --list/--create/--describe/--delete} do: one
 * method per {@code topics} command, each with its own Admin client, closed when done (it holds
 * connections and a thread).
 *
 * <p>Every Admin call is asynchronous and returns futures; {@code get()} waits for the broker's answer.
 */
final class TopicAdmin {

    /** One partition: who leads it, who holds copies, which copies are up to date (in sync). */
    record PartitionInfo(int partition, Integer leader, List<Integer> replicas, List<Integer> inSyncReplicas) {
    }

    /** A topic as the cluster describes it, with the configs that differ from the broker's defaults. */
    record TopicInfo(String name, List<PartitionInfo> partitions, Map<String, String> overriddenConfigs) {
    }

    /** How long a topic's creation may take before the lesson says why it does not come. */
    static final Duration CREATE_TIMEOUT = Duration.ofSeconds(15);

    /** The client settings: bootstrap servers, and security on a secured cluster. */
    private final Properties properties;

    TopicAdmin(Properties properties) {
        this.properties = properties;
    }

    /** topics list. */
    List<String> list() throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            return get(admin.listTopics().names(), "list topics").stream().sorted().toList();
        }
    }

    /**
     * topics create.
     *
     * @return the replication factor the topic got (the cluster's default when {@code replicationFactor} is empty)
     */
    int create(String name, int partitions, Optional<Short> replicationFactor) throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            // Kafka's default waits default.api.timeout.ms (60 s) for an answer; a topic is created by the
            // active controller, and a cluster that has lost its controllers answers nothing meanwhile.
            CreateTopicsResult result = admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions),
                    replicationFactor)), new CreateTopicsOptions().timeoutMs((int) CREATE_TIMEOUT.toMillis()));
            result.all().get();
            return result.replicationFactor(name).get();
        } catch (ExecutionException e) {
            throw createFailed(name, e);
        }
    }

    /** topics describe: the partitions (describeTopics), then the topic's own configs (describeConfigs). */
    TopicInfo describe(String name) throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            TopicDescription description = get(admin.describeTopics(List.of(name)).topicNameValues().get(name), name);
            List<PartitionInfo> partitions = description.partitions().stream().map(TopicAdmin::partition).toList();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
            Config config = get(admin.describeConfigs(List.of(resource)).values().get(resource), name);
            // Every config comes back, with where its value comes from: keep those set on this topic.
            Map<String, String> overridden = config.entries().stream()
                    .filter(entry -> entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                    .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
            return new TopicInfo(name, partitions, overridden);
        }
    }

    /** topics delete: the topic and all its records. */
    void delete(String name) throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            get(admin.deleteTopics(List.of(name)).all(), name);
        }
    }

    private static PartitionInfo partition(TopicPartitionInfo info) {
        return new PartitionInfo(info.partition(), Optional.ofNullable(info.leader()).map(Node::id).orElse(null),
                info.replicas().stream().map(Node::id).toList(), info.isr().stream().map(Node::id).toList());
    }

    /** Waits for a future; a missing topic becomes a message a person can act on. */
    static <T> T get(KafkaFuture<T> future, String topicOrAction) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UserFacingException("Topic " + topicOrAction + " does not exist."
                        + " List the topics with: ./mvnw -q compile exec:java -pl admin-client -Dexec.args=\"topics list\"");
            }
            throw failure(topicOrAction, e);
        }
    }

    /** Why a topic was not created, in words: it exists, no controller answered, or what the broker said. */
    static UserFacingException createFailed(String name, ExecutionException e) {
        if (e.getCause() instanceof TopicExistsException) {
            return new UserFacingException("Topic " + name + " already exists.");
        }
        if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
            return createTimedOut(name);
        }
        return failure("create topic " + name, e);
    }

    static UserFacingException failure(String what, ExecutionException e) {
        return new UserFacingException("Could not " + what + ": " + e.getCause().getMessage(), e.getCause());
    }

    /** A topic's creation that timed out, said in words: the usual cause is a cluster without its controller. */
    static UserFacingException createTimedOut(String name) {
        return new UserFacingException("Could not create topic " + name + ": no answer within " + CREATE_TIMEOUT.toSeconds()
                + " s. Brokers still serve records without their controllers, but only the active controller creates"
                + " topics: is a controller (or a majority of the controllers) running? local-kafka's output says"
                + " when one ended.");
    }
}
