package dev.franz.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * {@code ./mvnw -q compile exec:java -pl <program>} starts only that program. `.mvn/maven.config` asks
 * Maven to "also make" what a module depends on, in every scope, and exec:java runs in every module built
 * that switches it on: a program that depended on another program (even for its tests) would start that
 * one first, and never get to its own. So no program may depend on another.
 */
class RunnableModulesTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern DEPENDENCY = Pattern.compile(
            "<dependency>\\s*(?:<!--.*?-->\\s*)*<groupId>dev\\.franz</groupId>\\s*<artifactId>([^<]+)</artifactId>",
            Pattern.DOTALL);

    @Test
    void noProgramDependsOnAnotherProgram() throws IOException {
        Map<String, Set<String>> dependencies = new TreeMap<>();
        Set<String> programs = new TreeSet<>();
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        Matcher modules = MODULE.matcher(parent);
        while (modules.find()) {
            String pom = Files.readString(ROOT.resolve(modules.group(1)).resolve("pom.xml"));
            String artifact = Path.of(modules.group(1)).getFileName().toString();
            if (pom.contains("<skip>false</skip>")) {
                programs.add(artifact);
            }
            Set<String> uses = new TreeSet<>();
            Matcher dependency = DEPENDENCY.matcher(pom);
            while (dependency.find()) {
                uses.add(dependency.group(1));
            }
            dependencies.put(artifact, uses);
        }

        assertThat(programs).as("programs found").contains("basic-producer", "live-view", "local-kafka", "doctor");
        assertThat(dependencies.get("demo")).as("dependencies read").contains("payment-service", "live-view");
        assertThat(violations(programs, dependencies)).isEmpty();
    }

    @Test
    void aProgramThatDependsOnAnotherIsNamed() {
        Map<String, Set<String>> planted = Map.of("live-view", Set.of("common", "local-kafka"),
                "local-kafka", Set.of("common"), "demo", Set.of("live-view"));

        assertThat(violations(Set.of("live-view", "local-kafka"), planted))
                .containsExactly("live-view depends on local-kafka, a program: ./mvnw exec:java -pl live-view"
                        + " would start local-kafka first");
    }

    static List<String> violations(Set<String> programs, Map<String, Set<String>> dependencies) {
        List<String> found = new ArrayList<>();
        new TreeMap<>(dependencies).forEach((module, uses) -> {
            if (programs.contains(module)) {
                uses.stream().filter(programs::contains).sorted().forEach(program -> found.add(module + " depends on "
                        + program + ", a program: ./mvnw exec:java -pl " + module + " would start " + program + " first"));
            }
        });
        return found;
    }
}
