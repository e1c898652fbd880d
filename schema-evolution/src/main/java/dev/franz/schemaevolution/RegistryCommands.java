package dev.franz.schemaevolution;

import java.util.concurrent.Callable;

import org.apache.avro.Schema;

import dev.franz.schemaevolution.SchemaEvolutionOptions.Level;
import dev.franz.schemaevolution.SchemaEvolutionOptions.SchemaArgument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The commands that talk to the schema registry only, no Kafka client: {@code compatibility},
 * {@code check} and {@code register}. The registry's REST calls are in {@link SchemaRegistryClient}.
 */
final class RegistryCommands {

    private RegistryCommands() {
    }

    @Command(name = "compatibility", mixinStandardHelpOptions = true,
            description = "Show the subject's compatibility level and versions, or set the level.")
    static final class Compatibility implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Parameters(index = "0", arity = "0..1", paramLabel = "LEVEL",
                description = "backward, forward, full (each also _transitive), or none.")
        Level level;

        @Override
        public Integer call() {
            SchemaRegistryClient registry = lesson.registry();
            String subject = lesson.subject();
            if (level != null) {
                registry.setCompatibility(subject, level.name());
                lesson.out.printf("Compatibility of %s set to %s.%n", subject, level.name());
            }
            lesson.out.printf("Subject %s: compatibility %s, versions %s%n", subject, registry.compatibility(subject),
                    registry.versions(subject));
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Ask the registry whether a schema may be registered next, without registering it."
                    + " Exit 0 if it may, 1 if not.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Parameters(paramLabel = "SCHEMA", converter = SchemaArgument.class,
                description = "v1, v2, v3-required-field, v3-changed-type (in src/main/resources/schemas), or an .avsc file.")
        Schema schema;

        @Override
        public Integer call() {
            SchemaRegistryClient registry = lesson.registry();
            String subject = lesson.subject();
            String level = registry.compatibility(subject);
            var refused = registry.incompatibility(subject, schema);
            if (refused.isEmpty()) {
                lesson.out.printf("Compatible: %s may be registered next in %s (compatibility %s).%n", schema.getFullName(),
                        subject, level);
                return 0;
            }
            lesson.out.printf("NOT compatible with %s (compatibility %s): %s%n", subject, level, refused.get());
            return 1;
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a schema in the subject, as a producer's serializer does on first use.")
    static final class Register implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Parameters(paramLabel = "SCHEMA", converter = SchemaArgument.class,
                description = "v1, v2, v3-required-field, v3-changed-type (in src/main/resources/schemas), or an .avsc file.")
        Schema schema;

        @Override
        public Integer call() {
            SchemaRegistryClient registry = lesson.registry();
            String subject = lesson.subject();
            int id = registry.register(subject, schema); // a refusal (HTTP 409) is printed as one line, exit 1
            lesson.out.printf("Registered in %s: schema id %d, versions now %s (compatibility %s).%n", subject, id,
                    registry.versions(subject), registry.compatibility(subject));
            return 0;
        }
    }
}
