package dev.franz.localkafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.embedded.BrokerStartException;
import picocli.CommandLine;

/** --reset deletes a folder: it must only ever delete a Kafka data folder. */
class LocalKafkaTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    @Test
    void dataOfABrokerThatWasKilledIsToldApartFromACleanStopAndFromNoData(@TempDir Path dir) throws IOException {
        assertThat(LocalKafka.stoppedUncleanly(dir)).as("no data yet").isFalse();
        Files.writeString(dir.resolve("meta.properties"), "node.id=1\n");
        assertThat(LocalKafka.stoppedUncleanly(dir)).as("a broker's data without the clean-shutdown marker").isTrue();
        Files.writeString(dir.resolve(".kafka_cleanshutdown"), "{}");
        assertThat(LocalKafka.stoppedUncleanly(dir)).as("stopped cleanly").isFalse();
    }

    @Test
    void resetWipesABrokerDataDirectory() throws IOException {
        Path data = Files.createDirectories(dir.resolve(".kafka-data"));
        Files.writeString(data.resolve("meta.properties"), "node.id=1\n");
        Files.createDirectories(data.resolve("user_events-0"));

        LocalKafka.wipe(data, QUIET);

        assertThat(data).doesNotExist();
    }

    @Test
    void resetRefusesAFolderThatIsNotKafkaData() throws IOException {
        Files.writeString(dir.resolve("thesis.tex"), "years of work");

        assertThatThrownBy(() -> LocalKafka.wipe(dir, QUIET))
                .isInstanceOf(BrokerStartException.class)
                .hasMessageContaining("Refusing to --reset");
        assertThat(dir.resolve("thesis.tex")).exists();
    }

    @Test
    void badArgumentsExitWith2() {
        CommandLine commandLine = new CommandLine(new LocalKafka());
        commandLine.setErr(new PrintWriter(QUIET));

        assertThat(commandLine.execute("--brokers", "three")).isEqualTo(2);
        assertThat(commandLine.execute("--brokers", "0")).isEqualTo(2);
        assertThat(commandLine.execute("--port", "99999")).isEqualTo(2);
        assertThat(commandLine.execute("--no-such-option")).isEqualTo(2);
    }

    @Test
    void aControllerCountThatCannotWorkIsRefusedWithOneLine() throws IOException {
        Files.createDirectories(dir.resolve("node-0")); // a cluster made with one controller
        assertThat(refusal("--brokers", "3", "--controllers", "2"))
                .startsWith("Invalid value for option '--controllers': '2' is not allowed, it must be 1 or 3");
        assertThat(refusal("--controllers", "3"))
                .startsWith("Option '--controllers' needs --brokers 2 or more");
        assertThat(refusal("--secure", "--brokers", "3"))
                .startsWith("Option '--secure' runs one node: it cannot be combined with --brokers 3");
        assertThat(refusal("--brokers", "3", "--controllers", "3", "--data-dir", dir.toString()))
                .contains("has 1 controller").contains("start it with --controllers 1, or add --reset");
        assertThat(refusal("--brokers", "3", "--port", "20000", "--controller-port", "19999", "--data-dir",
                dir.resolve("new").toString()))
                .startsWith("Invalid value for option '--controller-port': the controllers' ports 19999 to 20001"
                        + " overlap the brokers' (20000 to 20002)");
    }

    /** The first line local-kafka prints for these arguments, which must exit with 2. */
    private static String refusal(String... args) {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine commandLine = new CommandLine(new LocalKafka());
        commandLine.setErr(new PrintWriter(err));
        assertThat(commandLine.execute(args)).as(String.join(" ", args)).isEqualTo(2);
        return err.toString().lines().findFirst().orElse("");
    }
}
