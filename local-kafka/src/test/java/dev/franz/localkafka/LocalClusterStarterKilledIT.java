package dev.franz.localkafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.TestProcesses;

/**
 * {@code local-kafka --brokers 3} killed with kill -9 (a closed terminal, a script that gives up) at
 * three moments of its life: no node JVM outlives it and every port is free again within 10 s. The two
 * moments while it starts (races between launching a node and watching it) are tried three times each;
 * the running cluster, a steady state that takes six JVMs and half a minute to reach, once.
 */
class LocalClusterStarterKilledIT {

    enum Moment {
        /** The first controller has just opened its port; the brokers are not launched yet. */
        FIRST_PORT_OPENS,
        /** The last broker has just opened its port, before local-kafka says the cluster runs. */
        LAST_BROKER_ANSWERS,
        /** The cluster runs. */
        READY
    }

    @TempDir
    Path dataDir;

    static Stream<Arguments> moments() {
        return Stream.of(Moment.values()).flatMap(m -> IntStream.rangeClosed(1, m == Moment.READY ? 1 : 3)
                .mapToObj(i -> Arguments.of(m, i)));
    }

    @ParameterizedTest(name = "killed as {0}, try {1}")
    @MethodSource("moments")
    void killingLocalKafkaLeavesNoNodeAndNoPortBehind(Moment moment, int attempt) throws Exception {
        // Three brokers and, by default, three controllers on the three ports after theirs.
        int port = freeConsecutivePorts(6);
        int controllerPort = port + 3;
        List<Integer> ports = IntStream.range(port, port + 6).boxed().toList();
        // Ready: the default quorum of three controllers, six nodes to orphan. While starting: one
        // controller, the same watch in fewer JVMs (the build runs two modules at once on 2 cores).
        List<String> args = new java.util.ArrayList<>(List.of("--brokers", "3", "--port", String.valueOf(port),
                "--data-dir", dataDir.toString()));
        if (moment != Moment.READY) {
            args.addAll(List.of("--controllers", "1"));
        }
        TestProcesses localKafka = TestProcesses.java(LocalKafka.class, args.toArray(String[]::new));
        try {
            switch (moment) {
                case FIRST_PORT_OPENS -> await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                        .until(() -> TestProcesses.listening(controllerPort));
                case LAST_BROKER_ANSWERS -> await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(10))
                        .until(() -> TestProcesses.listening(port + 2));
                case READY -> await().atMost(Duration.ofSeconds(90)).until(() -> localKafka.printed("cluster is running"));
            }
            if (moment != Moment.READY) {
                assertThat(localKafka.printed("cluster is running")).as("killed while still starting").isFalse();
            }
            assertThat(nodesOf(dataDir)).as("node JVMs seen before the kill").hasSizeGreaterThanOrEqualTo(
                    moment == Moment.READY ? 7 : 2); // local-kafka itself, and its nodes: all 6 once it is ready

            localKafka.process().destroyForcibly().waitFor(); // kill -9: local-kafka's own hook does not run

            try {
                await("no node left, all ports free").atMost(Duration.ofSeconds(10))
                        .until(() -> nodesOf(dataDir).isEmpty() && ports.stream().noneMatch(TestProcesses::listening));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("Still there 10 s after the kill: nodes " + nodesOf(dataDir).stream()
                        .map(ProcessHandle::pid).toList() + ", ports in use " + ports.stream()
                        .filter(TestProcesses::listening).toList() + "; sockets: "
                        + TestProcesses.listeners(ports), e);
            }
        } finally {
            localKafka.process().destroyForcibly();
            nodesOf(dataDir).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Every JVM working on this data directory, whoever its parent is now. */
    static List<ProcessHandle> nodesOf(Path dataDir) {
        return TestProcesses.runningWith(dataDir.toString());
    }

    /**
     * A first port such that it and the next {@code count - 1} are free, below Linux's ephemeral range
     * (32768 and up): a port there can be taken between this check and the node's start by any
     * outgoing connection on the machine (a test two modules away), as happened to a node once.
     */
    static int freeConsecutivePorts(int count) throws IOException {
        java.util.Random random = new java.util.Random();
        for (int tries = 0; tries < 200; tries++) {
            int first = 20_000 + random.nextInt(12_000);
            if (IntStream.range(0, count).allMatch(i -> EmbeddedKafkaBroker.isPortFree(first + i))) {
                return first;
            }
        }
        throw new IOException("No " + count + " consecutive free ports found from 20000 to 32767");
    }
}
