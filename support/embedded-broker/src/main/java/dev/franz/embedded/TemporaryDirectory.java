package dev.franz.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory deleted with everything in it on close: a throw-away broker's data. It
 * records the process that owns it, so that a run killed before it could delete its directory
 * (kill -9) has it deleted by the next run with the same prefix.
 */
public record TemporaryDirectory(Path path) implements AutoCloseable {

    private static final String OWNER_FILE = "owner.pid";

    public static TemporaryDirectory create(String prefix) throws IOException {
        deleteAbandoned(prefix);
        Path path = Files.createTempDirectory(prefix);
        Files.writeString(path.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
        return new TemporaryDirectory(path);
    }

    /** Deletes the directories with this prefix whose owning process is gone; returns how many. */
    public static int deleteAbandoned(String prefix) throws IOException {
        int deleted = 0;
        try (Stream<Path> candidates = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path candidate : candidates.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                Path owner = candidate.resolve(OWNER_FILE);
                try {
                    if (Files.isRegularFile(owner) && !alive(Files.readString(owner).strip())) {
                        new TemporaryDirectory(candidate).close();
                        deleted++;
                    }
                } catch (IOException e) {
                    // Another run is deleting it at the same time: nothing left to do.
                }
            }
        }
        return deleted;
    }

    private static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not ours to judge: leave it
        }
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path file : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
