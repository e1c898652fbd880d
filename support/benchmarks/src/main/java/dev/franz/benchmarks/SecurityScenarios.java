package dev.franz.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.embedded.LocalSecurity;
import dev.franz.embedded.TemporaryDirectory;

/**
 * What TLS and SCRAM cost: basic-producer and basic-consumer, unchanged, on the secured broker
 * ({@code local-kafka --secure}'s, as its admin) next to the same programs on the plaintext broker of the
 * run. Same records, same settings, alternated each round. No goal: the figure is what a learner pays
 * for encryption on one machine, where the network costs nothing and the CPU is all there is.
 */
final class SecurityScenarios {

    private static final String PRODUCER = "dev.franz.basicproducer.BasicProducer";
    private static final String CONSUMER = "dev.franz.basicconsumer.BasicConsumer";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    private final String plainBootstrap;
    private final long records;
    private final int rounds;
    private final ChildJvm jvm;
    private int runNumber;

    SecurityScenarios(String plainBootstrap, long records, int rounds, ChildJvm jvm) {
        this.plainBootstrap = plainBootstrap;
        this.records = records;
        this.rounds = rounds;
        this.jvm = jvm;
    }

    List<Measurement> tlsAndScramAgainstPlaintext() throws Exception {
        Measurement producer = Measurement.of("basic-producer over TLS + SCRAM-SHA-512",
                "basic-producer, plaintext", "records/s", true, Double.NaN)
                .withAbsoluteGoal("none: what encryption costs, reported");
        Measurement consumer = Measurement.of("basic-consumer over TLS + SCRAM-SHA-512",
                "basic-consumer, plaintext", "records/s", true, Double.NaN)
                .withAbsoluteGoal("none: what encryption costs, reported");
        try (TemporaryDirectory dir = TemporaryDirectory.create("franz-bench-secure");
             EmbeddedKafkaBroker secured = EmbeddedKafkaBroker.startSecureOnFreePorts(dir.path(), Map.of())) {
            Path admin = secured.security().orElseThrow().clientConfig(LocalSecurity.ADMIN_USER);
            List<Endpoint> endpoints = List.of(new Endpoint(plainBootstrap, null), new Endpoint(secured.bootstrapServers(),
                    admin));
            for (int round = 0; round < rounds; round++) {
                // Plaintext first in even rounds, secured first in odd ones: warm-up favours neither.
                List<Endpoint> order = round % 2 == 0 ? endpoints : List.of(endpoints.get(1), endpoints.get(0));
                for (Endpoint endpoint : order) {
                    String topic = "bench-security-" + (++runNumber);
                    Summary produced = Summary.run(jvm, PRODUCER, endpoint.args(List.of("--topic", topic, "-n",
                            String.valueOf(records), "--interval", "0", "--mode", "async", "--print-every", "0")),
                            RUN_TIMEOUT);
                    Summary consumed = Summary.run(jvm, CONSUMER, endpoint.args(List.of("--topic", topic, "--group",
                            "bench-security-group-" + runNumber, "--max-messages", String.valueOf(records),
                            "--print-every", "0")), RUN_TIMEOUT);
                    (endpoint.clientConfig() == null ? producer.references() : producer.ours()).add(produced.perSecond());
                    (endpoint.clientConfig() == null ? consumer.references() : consumer.ours()).add(consumed.perSecond());
                }
            }
        }
        return List.of(producer, consumer);
    }

    /** A broker and, for the secured one, the client file of its admin. */
    private record Endpoint(String bootstrapServers, Path clientConfig) {
        List<String> args(List<String> programArgs) {
            List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrapServers));
            if (clientConfig != null) {
                args.addAll(List.of("--client-config", clientConfig.toString()));
            }
            args.addAll(programArgs);
            return args;
        }
    }
}
