package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.franz.common.cli.Cli;

/** Bad values are refused before any client is created: one line naming the option, the usage, exit 2. */
class StreamProcessingArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "sideways",
            "--engine flink",
            "--offset-reset never",
            "--window-seconds 0",
            "--grace-seconds -1",
            "--report-interval 0",
            "--idle-timeout -1",
            "--serve 0",
            "--serve 70000",
            "--engine streams --group-protocol consumer",
            "--engine streams --standbys -1",
    })
    void aBadValueIsOneLineNamingTheOptionThenTheUsageAndExit2(String arguments) {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new StreamProcessing(), new PrintWriter(err), arguments.split(" "));

        String firstLine = err.toString().lines().findFirst().orElse("");
        assertThat(exitCode).isEqualTo(2);
        assertThat(firstLine).startsWith("Invalid value for ").contains("is not allowed");
        assertThat(err.toString()).contains("Usage: ").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--serve 7070", "windowed --serve 7070", "enrichment --engine streams --serve 7070"})
    void serveNeedsTheStreamsEngineInTheStatefulOrWindowedModeAndSaysSoBeforeAnyClientIsCreated(String arguments) {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new StreamProcessing(), new PrintWriter(err), arguments.split(" "));

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElse("")).isEqualTo("--serve answers queries on Kafka Streams'"
                + " state stores: it needs --engine streams and the stateful or windowed mode");
        assertThat(err.toString()).contains("Usage: ").doesNotContain("Exception");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--group-protocol streams", "windowed --standbys 1"})
    void theGroupProtocolAndStandbysNeedTheStreamsEngine(String arguments) {
        StringWriter err = new StringWriter();

        int exitCode = Cli.run(new StreamProcessing(), new PrintWriter(err), arguments.split(" "));

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElse("")).isEqualTo("--group-protocol and --standbys are Kafka"
                + " Streams settings: they need --engine streams");
    }

    @Test
    void thePlainEngineTakesAGroupAndKafkaStreamsAnApplicationIdAndTheWrongOneIsOneLine() {
        StringWriter plain = new StringWriter();
        StringWriter streams = new StringWriter();

        int plainExit = Cli.run(new StreamProcessing(), new PrintWriter(plain), "--application-id", "x");
        int streamsExit = Cli.run(new StreamProcessing(), new PrintWriter(streams), "--engine", "streams", "--group", "x");

        assertThat(plainExit).isEqualTo(2);
        assertThat(plain.toString().lines().findFirst().orElse("")).isEqualTo("--application-id names a Kafka Streams"
                + " application: the plain engine takes --group");
        assertThat(streamsExit).isEqualTo(2);
        assertThat(streams.toString().lines().findFirst().orElse("")).isEqualTo("--group is the plain engine's"
                + " consumer group: Kafka Streams takes --application-id (its group id)");
        assertThat(streams.toString()).contains("Usage: ").doesNotContain("Exception");
    }
}
