package dev.franz.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;

import dev.franz.schemaevolution.SchemaRegistryClient;
import dev.franz.schemaregistry.EmbeddedSchemaRegistry;

/**
 * Level 4: the Avro lesson against the JSON lessons on the same made-up orders (order-producer, and
 * basic-consumer reading them), records per second and bytes per record; and how long the local
 * schema registry takes from launch to its first registered schema.
 */
final class SchemaScenarios {

    private static final String AVRO = "dev.franz.schemaevolution.SchemaEvolutionLesson";
    private static final String ORDER_PRODUCER = "dev.franz.orderproducer.OrderProducer";
    private static final String CONSUMER = "dev.franz.basicconsumer.BasicConsumer";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    private final String bootstrapServers;
    private final long orders;
    private final int rounds;
    private final ChildJvm jvm;
    private int runNumber;

    SchemaScenarios(String bootstrapServers, long orders, int rounds, ChildJvm jvm) {
        this.bootstrapServers = bootstrapServers;
        this.orders = orders;
        this.rounds = rounds;
        this.jvm = jvm;
    }

    /** Producer and consumer, Avro against JSON, on one registry started for them. */
    List<Measurement> avroVersusJson() throws Exception {
        Measurement produce = Measurement.of("schema-evolution produce (Avro, registry)", "order-producer (JSON)",
                "records/s", true, Double.NaN).withAbsoluteGoal("none");
        Measurement consume = Measurement.of("schema-evolution consume (Avro, registry)",
                "basic-consumer --manual-commit (JSON)", "records/s", true, Double.NaN).withAbsoluteGoal("none");
        Path log = Files.createTempFile("franz-bench-registry", ".log");
        double avroBytes = Double.NaN;
        double jsonBytes = Double.NaN;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(freePort(), log, Duration.ofMinutes(2))) {
            for (int round = 0; round < rounds; round++) {
                int run = ++runNumber;
                String avroTopic = "bench-orders-avro-" + run;
                String jsonTopic = "bench-orders-json-" + run;
                List<String> avroConfig = List.of("--bootstrap-servers", bootstrapServers, "--set",
                        "TOPIC_ORDERS_AVRO=" + avroTopic, "--set", "SCHEMA_REGISTRY_URL=" + registry.url());
                boolean avroFirst = round % 2 == 0;
                for (boolean avro : new boolean[] {avroFirst, !avroFirst}) {
                    if (avro) {
                        Summary sent = Summary.run(jvm, AVRO, with(avroConfig, "produce", "--schema", "v1", "-n",
                                String.valueOf(orders), "--print-every", "0"), RUN_TIMEOUT);
                        produce.ours().add(sent.perSecond());
                        produce.oursRssMb().add(sent.result().peakRssMb());
                        avroBytes = sent.json().path("counts").path("value bytes per order in Avro").asDouble();
                        jsonBytes = sent.json().path("counts").path("value bytes per order as JSON").asDouble();
                    } else {
                        Summary sent = Summary.run(jvm, ORDER_PRODUCER, List.of(String.valueOf(orders), "0",
                                "--print-every", "0", "--bootstrap-servers", bootstrapServers,
                                "--set", "TOPIC_ORDERS=" + jsonTopic), RUN_TIMEOUT);
                        produce.references().add(sent.perSecond());
                        produce.referenceRssMb().add(sent.result().peakRssMb());
                    }
                }
                for (boolean avro : new boolean[] {avroFirst, !avroFirst}) {
                    if (avro) {
                        Summary read = Summary.run(jvm, AVRO, with(avroConfig, "consume", "--schema", "v1",
                                "--group", "bench-avro-readers-" + run, "--max-messages", String.valueOf(orders),
                                "--print-every", "0"), RUN_TIMEOUT);
                        consume.ours().add(read.perSecond());
                        consume.oursRssMb().add(read.result().peakRssMb());
                    } else {
                        Summary read = Summary.run(jvm, CONSUMER, List.of(jsonTopic, "bench-json-readers-" + run,
                                "--bootstrap-servers", bootstrapServers, "--manual-commit", "--max-messages",
                                String.valueOf(orders), "--print-every", "0"), RUN_TIMEOUT);
                        consume.references().add(read.perSecond());
                        consume.referenceRssMb().add(read.result().peakRssMb());
                    }
                }
            }
        } finally {
            Files.deleteIfExists(log);
        }
        String sizes = String.format("%,d orders per run; values %.1f bytes per order in Avro against %.1f as JSON"
                + " (%.0f%%), same orders, same producer settings (acks=all, idempotent, linger 5 ms)", orders,
                avroBytes, jsonBytes, 100 * avroBytes / jsonBytes);
        return List.of(produce.withNote("no goal: what Avro and the registry cost or save; " + sizes),
                consume.withNote("no goal; each commits after every batch, reads orders as GenericRecord (Avro) or"
                        + " JsonNode (JSON); " + String.format("%,d orders per run", orders)));
    }

    /**
     * The registry's JVM launched (what local-schema-registry does after Maven) until the first
     * schema is registered, each round a fresh registry.
     */
    Measurement registryStart() throws Exception {
        Measurement m = Measurement.of("schema registry: launch to first schema registered (Apicurio "
                + EmbeddedSchemaRegistry.version() + ")", "", "s", false, Double.NaN).withAbsoluteGoal("none");
        for (int round = 0; round < rounds; round++) {
            Path log = Files.createTempFile("franz-bench-registry", ".log");
            long startedAt = System.nanoTime();
            try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(freePort(), log, Duration.ofMinutes(2))) {
                new SchemaRegistryClient(registry.url(), Optional.empty()).register("bench-value",
                        new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":"
                                + "[{\"name\":\"id\",\"type\":\"string\"}]}"));
                m.ours().add((System.nanoTime() - startedAt) / 1e9);
                m.oursRssMb().add(rssMb(registry.pid()));
            } finally {
                Files.deleteIfExists(log);
            }
        }
        return m.withNote("no goal; a new JVM each round, in-memory storage; ./mvnw adds its own start-up on top"
                + " (see the local broker's row)");
    }

    /**
     * The learner's command, {@code ./mvnw -q compile exec:java -pl local-schema-registry}, until the
     * first schema is registered through it, each round a fresh registry; then Ctrl-C (SIGTERM).
     */
    Measurement registryCommandStart(Path root) throws Exception {
        Measurement m = Measurement.of("schema registry: command to first schema registered"
                + " (./mvnw -q compile exec:java -pl local-schema-registry)", "", "s", false, Double.NaN)
                .withAbsoluteGoal("none");
        Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":"
                + "[{\"name\":\"id\",\"type\":\"string\"}]}");
        for (int round = 0; round < rounds; round++) {
            int port = freePort();
            Process command = new ProcessBuilder(root.resolve("mvnw").toString(), "-q", "compile", "exec:java", "-pl",
                    "local-schema-registry", "-Dexec.args=--port " + port).directory(root.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long startedAt = System.nanoTime();
            try {
                SchemaRegistryClient client = new SchemaRegistryClient(URI.create("http://localhost:" + port
                        + EmbeddedSchemaRegistry.CONFLUENT_API_PATH), Optional.empty());
                while (true) {
                    try {
                        client.register("bench-value", schema);
                        break;
                    } catch (SchemaRegistryClient.RegistryUnavailableException notYet) {
                        if (!command.isAlive() || System.nanoTime() - startedAt > Duration.ofMinutes(2).toNanos()) {
                            throw new IllegalStateException("local-schema-registry did not start", notYet);
                        }
                        TimeUnit.MILLISECONDS.sleep(50); // polling the port, not waiting for Kafka's work
                    }
                }
                m.ours().add((System.nanoTime() - startedAt) / 1e9);
            } finally {
                command.toHandle().destroy(); // SIGTERM, as Ctrl-C: it stops the registry's JVM
                if (!command.waitFor(30, TimeUnit.SECONDS)) {
                    command.destroyForcibly();
                }
            }
        }
        return m.withNote("no goal; a new registry each round; Maven's start-up included");
    }

    private static List<String> with(List<String> config, String... command) {
        List<String> args = new ArrayList<>(config);
        args.addAll(List.of(command));
        return args;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The registry JVM's peak resident memory so far (VmHWM), from /proc; 0 where there is none. */
    private static long rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
