package dev.franz.basicproducer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestProcesses;

/** Ctrl-C (SIGTERM) of the producer after the broker is gone ends the program within 10 s. */
class StopWithoutBrokerIT {

    @TempDir
    Path dataDir;

    @Test
    void theProducerStopsWithinTenSecondsWhenTheBrokerIsGone() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(dataDir, Map.of());
        Process program = null;
        try {
            TestProcesses producer = TestProcesses.java(BasicProducer.class, "-n", "100000", "--pause-ms", "20",
                    "--print-every", "10", "--topic", TestNames.unique("stop"), "--bootstrap-servers",
                    broker.bootstrapServers());
            program = producer.process();
            List<String> lines = producer.lines();
            await().atMost(Duration.ofSeconds(60)).until(() -> lines.stream().anyMatch(l -> l.startsWith("sync")));

            broker.close();
            program.destroy(); // SIGTERM: what Ctrl-C does

            assertThat(program.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s; output:%n%s", lines).isTrue();
        } finally {
            if (program != null) {
                program.destroyForcibly();
            }
            broker.close();
        }
    }

}
