package dev.franz.schemaregistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import dev.franz.childjvm.StarterWatch;

/**
 * Apicurio Registry, a real schema registry, in a child JVM: the application Maven fetched from Maven
 * Central and unpacked into this module's {@code target/apicurio-registry}. Schemas are kept in memory
 * (its default H2 storage): they are gone when it stops. It serves Confluent's Schema Registry REST API
 * under {@value #CONFLUENT_API_PATH}, which is what Franz's clients speak.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(8081, logFile, Duration.ofSeconds(60))) {
 *     registry.url(); // http://localhost:8081/apis/ccompat/v7
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** Where Apicurio serves Confluent's Schema Registry API ("ccompat" = Confluent-compatible). */
    public static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";

    private static final String HOST = "localhost";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final URI url;
    private final Duration startedIn;
    private final Path log;

    private EmbeddedSchemaRegistry(Process process, URI url, Duration startedIn, Path log) {
        this.process = process;
        this.url = url;
        this.startedIn = startedIn;
        this.log = log;
    }

    /** The Apicurio Registry version Maven unpacked, e.g. {@code 2.6.13.Final}. */
    public static String version() {
        return install().getProperty("version");
    }

    /**
     * Starts the registry on {@code localhost:port} and returns once it answers, its output going to
     * {@code log}.
     *
     * @throws RegistryStartException with a message for a person: port in use, not unpacked, did not answer
     */
    public static EmbeddedSchemaRegistry start(int port, Path log, Duration timeout) {
        Path home = Path.of(install().getProperty("home"));
        Path runner = home.resolve("apicurio-registry-app-" + version() + "-runner.jar");
        if (!Files.isRegularFile(runner)) {
            throw new RegistryStartException("The schema registry is not unpacked at " + runner + ".\n"
                    + "Build it once with:  ./mvnw -q compile -pl :embedded-schema-registry"
                    + "   (Maven downloads Apicurio Registry " + version() + " from Maven Central, about 140 MB)");
        }
        checkPortFree(port);
        long startedAt = System.nanoTime();
        Process process;
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            List<String> command = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    // Short-lived and small: the client compiler only, which starts faster.
                    "-XX:TieredStopAtLevel=1",
                    "-Dquarkus.http.host=" + HOST,
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.banner.enabled=false",
                    "-cp", launcherClassPath() + java.io.File.pathSeparator + runner,
                    RegistryChildMain.class.getName(), mainClass(runner));
            process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the schema registry's JVM", e);
        }
        URI url = URI.create("http://" + HOST + ":" + port + CONFLUENT_API_PATH);
        awaitAnswer(process, url, log, timeout);
        return new EmbeddedSchemaRegistry(process, url, Duration.ofNanos(System.nanoTime() - startedAt), log);
    }

    /** The Confluent-compatible API, e.g. {@code http://localhost:8081/apis/ccompat/v7}. */
    public URI url() {
        return url;
    }

    /** From the start of its JVM to its first answer. */
    public Duration startedIn() {
        return startedIn;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the registry's JVM ends, whoever ends it. */
    public void awaitExit() throws InterruptedException {
        process.waitFor();
    }

    /** Stops the registry (SIGTERM, then SIGKILL after 10 s) and waits for its JVM to end. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Polls the API until it answers 200, the JVM dies or the timeout passes. */
    private static void awaitAnswer(Process process, URI url, Path log, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/subjects"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new RegistryStartException("The schema registry's JVM ended with status " + process.exitValue()
                        + " before answering. Its output: " + log.toAbsolutePath());
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new RegistryStartException("Interrupted while the schema registry was starting");
            }
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS); // a pause that ends early if the JVM dies
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new RegistryStartException("Interrupted while the schema registry was starting");
            }
        }
        process.destroyForcibly();
        throw new RegistryStartException("The schema registry did not answer at " + url + " within "
                + timeout.toSeconds() + " s. Its output: " + log.toAbsolutePath());
    }

    private static void checkPortFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            probe.setReuseAddress(true);
        } catch (BindException e) {
            throw new RegistryStartException("Port " + port + " is already in use on " + HOST + ".\n"
                    + "Probably a schema registry is running already: a local-schema-registry in another terminal."
                    + " Check with:  curl http://" + HOST + ":" + port + CONFLUENT_API_PATH + "/subjects\n"
                    + "Find what holds it with:  ss -ltnp | grep ':" + port + " '   Stop it with:  kill <pid>"
                    + "   Or pick another port with --port.");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not check port " + port, e);
        }
    }

    /** Where {@link RegistryChildMain} and the {@link StarterWatch} it uses were loaded from. */
    private static String launcherClassPath() {
        return location(RegistryChildMain.class) + java.io.File.pathSeparator + location(StarterWatch.class);
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String mainClass(Path runner) throws IOException {
        try (JarFile jar = new JarFile(runner.toFile())) {
            return jar.getManifest().getMainAttributes().getValue("Main-Class");
        }
    }

    private static Properties install() {
        Properties props = new Properties();
        try (InputStream in = EmbeddedSchemaRegistry.class.getResourceAsStream("apicurio-registry.properties")) {
            props.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("apicurio-registry.properties is missing: build with Maven", e);
        }
        return props;
    }
}
