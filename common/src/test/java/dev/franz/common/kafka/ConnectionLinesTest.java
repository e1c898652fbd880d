package dev.franz.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ConnectionLinesTest {

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    @Test
    void oneLineWhenTheLastConnectionGoesAndOneWhenOneIsBack() {
        ConnectionLines lines = new ConnectionLines(out, "localhost:9092");

        lines.update(0, 0); // not connected yet: a start-up, not a loss
        lines.update(2, 1_000_000_000L);
        lines.update(0, 2_000_000_000L);
        lines.update(0, 3_000_000_000L);
        lines.update(1, 5_500_000_000L);

        assertThat(output.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "Lost the connection to the broker at localhost:9092; retrying until it is back (nothing is lost).",
                "Broker back at localhost:9092 after 3.5 s: going on where we were.");
    }

    @Test
    void aProducersLineDoesNotPromiseThatNothingIsLost() {
        ConnectionLines lines = ConnectionLines.forProducer(out, "localhost:9092");

        lines.update(1, 0);
        lines.update(0, 1);

        assertThat(output.toString(StandardCharsets.UTF_8)).doesNotContain("nothing is lost")
                .contains("a send not through within 1 to 2 minutes (max.block.ms, delivery.timeout.ms) fails and is reported");
    }
}
