package dev.franz.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class TemporaryDirectoryTest {

    private final String prefix = "franz-test-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @Test
    void aDirectoryLeftByADeadProcessIsDeletedByTheNextRunAndALiveOnesIsKept() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Path abandoned = Files.createTempDirectory(prefix);
        Files.writeString(abandoned.resolve("owner.pid"), Long.toString(finished.pid()));
        Files.writeString(abandoned.resolve("some-broker-data.log"), "records");

        try (TemporaryDirectory ours = TemporaryDirectory.create(prefix)) {
            assertThat(abandoned).doesNotExist();
            assertThat(ours.path()).exists();
            assertThat(TemporaryDirectory.deleteAbandoned(prefix)).isZero(); // ours: its owner is alive
            assertThat(ours.path()).exists();
        }
    }
}
