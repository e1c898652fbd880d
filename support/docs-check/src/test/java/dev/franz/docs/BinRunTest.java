package dev.franz.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bin/run} given something that is not a program says so, lists the programs and exits 2. */
class BinRunTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @ParameterizedTest
    @ValueSource(strings = {"basic-produce", "embedded-broker"}) // a typo; a library, not a program
    void notAProgramIsOneLineListingThePrograms(String module) throws Exception {
        Process run = new ProcessBuilder("sh", ROOT.resolve("bin/run").toString(), module).redirectErrorStream(true)
                .start();
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(run.exitValue()).isEqualTo(2);
        assertThat(output).startsWith("bin/run: '" + module + "' is not a Franz program. Programs: ")
                .contains("basic-producer").contains("live-view").doesNotContain("embedded-broker ");
        assertThat(output.lines()).hasSize(1);
    }
}
