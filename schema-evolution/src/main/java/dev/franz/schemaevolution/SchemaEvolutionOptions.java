package dev.franz.schemaevolution;

import org.apache.avro.Schema;

import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.SharedOptions;
import dev.franz.common.cli.SummaryOption;
import dev.franz.schemaevolution.OrderSchemas.Version;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * schema-evolution's command line: the options of {@code produce} and {@code bad-records} (their Kafka
 * side is in {@link SchemaEvolutionLesson}), of {@code consume} and {@code wire} (in {@link OrderReaders}),
 * and the arguments of the registry's commands ({@link RegistryCommands}).
 */
final class SchemaEvolutionOptions {

    private SchemaEvolutionOptions() {
    }

    /** The registry's compatibility levels: what a new version of a subject's schema may change. */
    enum Level { BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE }

    /** {@code produce}'s options. */
    static final class ProduceOptions {
        @Option(names = "--schema", paramLabel = "v1|v2", defaultValue = "v1",
                description = "Schema version to write with; v2 adds the field channel (default: ${DEFAULT-VALUE}).")
        Version version;

        @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "5", converter = Numbers.Positive.class,
                description = "How many orders (default: ${DEFAULT-VALUE}).")
        long count;

        @Mixin
        SharedOptions.PrintEvery printEvery;

        @Mixin
        SummaryOption summaryOption;
    }

    /** {@code consume}'s options. */
    static final class ConsumeOptions {
        @Option(names = "--schema", paramLabel = "v1|v2", defaultValue = "v1",
                description = "Schema version to read with: v1 ignores channel, v2 fills it in for v1 records (default: ${DEFAULT-VALUE}).")
        Version version;

        @Option(names = "--group", paramLabel = "GROUP",
                description = "Consumer group id (default: orders-avro-reader-<schema>, so each version reads everything).")
        String group;

        @Mixin
        SharedOptions.MaxMessages maxMessages;

        @Mixin
        SharedOptions.IdleTimeout idleTimeout;

        @Mixin
        SharedOptions.PrintEvery printEvery;

        @Mixin
        SummaryOption summaryOption;

        /** --group, or one group per reader schema, so that each version reads everything. */
        String group() {
            return group != null ? group : "orders-avro-reader-" + version.name().toLowerCase();
        }
    }

    /** {@code wire}'s options. */
    static final class WireOptions {
        @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "1", converter = Numbers.Positive.class,
                description = "How many records to show, the first ones polled from the start of the topic"
                        + " (default: ${DEFAULT-VALUE}).")
        long count;
    }

    /** SCHEMA arguments: a bundled schema's name or an .avsc file, refused in one line otherwise. */
    static final class SchemaArgument implements ITypeConverter<Schema> {
        @Override
        public Schema convert(String value) {
            try {
                return OrderSchemas.load(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
