package dev.franz.localschemaregistry;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.Numbers;
import dev.franz.common.config.FranzConfig;
import dev.franz.schemaregistry.EmbeddedSchemaRegistry;
import dev.franz.schemaregistry.RegistryStartException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mvn exec:java -pl local-schema-registry}: a real schema registry on localhost:8081 until
 * Ctrl-C. No download by hand, no Docker: it is Apicurio Registry from Maven Central, in a child JVM,
 * serving Confluent's Schema Registry API under /apis/ccompat/v7.
 */
@Command(name = "local-schema-registry", mixinStandardHelpOptions = true, version = "local-schema-registry (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Starts a real schema registry (Apicurio Registry, from Maven Central) and keeps it running"
                + " until Ctrl-C. Schemas are kept in memory: they are gone when it stops.")
public final class LocalSchemaRegistry implements Callable<Integer> {

    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8081", converter = Numbers.Port.class,
            description = "Port of its HTTP API (default: ${DEFAULT-VALUE}).")
    int port;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new LocalSchemaRegistry(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Path log = FranzConfig.repositoryRoot().resolve(".schema-registry.log");
        out.printf("Starting Apicurio Registry %s on localhost:%d (its output goes to %s)...%n",
                EmbeddedSchemaRegistry.version(), port, shown(log));
        EmbeddedSchemaRegistry registry;
        try {
            registry = EmbeddedSchemaRegistry.start(port, log, START_TIMEOUT);
        } catch (RegistryStartException e) {
            throw new UserFacingException(e.getMessage(), e);
        }
        // Ctrl-C (SIGINT) or SIGTERM runs this hook: stop the registry's JVM before this one ends.
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            out.println("Stopping the schema registry...");
            registry.close();
            out.println("Schema registry stopped (its schemas were in memory: they are gone).");
        }, "local-schema-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        printBanner(registry); // after the hook: from "is running" on, Ctrl-C stops the registry cleanly
        registry.awaitExit();
        if (stopping.get()) {
            return 0;
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        throw new UserFacingException("The schema registry stopped unexpectedly. Its output: " + log);
    }

    /** A path as a learner would type it: from the current folder when it is inside it. */
    static String shown(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return absolute.startsWith(here) && !absolute.equals(here) ? here.relativize(absolute).toString() : absolute.toString();
    }

    private void printBanner(EmbeddedSchemaRegistry registry) {
        out.printf("%nApicurio Registry %s is running (a schema registry, schemas in memory), ready in %.1f s%n",
                EmbeddedSchemaRegistry.version(), registry.startedIn().toMillis() / 1000.0);
        out.printf("  url  : %s   (Confluent's Schema Registry API)%n", registry.url());
        out.printf("  pid  : %d, log %s%n", registry.pid(), shown(registry.log()));
        out.println("  stop : Ctrl-C (its schemas are lost: they live in memory)");
        out.println();
        if (port != 8081) {
            out.println("Not the default port: tell the programs where it is, in .env or the environment:");
            out.println("  SCHEMA_REGISTRY_URL=" + registry.url());
            out.println();
        }
        out.println("Next, in another terminal at the repository root:");
        out.println("  curl " + registry.url() + "/subjects   # any HTTP client can talk to it");
        out.println("  ./mvnw -q compile exec:java -pl schema-evolution -Dexec.args=produce   # Level 4: docs/level-4.md");
        out.println();
    }
}
