package dev.franz.common.kafka;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

import dev.franz.common.config.FranzConfig;

/**
 * One line for a refusal by a secured broker: who was refused, on what, for which operation, and what to
 * change. Kafka's own messages ("Not authorized to access topics: [orders]") name neither the principal
 * nor the operation; the broker's authorizer log does, this line says what the client can know.
 *
 * <p>Authentication and authorization errors are fatal in Kafka's clients: retrying cannot help, so a
 * program that meets one stops with this line (exit 1).
 */
public final class SecurityFailures {

    private static final Pattern NEEDS_PERMISSION = Pattern.compile("needs ([A-Z_]+) permission");

    private SecurityFailures() {
    }

    /** The line for the first security error in {@code failure}'s causes, if it has one. */
    public static Optional<String> explain(Throwable failure, FranzConfig config) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthorizationException refused) {
                return Optional.of(refused(refused, failure, config.principal()));
            }
            if (cause instanceof AuthenticationException notAuthenticated) {
                return Optional.of(notAuthenticated(notAuthenticated, config));
            }
        }
        return Optional.empty();
    }

    static String refused(AuthorizationException e, Throwable whole, String principal) {
        String fix = " Allow it with admin-client acls add (as an admin), or use a user that has it"
                + " (docs/security.md).";
        if (e instanceof TopicAuthorizationException topics) {
            Set<String> names = new TreeSet<>(topics.unauthorizedTopics());
            String named = "topic" + (names.size() == 1 ? " " : "s ") + (names.isEmpty() ? "(not named)"
                    : String.join(", ", names));
            if (creating(whole)) {
                return "Kafka refused " + principal + " CREATE on " + named + ": no ACL allows it, nor one to see the"
                        + " topic if it exists (with READ, WRITE or DESCRIBE on it, the existing topic is used)." + fix;
            }
            // Kafka's answer does not say which operation: the one this program does there (its --help says).
            return "Kafka refused " + principal + " on " + named + ": no ACL allows what this program does there"
                    + " (READ to consume, WRITE to produce)." + fix;
        }
        if (e instanceof GroupAuthorizationException group) {
            return "Kafka refused " + principal + " READ on group " + (group.groupId() == null ? "(not named)"
                    : group.groupId()) + " (joining it, reading or committing its offsets): no ACL allows it." + fix;
        }
        if (e instanceof TransactionalIdAuthorizationException) {
            return "Kafka refused " + principal + " WRITE on its transactional id (the producer's transactional.id):"
                    + " no ACL allows it, so it cannot start transactions." + fix;
        }
        if (e instanceof ClusterAuthorizationException) {
            // An admin request's refusal names the operation ("... needs DESCRIBE permission.").
            Matcher needs = NEEDS_PERMISSION.matcher(String.valueOf(e.getMessage()));
            if (needs.find()) {
                return "Kafka refused " + principal + " " + needs.group(1) + " on the cluster: no ACL allows it." + fix;
            }
            // Measured with Kafka 4.4.0: what a producer meets when it may write no topic at all.
            return "Kafka refused " + principal + " an operation on the cluster (" + e.getMessage() + "): for a"
                    + " producer, starting idempotence (Kafka's default), which WRITE on any topic allows (or"
                    + " IDEMPOTENT_WRITE on the cluster)." + fix;
        }
        return "Kafka refused " + principal + ": " + e.getMessage() + "." + fix;
    }

    /**
     * True if the refusal came from creating a topic ({@link Topics}). Kafka's errors carry no stack (an
     * ApiException does not fill one in), so only Topics' own wrapper tells.
     */
    private static boolean creating(Throwable whole) {
        for (Throwable cause = whole; cause != null; cause = cause.getCause()) {
            for (StackTraceElement frame : cause.getStackTrace()) {
                if (frame.getClassName().equals(Topics.class.getName()) && frame.getMethodName().startsWith("create")) {
                    return true;
                }
            }
        }
        return false;
    }

    static String notAuthenticated(AuthenticationException e, FranzConfig config) {
        String file = config.clientConfigFile().map(SecurityFailures::shown).orElse("(no KAFKA_CLIENT_CONFIG set)");
        if (e instanceof SaslAuthenticationException) {
            return "Kafka refused to authenticate " + config.principal() + " (" + e.getMessage() + "): a wrong"
                    + " password, or no such user (the broker does not say which). Check sasl.jaas.config in " + file
                    + ".";
        }
        if (e instanceof SslAuthenticationException) {
            String why = rootMessage(e);
            if (why.contains("PKIX") || why.contains("unable to find valid certification path")) {
                return "The broker's certificate is not signed by a CA this client trusts (" + why + "). Check"
                        + " ssl.truststore.location in " + file + " (the local broker's CA: .kafka-secure/ca.pem).";
            }
            if (why.contains("No subject alternative") || why.contains("No name matching")) {
                return "The broker's certificate is not made for the name this client connected to (" + why
                        + "): hostname verification refused it. Connect with a name the certificate has (the local"
                        + " broker's: localhost).";
            }
            return "The TLS handshake with the broker failed (" + why + "). Check the ssl.* settings in " + file + ".";
        }
        return "Kafka refused to authenticate this client (" + e.getMessage() + "). Check the security settings in "
                + file + ".";
    }

    /** A path as a learner wrote it: from the repository root when it is inside it. */
    private static String shown(Path file) {
        Path root = FranzConfig.repositoryRoot().toAbsolutePath().normalize();
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(root) ? root.relativize(absolute).toString() : absolute.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
