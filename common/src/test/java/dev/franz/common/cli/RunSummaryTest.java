package dev.franz.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class RunSummaryTest {

    @Test
    void oneOfAThingIsSingularAndTheRateStaysPlural() {
        assertThat(printed(new RunSummary("payment-service-1", "committed", 1, "orders", Duration.ofSeconds(2))))
                .contains("Summary: payment-service-1 committed 1 order in 2.00 s (1 orders/s)");
        assertThat(printed(new RunSummary("basic-consumer", "read", 1_200, "records", Duration.ofSeconds(2))))
                .contains("Summary: basic-consumer read 1,200 records in 2.00 s (600 records/s)");
    }

    private static String printed(RunSummary summary) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        summary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
