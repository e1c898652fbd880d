package dev.franz.adminclient;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

import dev.franz.common.cli.TopicName;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code admin-client acls}: the options and the printing; the Admin calls are in {@link AclAdmin}. */
@Command(name = "acls", description = "Who may do what: list, add and remove ACLs; level-3 gives each Level 3"
        + " service only what it needs. Needs a cluster with an authorizer (local-kafka --secure).",
        mixinStandardHelpOptions = true)
final class AclsCommand {
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
            return AclAdmin.allow(principal, resource.type(), resource.name(),
                    prefixed ? PatternType.PREFIXED : PatternType.LITERAL, AclOperation.valueOf(operation.name()));
        }
    }

    @Spec
    CommandSpec spec;

    @Command(name = "list", description = "Every ACL of the cluster, or one principal's.")
    int list(@Option(names = "--principal", paramLabel = "User:NAME", description = "Who, e.g. User:payment-service: only this principal's rules.")
             String principal) throws InterruptedException {
        List<AclBinding> acls = new AclAdmin(lesson.connection()).list(Optional.ofNullable(principal));
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
        new AclAdmin(lesson.connection()).add(List.of(acl));
        lesson.out.println("Added: " + shown(acl).strip());
        return 0;
    }

    @Command(name = "remove", description = "Remove an ACL added with add (the same options).")
    int remove(@Mixin Rule rule) throws InterruptedException {
        AclBinding acl = rule.binding(spec.commandLine().getSubcommands().get("remove"));
        List<AclBinding> removed = new AclAdmin(lesson.connection()).remove(List.of(acl));
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
        List<AclBinding> acls = AclAdmin.levelThreeAcls(topics.get(0), topics.get(1), topics.get(2), topics.get(3));
        new AclAdmin(lesson.connection()).levelThree(topics, config.topicPartitions(), config.topicReplicationFactor(),
                acls, topic -> lesson.out.println("Created topic " + topic));
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
