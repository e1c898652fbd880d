package dev.franz.adminclient;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.TopicName;
import dev.franz.common.config.FranzConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code admin-client topics}: the options and the printing; the Admin calls are in {@link TopicAdmin}. */
@Command(name = "topics", description = "List, create, describe and delete topics.", mixinStandardHelpOptions = true)
final class TopicsCommand {
    @ParentCommand
    AdminLesson lesson;

    @Command(name = "list", description = "Names of all topics.")
    int list() throws InterruptedException {
        List<String> topics = new TopicAdmin(lesson.connection()).list();
        if (topics.isEmpty()) {
            // On a secured cluster, a user is shown only the topics an ACL lets it use.
            lesson.out.println("No topics" + (lesson.config().principal().equals("User:ANONYMOUS") ? "."
                    : " that " + lesson.config().principal() + " may see (a secured cluster lists only the topics"
                    + " an ACL lets the user use)."));
        }
        topics.forEach(lesson.out::println);
        return 0;
    }

    @Command(name = "create", description = "Create a topic (partitions and replication factor from the"
            + " configuration unless given).")
    int create(@Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class, required = true, description = "Topic to create.") String topic,
               @Option(names = "--partitions", paramLabel = "N", converter = Numbers.PositiveInt.class,
                       description = "How many partitions (default: TOPIC_PARTITIONS).") Integer partitions,
               @Option(names = "--replication-factor", paramLabel = "N", converter = Numbers.PositiveShort.class,
                       description = "Copies of each partition (default: TOPIC_REPLICATION_FACTOR, else the"
                               + " cluster's default).") Short replicationFactor)
            throws InterruptedException {
        FranzConfig config = lesson.config();
        int p = partitions != null ? partitions : config.topicPartitions();
        // Neither given nor configured: the cluster's default.replication.factor decides.
        Optional<Short> r = replicationFactor != null ? Optional.of(replicationFactor) : config.topicReplicationFactor();
        int copies = new TopicAdmin(lesson.connection()).create(topic, p, r);
        lesson.out.printf("Created topic %s: %d partitions, replication factor %d%n", topic, p, copies);
        return 0;
    }

    @Command(name = "describe", description = "Partitions with leader, replicas and in-sync replicas; configs.")
    int describe(@Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class, required = true, description = "Topic to describe.") String topic) throws InterruptedException {
        TopicAdmin.TopicInfo info = new TopicAdmin(lesson.connection()).describe(topic);
        PrintStream out = lesson.out;
        out.printf("Topic %s: %d partitions, replication factor %d%n", info.name(), info.partitions().size(),
                info.partitions().isEmpty() ? 0 : info.partitions().get(0).replicas().size());
        out.printf("  %-9s  %-6s  %-12s  %s%n", "partition", "leader", "replicas", "in-sync replicas (ISR)");
        for (TopicAdmin.PartitionInfo p : info.partitions()) {
            out.printf("  %-9d  %-6s  %-12s  %s%n", p.partition(), p.leader() == null ? "none" : p.leader(),
                    p.replicas(), p.inSyncReplicas());
        }
        out.println("  configs set on this topic: " + (info.overriddenConfigs().isEmpty() ? "none (broker defaults)"
                : new TreeMap<>(info.overriddenConfigs())));
        return 0;
    }

    @Command(name = "delete", description = "Delete a topic and all its records.")
    int delete(@Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class, required = true, description = "Topic to delete.") String topic) throws InterruptedException {
        new TopicAdmin(lesson.connection()).delete(topic);
        lesson.out.println("Deleted topic " + topic);
        return 0;
    }
}
