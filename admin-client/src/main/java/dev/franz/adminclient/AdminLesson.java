package dev.franz.adminclient;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.TopicName;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The admin lesson: the Admin API that kafka-topics and kafka-consumer-groups are built on.
 * {@code ./mvnw -q compile exec:java -pl admin-client -Dexec.args="topics describe --topic user_events"}
 *
 * <p>Reading path: this class is the command line and opens one {@code Admin} client per command
 * ({@link #connect}); the Admin calls themselves are in {@link AdminCalls}, one method per command.
 */
@Command(name = "admin-client", mixinStandardHelpOptions = true, version = "admin-client (Franz)",
        description = "Manage topics and consumer groups with Kafka's Admin API.",
        subcommands = {AdminLesson.TopicsCommand.class, AdminLesson.GroupsCommand.class,
                AdminLesson.ShareGroupsCommand.class, AdminLesson.AclsCommand.class})
public final class AdminLesson {

    @Mixin
    ConfigOptions configOptions;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new AdminLesson(), args));
    }

    private FranzConfig config;

    /** One Admin client per command, closed when done: it holds connections and a thread. */
    Admin connect() {
        BrokerPreflight.check(config().clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
        return Admin.create(config().clientProperties());
    }

    /** Defaults, .env, environment and the command line, loaded once. */
    FranzConfig config() {
        if (config == null) {
            config = configOptions.load();
        }
        return config;
    }

    @Command(name = "topics", description = "List, create, describe and delete topics.", mixinStandardHelpOptions = true)
    static final class TopicsCommand {
        @ParentCommand
        AdminLesson lesson;

        @Command(name = "list", description = "Names of all topics.")
        int list() throws InterruptedException {
            List<String> topics;
            try (Admin admin = lesson.connect()) {
                topics = new AdminCalls(admin).listTopics();
            }
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
            int copies;
            try (Admin admin = lesson.connect()) {
                copies = new AdminCalls(admin).createTopic(topic, p, r);
            }
            lesson.out.printf("Created topic %s: %d partitions, replication factor %d%n", topic, p, copies);
            return 0;
        }

        @Command(name = "describe", description = "Partitions with leader, replicas and in-sync replicas; configs.")
        int describe(@Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class, required = true, description = "Topic to describe.") String topic) throws InterruptedException {
            AdminCalls.TopicInfo info;
            try (Admin admin = lesson.connect()) {
                info = new AdminCalls(admin).describeTopic(topic);
            }
            PrintStream out = lesson.out;
            out.printf("Topic %s: %d partitions, replication factor %d%n", info.name(), info.partitions().size(),
                    info.partitions().isEmpty() ? 0 : info.partitions().get(0).replicas().size());
            out.printf("  %-9s  %-6s  %-12s  %s%n", "partition", "leader", "replicas", "in-sync replicas (ISR)");
            for (AdminCalls.PartitionInfo p : info.partitions()) {
                out.printf("  %-9d  %-6s  %-12s  %s%n", p.partition(), p.leader() == null ? "none" : p.leader(),
                        p.replicas(), p.inSyncReplicas());
            }
            out.println("  configs set on this topic: " + (info.overriddenConfigs().isEmpty() ? "none (broker defaults)"
                    : new TreeMap<>(info.overriddenConfigs())));
            return 0;
        }

        @Command(name = "delete", description = "Delete a topic and all its records.")
        int delete(@Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class, required = true, description = "Topic to delete.") String topic) throws InterruptedException {
            try (Admin admin = lesson.connect()) {
                new AdminCalls(admin).deleteTopic(topic);
            }
            lesson.out.println("Deleted topic " + topic);
            return 0;
        }
    }

    @Command(name = "groups", description = "List and describe consumer groups (with lag), reset their offsets.",
            mixinStandardHelpOptions = true)
    static final class GroupsCommand {
        @ParentCommand
        AdminLesson lesson;

        @Command(name = "list", description = "Ids of all groups.")
        int list() throws InterruptedException {
            try (Admin admin = lesson.connect()) {
                new AdminCalls(admin).listGroups().forEach(lesson.out::println);
            }
            return 0;
        }

        @Command(name = "describe", description = "State, members, and per partition: committed offset, end offset, lag.")
        int describe(@Option(names = "--group", paramLabel = "GROUP", required = true, description = "Consumer group to describe.") String group) throws InterruptedException {
            AdminCalls.GroupInfo info;
            try (Admin admin = lesson.connect()) {
                info = new AdminCalls(admin).describeGroup(group);
            }
            PrintStream out = lesson.out;
            out.printf("Group %s: %s, %d active member(s), total lag %d%n", info.group(), info.state(), info.members(),
                    info.totalLag());
            out.printf("  %-28s  %-9s  %-9s  %s%n", "partition", "committed", "end", "lag");
            for (AdminCalls.PartitionLag p : info.partitions()) {
                out.printf("  %-28s  %-9d  %-9d  %d%n", p.partition(), p.committed(), p.end(), p.lag());
            }
            if (!info.streamsMembers().isEmpty()) {
                out.println("  Kafka Streams group (streams protocol): tasks SUBTOPOLOGY_PARTITION as the broker assigned them");
                for (AdminCalls.StreamsMember member : info.streamsMembers()) {
                    out.printf("  member at %s: active %s, standby %s%s%n", member.endpoint(), member.active(),
                            member.standby(), member.warmup().isEmpty() ? "" : ", warming up " + member.warmup());
                }
            }
            return 0;
        }

        static final class Target {
            @Option(names = "--to-earliest", required = true, description = "The first record still stored.")
            boolean earliest;

            @Option(names = "--to-latest", required = true, description = "The end: skip everything there is.")
            boolean latest;

            @Option(names = "--to-datetime", paramLabel = "ISO-8601", required = true,
                    description = "The first record at or after this time, e.g. 2026-11-26T18:00:00Z.")
            Instant time;

            AdminCalls.ResetTarget target() {
                if (earliest) {
                    return new AdminCalls.ResetTarget.Earliest();
                }
                return latest ? new AdminCalls.ResetTarget.Latest() : new AdminCalls.ResetTarget.AtTime(time);
            }
        }

        @Command(name = "reset", description = "Move a stopped group's committed offsets on a topic.")
        int reset(@Option(names = "--group", paramLabel = "GROUP", required = true, description = "Consumer group whose offsets to move.") String group,
                  @Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class, required = true, description = "Topic to move them on.") String topic,
                  @ArgGroup(exclusive = true, multiplicity = "1") Target target) throws InterruptedException {
            Map<TopicPartition, Long> offsets;
            try (Admin admin = lesson.connect()) {
                offsets = new AdminCalls(admin).resetOffsets(group, topic, target.target());
            }
            lesson.out.printf("Reset group %s on %s:%n", group, topic);
            Map<Integer, Long> byPartition = new TreeMap<>();
            offsets.forEach((partition, offset) -> byPartition.put(partition.partition(), offset));
            byPartition.forEach((partition, offset) -> lesson.out.printf("  partition %d -> offset %d%n", partition, offset));
            return 0;
        }
    }

    @Command(name = "share-groups", description = "List and describe share groups: members, start offset, lag.",
            mixinStandardHelpOptions = true)
    static final class ShareGroupsCommand {
        @ParentCommand
        AdminLesson lesson;

        @Command(name = "list", description = "Ids of all share groups.")
        int list() throws InterruptedException {
            try (Admin admin = lesson.connect()) {
                new AdminCalls(admin).listShareGroups().forEach(lesson.out::println);
            }
            return 0;
        }

        @Command(name = "describe", description = "State, members with their partitions, and per partition: the"
                + " start offset and the records not yet acknowledged (lag).")
        int describe(@Option(names = "--group", paramLabel = "GROUP", required = true, description = "Share group to describe.") String group) throws InterruptedException {
            AdminCalls.ShareGroupInfo info;
            try (Admin admin = lesson.connect()) {
                info = new AdminCalls(admin).describeShareGroup(group);
            }
            PrintStream out = lesson.out;
            out.printf("Share group %s: %s, %d member(s)%n", info.group(), info.state(), info.members().size());
            for (AdminCalls.Member member : info.members()) {
                out.printf("  member %-20s fetches from %s%n", member.clientId(),
                        member.partitions().isEmpty() ? "(nothing assigned yet)" : member.partitions());
            }
            out.printf("  %-28s  %-12s  %s%n", "partition", "start offset", "lag");
            for (AdminCalls.PartitionState p : info.partitions()) {
                out.printf("  %-28s  %-12s  %s%n", p.partition(), p.startOffset() == null ? "-" : p.startOffset(),
                        p.lag() == null ? "-" : p.lag());
            }
            return 0;
        }
    }

    @Command(name = "acls", description = "Who may do what: list, add and remove ACLs; level-3 gives each Level 3"
            + " service only what it needs. Needs a cluster with an authorizer (local-kafka --secure).",
            mixinStandardHelpOptions = true)
    static final class AclsCommand {
        @ParentCommand
        AdminLesson lesson;

        /** The operations an ACL of the lesson can allow (Kafka's AclOperation, less ANY and UNKNOWN). */
        enum Operation { ALL, READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS,
            IDEMPOTENT_WRITE }

        /** One resource: exactly one of these. */
        static final class Resource {
            @Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class, required = true,
                    description = "Topic to which the rule applies.")
            String topic;

            @Option(names = "--group", paramLabel = "GROUP", required = true,
                    description = "Consumer group the rule is about.")
            String group;

            @Option(names = "--transactional-id", paramLabel = "ID", required = true,
                    description = "A producer's transactional.id.")
            String transactionalId;

            @Option(names = "--cluster", required = true, description = "The cluster itself.")
            boolean cluster;

            ResourceType type() {
                return topic != null ? ResourceType.TOPIC : group != null ? ResourceType.GROUP
                        : transactionalId != null ? ResourceType.TRANSACTIONAL_ID : ResourceType.CLUSTER;
            }

            String name() {
                return topic != null ? topic : group != null ? group : transactionalId != null ? transactionalId
                        : "kafka-cluster";
            }
        }

        static final class Rule {
            @Option(names = "--principal", paramLabel = "User:NAME", required = true,
                    description = "Who, e.g. User:payment-service (a SCRAM user name after User:).")
            String principal;

            @Option(names = "--operation", paramLabel = "OPERATION", required = true,
                    description = "What: ${COMPLETION-CANDIDATES}.")
            Operation operation;

            @ArgGroup(exclusive = true, multiplicity = "1")
            Resource resource;

            @Option(names = "--prefixed", description = "Every resource whose name starts with the one given.")
            boolean prefixed;

            AclBinding binding(CommandLine commandLine) {
                if (!principal.startsWith("User:") || principal.length() == 5) {
                    throw new ParameterException(commandLine, "Invalid value for option '--principal': '" + principal
                            + "' is not allowed, it must be User:NAME, e.g. User:payment-service");
                }
                return AdminCalls.allow(principal, resource.type(), resource.name(),
                        prefixed ? PatternType.PREFIXED : PatternType.LITERAL, AclOperation.valueOf(operation.name()));
            }
        }

        @Spec
        CommandSpec spec;

        @Command(name = "list", description = "Every ACL of the cluster, or one principal's.")
        int list(@Option(names = "--principal", paramLabel = "User:NAME", description = "Who, e.g. User:payment-service: only this principal's rules.")
                 String principal) throws InterruptedException {
            List<AclBinding> acls;
            try (Admin admin = lesson.connect()) {
                acls = new AdminCalls(admin).describeAcls(Optional.ofNullable(principal));
            }
            if (acls.isEmpty()) {
                lesson.out.println("No ACLs" + (principal == null ? "" : " for " + principal)
                        + ": only super users may do anything.");
            }
            acls.forEach(acl -> lesson.out.println(shown(acl)));
            return 0;
        }

        @Command(name = "add", description = "Allow a principal an operation on a resource.")
        int add(@Mixin Rule rule) throws InterruptedException {
            AclBinding acl = rule.binding(spec.commandLine().getSubcommands().get("add"));
            try (Admin admin = lesson.connect()) {
                new AdminCalls(admin).createAcls(List.of(acl));
            }
            lesson.out.println("Added: " + shown(acl).strip());
            return 0;
        }

        @Command(name = "remove", description = "Remove an ACL added with add (the same options).")
        int remove(@Mixin Rule rule) throws InterruptedException {
            AclBinding acl = rule.binding(spec.commandLine().getSubcommands().get("remove"));
            List<AclBinding> removed;
            try (Admin admin = lesson.connect()) {
                removed = new AdminCalls(admin).deleteAcls(List.of(acl));
            }
            lesson.out.println(removed.isEmpty() ? "No such ACL: " + shown(acl).strip() + " (admin-client acls list shows them)"
                    : "Removed: " + shown(acl).strip());
            return 0;
        }

        @Command(name = "level-3", description = "Create Level 3's topics (as the admin: the services may not) and"
                + " allow each service what it does, nothing more.")
        int levelThree() throws InterruptedException {
            FranzConfig config = lesson.config();
            List<String> topics = List.of(config.topic(ConfigKey.TOPIC_ORDERS), config.topic(ConfigKey.TOPIC_PAYMENTS),
                    config.topic(ConfigKey.TOPIC_ORDERS_DLT), config.topic(ConfigKey.TOPIC_NOTIFICATIONS));
            List<AclBinding> acls = AdminCalls.levelThreeAcls(topics.get(0), topics.get(1), topics.get(2), topics.get(3));
            try (Admin admin = lesson.connect()) {
                AdminCalls calls = new AdminCalls(admin);
                List<String> existing = calls.listTopics();
                for (String topic : topics) {
                    if (!existing.contains(topic)) {
                        calls.createTopic(topic, config.topicPartitions(), config.topicReplicationFactor());
                        lesson.out.println("Created topic " + topic);
                    }
                }
                calls.createAcls(acls);
            }
            lesson.out.println("Allowed (any other request of these users is refused):");
            acls.forEach(acl -> lesson.out.println(shown(acl)));
            return 0;
        }

        /** "  User:payment-service   READ        topic orders". */
        static String shown(AclBinding acl) {
            String resource = acl.pattern().resourceType().toString().toLowerCase(Locale.ROOT).replace('_', '-') + " "
                    + acl.pattern().name() + (acl.pattern().patternType() == PatternType.PREFIXED ? "*" : "");
            String operation = (acl.entry().permissionType() == AclPermissionType.ALLOW ? "" : "DENY ")
                    + acl.entry().operation();
            return String.format("  %-26s %-16s %s", acl.entry().principal(), operation, resource);
        }
    }
}
