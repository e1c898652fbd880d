package dev.franz.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleClassesTest {

    @TempDir
    Path module;

    @Test
    void classesOlderThanASourceAreStaleAndNewerOnesAreNot() throws Exception {
        Path source = write(module.resolve("src/main/java/Lesson.java"), Instant.parse("2026-12-06T10:00:00Z"));
        Path classes = module.resolve("target/classes");
        write(classes.resolve("Lesson.class"), Instant.parse("2026-12-06T10:00:05Z"));
        assertThat(StaleClasses.stale(classes)).isFalse();

        Files.setLastModifiedTime(source, FileTime.from(Instant.parse("2026-12-06T10:01:00Z"))); // an edit
        assertThat(StaleClasses.stale(classes)).isTrue();
    }

    @Test
    void theTestsOwnClassesAreFreshAndSayNothing() {
        // Maven compiled this module before running its tests: nothing to say.
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StaleClasses.warn(StaleClassesTest.class, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(StaleClasses.classesFolder(StaleClasses.class)).isPresent();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private static Path write(Path file, Instant modified) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }
}
