package dev.franz.common.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Says so when a program runs classes older than its sources. {@code mvn exec:java -pl MODULE} alone
 * runs whatever was compiled last: a goal typed alone never runs the lifecycle, and the exec plugin's
 * {@code java} goal compiles nothing. After an edit that is the old code, silently; this one line
 * tells the learner what to type instead.
 */
final class StaleClasses {

    private StaleClasses() {
    }

    /** Prints one line to {@code err} for each module whose sources are newer than its compiled classes. */
    static void warn(Class<?> program, PrintStream err) {
        Set<Path> classFolders = new LinkedHashSet<>();
        classesFolder(program).ifPresent(classFolders::add);
        classesFolder(StaleClasses.class).ifPresent(classFolders::add); // common's, which every program runs
        String programModule = classesFolder(program).map(StaleClasses::module).map(Path::getFileName)
                .map(Path::toString).orElse(null);
        for (Path classes : classFolders) {
            if (stale(classes)) {
                String name = module(classes).getFileName().toString();
                String run = programModule != null ? programModule : name;
                err.printf("Note: %s was changed after it was compiled, and this run uses the old classes (a goal typed"
                        + " alone does not compile). Run ./mvnw -q compile exec:java -pl %s, or bin/run %s.%n", name,
                        run, run);
            }
        }
    }

    /** True when a file under the module's {@code src/main} is newer than every class in {@code classes}. */
    static boolean stale(Path classes) {
        Path sources = module(classes).resolve("src").resolve("main");
        if (!Files.isDirectory(sources)) {
            return false;
        }
        return newest(sources).compareTo(newest(classes)) > 0;
    }

    /** {@code MODULE/target/classes} of the class, if it was loaded from there (not from a jar). */
    static Optional<Path> classesFolder(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        try {
            Path location = Path.of(source.getLocation().toURI());
            boolean isClassesFolder = Files.isDirectory(location) && location.getFileName() != null
                    && location.getFileName().toString().equals("classes") && location.getParent() != null
                    && location.getParent().getFileName().toString().equals("target");
            return isClassesFolder ? Optional.of(location) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Path module(Path classes) {
        return classes.getParent().getParent();
    }

    private static FileTime newest(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(StaleClasses::modified).max(FileTime::compareTo)
                    .orElse(FileTime.fromMillis(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
