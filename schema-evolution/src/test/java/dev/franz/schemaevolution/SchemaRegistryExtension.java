package dev.franz.schemaevolution;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.franz.schemaregistry.EmbeddedSchemaRegistry;

/**
 * A real schema registry for this module's tests: one per test JVM, started by the first test class
 * that needs it (about 6 s), shared by all, stopped when the JVM's tests are done. Tests share it, so
 * each uses its own topic, hence its own subject.
 */
final class SchemaRegistryExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SchemaRegistryExtension.class);

    private Running registry;

    /** The root store closes what it holds when the JVM's tests are done. */
    private record Running(EmbeddedSchemaRegistry registry) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            registry.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        registry = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Running.class,
                key -> new Running(EmbeddedSchemaRegistry.start(freePort(), Path.of("target", "schema-registry.log"),
                        Duration.ofSeconds(120))), Running.class);
    }

    /** The registry's Confluent-compatible API, e.g. {@code http://localhost:41234/apis/ccompat/v7}. */
    URI url() {
        return registry.registry().url();
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
