package dev.franz.common.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Checks, before a program starts its real work, that a broker answers at the configured address.
 *
 * <p>Without it a learner who forgot to start Kafka sees a producer block for a minute
 * ({@code max.block.ms}) or a consumer log "Connection to node -1 could not be established" forever.
 */
public final class BrokerPreflight {

    /** Long enough for a healthy remote cluster to answer, short enough that a mistake shows at once. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private BrokerPreflight() {
    }

    /** What the preflight saw: the cluster's id and how many brokers it has. */
    public record ClusterSummary(String clusterId, int brokerCount) {
    }

    /**
     * Asks the cluster to describe itself, waiting at most {@code timeout}.
     *
     * @param clientProperties the program's client settings (bootstrap servers, security, ...)
     * @throws BrokerUnreachableException naming the address tried and what to do
     */
    public static ClusterSummary check(Properties clientProperties, Duration timeout) {
        String bootstrap = clientProperties.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        // A plain TCP connect first: "connection refused" or an unknown host is known in milliseconds,
        // before a Kafka client starts retrying and logging a warning for each attempt.
        IOException noListener = firstListenerOrFailure(bootstrap, timeout);
        if (noListener != null) {
            throw unreachable("No Kafka broker at " + bootstrap, noListener);
        }
        Properties props = new Properties();
        props.putAll(clientProperties);
        int timeoutMs = (int) timeout.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        // Retry the connection quickly within the short window instead of backing off up to 1 s.
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);

        try (Admin admin = Admin.create(props)) {
            DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs));
            String clusterId = cluster.clusterId().get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
            Collection<Node> nodes = cluster.nodes().get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
            return new ClusterSummary(clusterId, nodes.size());
        } catch (ExecutionException e) {
            throw unreachable(noAnswer(bootstrap, timeout, props), e.getCause());
        } catch (TimeoutException | KafkaException e) {
            throw unreachable(noAnswer(bootstrap, timeout, props), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(noAnswer(bootstrap, timeout, props), e);
        }
    }

    /** Null if something accepts TCP connections at one of the addresses, else why none did. */
    private static IOException firstListenerOrFailure(String bootstrap, Duration timeout) {
        IOException failure = null;
        for (String address : bootstrap.split(",")) {
            String hostPort = address.strip();
            int colon = hostPort.lastIndexOf(':');
            String host = hostPort.substring(0, colon); // FranzConfig accepts only HOST:PORT, no IPv6 literals
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                return null;
            } catch (IOException e) {
                failure = e;
            }
        }
        return failure;
    }

    private static String noAnswer(String bootstrap, Duration timeout, Properties props) {
        // Measured with Kafka 4.4.0: a plaintext client at a TLS listener gets no error, only no answer.
        String secured = props.containsKey(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) ? ""
                : "; if that listener is secured (TLS, SASL), a client without security settings gets no answer:"
                + " set them in KAFKA_CLIENT_CONFIG, docs/security.md";
        return "No Kafka broker answered at " + bootstrap + " within " + timeout.toSeconds() + " s" + secured;
    }

    private static BrokerUnreachableException unreachable(String what, Throwable cause) {
        if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
            return new BrokerUnreachableException("Reached Kafka but it refused this client: " + cause.getMessage()
                    + "\nCheck the security settings in your KAFKA_CLIENT_CONFIG file.", cause);
        }
        return new BrokerUnreachableException(what + " (" + describe(cause) + ").\n"
                        + "  - Start the local broker in another terminal:  ./mvnw -q compile exec:java -pl local-kafka\n"
                        + "  - or point Franz at your cluster:               KAFKA_BOOTSTRAP_SERVERS=host:port"
                        + " (in .env or the environment, or --bootstrap-servers)",
                cause);
    }

    private static String describe(Throwable cause) {
        if (cause instanceof UnknownHostException) {
            return "unknown host " + cause.getMessage();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
