package dev.franz.testing;

import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives integration tests a real Kafka broker: one per test JVM, started by the first test class that
 * needs it, shared by all, stopped when the JVM's tests are done.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();
 * ...
 * props.put(BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
 * }</pre>
 *
 * Tests share the broker, so each uses its own topic and group names ({@link TestNames#unique}).
 */
public final class KafkaBrokerExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    private TestBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        // The root context's store lives as long as the test JVM's run and closes what it holds at the end.
        broker = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(TestBroker.class, key -> TestBrokers.start(), TestBroker.class);
    }

    /** The broker's address, e.g. {@code localhost:41234}. */
    public String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException("The broker starts before the tests: register this extension"
                    + " with @RegisterExtension on a static field");
        }
        return broker.bootstrapServers();
    }

    /** Client settings that reach the test broker: a fresh copy to add a client's own settings to. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }
}
