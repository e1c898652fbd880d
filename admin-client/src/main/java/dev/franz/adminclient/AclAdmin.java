package dev.franz.adminclient;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

import dev.franz.common.UserFacingException;

/**
 * ACLs with the Admin API, what {@code kafka-acls --list/--add/--remove} do: who may do what on which
 * resource. One method per {@code acls} command, each with its own Admin client, closed when done; and
 * Level 3's least privilege ({@link #levelThreeAcls}). Needs a cluster with an authorizer.
 */
final class AclAdmin {

    /** The client settings: bootstrap servers, and security (an admin user's) on a secured cluster. */
    private final Properties properties;

    AclAdmin(Properties properties) {
        this.properties = properties;
    }

    /**
     * One rule: {@code principal} may do {@code operation} on the resource. {@code PREFIXED} matches every
     * name that starts with the resource name (each instance's transactional id: payment-service-1, -2, ...).
     */
    static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
                            AclOperation operation) {
        // Host "*": from any address. DENY rules exist too; the lesson needs none, as no ACL already means no.
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /**
     * Level 3's least privilege: each service may do what it does and nothing else. Names come from the
     * configuration (topics) and the services' defaults (groups, transactional ids).
     */
    static List<AclBinding> levelThreeAcls(String orders, String payments, String ordersDlt, String notifications) {
        String producer = "User:order-producer";
        String payment = "User:payment-service";
        String notification = "User:notification-service";
        return List.of(
                // WRITE on a topic is enough for an idempotent producer (Kafka's default) since Kafka 3.0;
                // the cluster-wide IDEMPOTENT_WRITE it once needed is not granted.
                allow(producer, ResourceType.TOPIC, orders, PatternType.LITERAL, AclOperation.WRITE),
                // A consumer needs READ on the topic and READ on its group (join, fetch and commit offsets).
                allow(payment, ResourceType.TOPIC, orders, PatternType.LITERAL, AclOperation.READ),
                allow(payment, ResourceType.GROUP, "payment_service", PatternType.LITERAL, AclOperation.READ),
                allow(payment, ResourceType.TOPIC, payments, PatternType.LITERAL, AclOperation.WRITE),
                allow(payment, ResourceType.TOPIC, ordersDlt, PatternType.LITERAL, AclOperation.WRITE),
                // A transactional producer needs WRITE on its transactional id (payment-service-1, -2, ...).
                allow(payment, ResourceType.TRANSACTIONAL_ID, "payment-service-", PatternType.PREFIXED,
                        AclOperation.WRITE),
                allow(notification, ResourceType.TOPIC, orders, PatternType.LITERAL, AclOperation.READ),
                allow(notification, ResourceType.TOPIC, payments, PatternType.LITERAL, AclOperation.READ),
                // It reads its own notifications back at start, to know what it already sent.
                allow(notification, ResourceType.TOPIC, notifications, PatternType.LITERAL, AclOperation.READ),
                allow(notification, ResourceType.TOPIC, notifications, PatternType.LITERAL, AclOperation.WRITE),
                allow(notification, ResourceType.GROUP, "notification_service", PatternType.LITERAL,
                        AclOperation.READ),
                allow(notification, ResourceType.TRANSACTIONAL_ID, "notification-service-", PatternType.PREFIXED,
                        AclOperation.WRITE));
    }

    /** acls list: every rule the cluster has, or only {@code principal}'s. */
    List<AclBinding> list(Optional<String> principal) throws InterruptedException {
        // A filter matches rules; null and ANY match everything, so this one matches on the principal only.
        AclBindingFilter filter = new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
                principal.orElse(null), null, AclOperation.ANY, AclPermissionType.ANY));
        try (Admin admin = Admin.create(properties)) {
            return admin.describeAcls(filter).values().get().stream()
                    .sorted(Comparator.comparing((AclBinding b) -> b.entry().principal())
                            .thenComparing(b -> b.pattern().resourceType().toString())
                            .thenComparing(b -> b.pattern().name())
                            .thenComparing(b -> b.entry().operation().toString()))
                    .toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SecurityDisabledException) {
                throw new UserFacingException("This cluster has no authorizer, so no ACLs: every client may do"
                        + " everything. Start the secured local broker: local-kafka --secure (docs/security.md).");
            }
            throw TopicAdmin.failure("list the ACLs", e);
        }
    }

    /** acls add: adds these rules (adding one that exists changes nothing). */
    void add(List<AclBinding> acls) throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            admin.createAcls(acls).all().get();
        } catch (ExecutionException e) {
            throw TopicAdmin.failure("add the ACLs", e);
        }
    }

    /** acls remove: removes the rules that match these exactly; returns those removed. */
    List<AclBinding> remove(List<AclBinding> acls) throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            // Deleting takes filters: a rule's own filter matches that rule only.
            return new ArrayList<>(admin.deleteAcls(acls.stream().map(AclBinding::toFilter).toList()).all().get());
        } catch (ExecutionException e) {
            throw TopicAdmin.failure("remove the ACLs", e);
        }
    }

    /**
     * acls level-3: Level 3's topics created as the admin (the services may not create topics), those
     * that exist left as they are, then the rules. {@code created} hears of each topic as it is created.
     */
    void levelThree(List<String> topics, int partitions, Optional<Short> replicationFactor, List<AclBinding> acls,
                    Consumer<String> created) throws InterruptedException {
        try (Admin admin = Admin.create(properties)) {
            Set<String> existing = TopicAdmin.get(admin.listTopics().names(), "list topics");
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    try {
                        admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), replicationFactor)),
                                new CreateTopicsOptions().timeoutMs((int) TopicAdmin.CREATE_TIMEOUT.toMillis()))
                                .all().get();
                    } catch (ExecutionException e) {
                        throw TopicAdmin.createFailed(topic, e);
                    }
                    created.accept(topic);
                }
            }
            try {
                admin.createAcls(acls).all().get();
            } catch (ExecutionException e) {
                throw TopicAdmin.failure("add the ACLs", e);
            }
        }
    }
}
