package dev.franz.localkafka;

import static dev.franz.localkafka.LocalClusterStarterKilledIT.freeConsecutivePorts;
import static dev.franz.localkafka.LocalClusterStarterKilledIT.nodesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.TestProcesses;

/**
 * The controller of {@code local-kafka --brokers 3} killed with kill -9: local-kafka says so, and a
 * Ctrl-C still stops the whole cluster within 20 s (a controlled shutdown, which needs the
 * controller, is skipped).
 */
class LocalClusterControllerGoneIT {

    private static final Pattern NODE_PID = Pattern.compile("^\\s+(broker \\d|controller)\\s+: localhost:\\d+\\s+pid (\\d+)");

    @TempDir
    Path dataDir;

    @Test
    void withItsControllerKilledTheClusterIsReportedAndStillStopsWithin20Seconds() throws Exception {
        int port = freeConsecutivePorts(3);
        int controllerPort = EmbeddedKafkaBroker.freePort();
        TestProcesses localKafka = TestProcesses.java(LocalKafka.class, "--brokers", "3", "--port",
                String.valueOf(port), "--controller-port", String.valueOf(controllerPort), "--data-dir",
                dataDir.toString());
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> localKafka.printed("Stop one broker"));
            long controller = pidOf(localKafka, "controller");
            List<Long> brokers = List.of(pidOf(localKafka, "broker 1"), pidOf(localKafka, "broker 2"),
                    pidOf(localKafka, "broker 3"));

            ProcessHandle.of(controller).orElseThrow().destroyForcibly();

            await().atMost(Duration.ofSeconds(5))
                    .until(() -> localKafka.printed("The controller (pid " + controller + ") has ended"));
            // What the line and docs/replication.md say: Kafka 4.4.0's brokers retry the quorum without
            // pause (their raft client's observer loop; compare KAFKA-19605, KAFKA-20514). If this
            // fails after a Kafka upgrade, the loop is gone: drop the warning from both.
            double before = cpuSeconds(brokers);
            assertThat(localKafka.process().waitFor(5, TimeUnit.SECONDS)).as("local-kafka ended").isFalse();
            double used = cpuSeconds(brokers) - before;
            assertThat(used).as("CPU seconds the 3 brokers used in 5 s without a controller").isGreaterThan(2.0);

            long stopAt = System.nanoTime();
            localKafka.process().toHandle().destroy(); // SIGTERM, as Ctrl-C
            assertThat(localKafka.process().waitFor(20, TimeUnit.SECONDS)).as("stopped within 20 s").isTrue();
            System.out.printf("local-kafka stopped in %.1f s; the brokers had used %.1f CPU s in 5 s%n",
                    (System.nanoTime() - stopAt) / 1e9, used);
            assertThat(localKafka.lines()).anyMatch(l -> l.contains(
                    "controller gone: brokers stopped without handing over leadership"));
            assertThat(nodesOf(dataDir)).isEmpty();
            assertThat(List.of(port, port + 1, port + 2)).allMatch(EmbeddedKafkaBroker::isPortFree);
        } finally {
            localKafka.process().destroyForcibly();
            nodesOf(dataDir).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static long pidOf(TestProcesses localKafka, String node) {
        for (String line : localKafka.lines()) {
            Matcher m = NODE_PID.matcher(line);
            if (m.find() && m.group(1).equals(node)) {
                return Long.parseLong(m.group(2));
            }
        }
        throw new AssertionError("No pid of " + node + " in " + localKafka.lines());
    }

    /** User and system CPU time of these processes, from /proc (fields 14 and 15, in clock ticks of 1/100 s). */
    private static double cpuSeconds(List<Long> pids) throws IOException {
        double ticks = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        }
        return ticks / 100.0;
    }
}
