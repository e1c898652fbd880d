package dev.franz.benchmarks;

import static dev.franz.embedded.EmbeddedKafkaBroker.freePort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.embedded.TemporaryDirectory;

/**
 * The local broker from a learner's point of view: time from the command to the first acknowledged
 * record (topic created, record sent, acknowledged), and the broker's peak memory.
 */
final class BrokerStartup {

    private static final Duration GIVE_UP = Duration.ofSeconds(60);

    /** How the broker is started: the README's Maven command, or plain java with the same classes. */
    enum Launcher { MAVEN, JAVA }

    private final Launcher launcher;
    private final Path repositoryRoot;

    BrokerStartup(Launcher launcher, Path repositoryRoot) {
        this.launcher = launcher;
        this.repositoryRoot = repositoryRoot;
    }

    Measurement measure(int rounds) throws Exception {
        String command = launcher == Launcher.MAVEN ? "./mvnw -q compile exec:java -pl local-kafka" : "java -cp ... LocalKafka";
        Measurement m = Measurement.of("local broker: command to first acknowledged record (" + command + ")",
                "", "s", false, Double.NaN).withAbsoluteGoal("< 8 s");
        for (int round = 0; round < rounds; round++) {
            try (TemporaryDirectory dataDir = TemporaryDirectory.create("franz-bench-broker")) {
                m.ours().add(timeToFirstRecord(dataDir.path(), m));
            }
        }
        return m;
    }

    /** Starts the broker, produces one record, stops the broker; returns the seconds until the ack. */
    private double timeToFirstRecord(Path dataDir, Measurement m) throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        String args = "--port " + port + " --controller-port " + controllerPort + " --data-dir " + dataDir;
        ProcessBuilder builder = launcher == Launcher.MAVEN
                ? new ProcessBuilder(repositoryRoot.resolve("mvnw").toString(), "-q", "compile", "exec:java",
                        "-pl", "local-kafka", "-Dexec.args=" + args)
                : new ProcessBuilder(javaCommand(args));
        builder.directory(repositoryRoot.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);

        long startedAt = System.nanoTime();
        Process broker = builder.start();
        long peakKb = 0;
        try {
            while (!listening(port)) {
                peakKb = Math.max(peakKb, ChildJvm.peakRssKb(broker.pid()));
                if (!broker.isAlive() || System.nanoTime() - startedAt > GIVE_UP.toNanos()) {
                    throw new IllegalStateException("The local broker did not start: " + builder.command());
                }
                TimeUnit.MILLISECONDS.sleep(20); // polling a port, not waiting for Kafka's work
            }
            firstRecord("localhost:" + port);
            double seconds = (System.nanoTime() - startedAt) / 1e9;
            peakKb = Math.max(peakKb, ChildJvm.peakRssKb(broker.pid()));
            m.oursRssMb().add(peakKb / 1024);
            return seconds;
        } finally {
            broker.destroy(); // SIGTERM: the broker's shutdown hook stops it cleanly
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
    }

    private static void firstRecord(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic("first", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("first", "hello")).get(30, TimeUnit.SECONDS);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> javaCommand(String args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.franz.localkafka.LocalKafka"));
        command.addAll(List.of(args.split(" ")));
        return command;
    }

}
