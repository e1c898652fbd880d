package dev.franz.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ConsoleLinesTest {

    @Test
    void theIdleTimeoutStopIsOneLineNamingWhatDidNotCome() {
        assertThat(ConsoleLines.idleStop("orders", Duration.ofSeconds(5))).isEqualTo("No new orders for 5 s: stopping.");
        assertThat(new SharedOptions.IdleTimeout().stoppingLine("jobs")).isEqualTo("No new jobs for 0 s: stopping.");
    }
}
