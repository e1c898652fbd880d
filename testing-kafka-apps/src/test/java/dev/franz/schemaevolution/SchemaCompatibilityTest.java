package dev.franz.schemaevolution;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Layer 6 of the pyramid: a schema change tested in the build, before it is deployed.
 *
 * Level 4's schemas live in schema-evolution's {@code src/main/resources/schemas}. A new version must let
 * the consumers already running read it, and the new consumers read what is already on the topic. The
 * schema registry checks that when the producer registers it, in production, too late to change the code.
 * Avro's own {@code SchemaCompatibility} applies the same rules (a reader schema against a writer schema),
 * so the build can refuse the change first, in milliseconds, with no registry.
 *
 * BACKWARD (the registry's default): the new schema reads data written with the old one, so consumers are
 * upgraded first. FORWARD: the old schema reads data written with the new one, so producers go first.
 * FULL: both. {@code SchemaEvolutionIT} in schema-evolution asks a real registry (Apicurio, started by
 * support's {@code EmbeddedSchemaRegistry}) the same questions, level by level, and so does
 * {@code schema-evolution check} from the command line, the step a deploy pipeline runs against the
 * production registry.
 */
class SchemaCompatibilityTest {

    private static final Schema V1 = OrderSchemas.load("v1");
    private static final Schema V2 = OrderSchemas.load("v2");                         // adds channel, with a default
    private static final Schema REQUIRED_FIELD = OrderSchemas.load("v3-required-field"); // a new field, no default
    private static final Schema CHANGED_TYPE = OrderSchemas.load("v3-changed-type");     // a field's type changed

    /** Can a consumer with {@code reader} read what a producer with {@code writer} wrote? */
    private static boolean canRead(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibilityType.COMPATIBLE;
    }

    @Test
    void v2AddsAFieldWithADefaultAndIsFullyCompatibleWithV1() {
        assertThat(canRead(V2, V1)).as("BACKWARD: v2 reads v1, channel takes its default").isTrue();
        assertThat(canRead(V1, V2)).as("FORWARD: v1 reads v2, ignoring channel").isTrue();
    }

    @Test
    void aNewFieldWithoutADefaultIsRefusedUnderBackward() {
        // A consumer on the new schema cannot read the orders already on the topic: the field has no value.
        assertThat(canRead(REQUIRED_FIELD, V2)).as("BACKWARD").isFalse();
        // Old consumers still read new orders (they ignore the field): FORWARD would allow it.
        assertThat(canRead(V2, REQUIRED_FIELD)).as("FORWARD").isTrue();
    }

    @Test
    void aChangedTypeIsRefusedEitherWay() {
        assertThat(canRead(CHANGED_TYPE, V2)).as("BACKWARD").isFalse();
        assertThat(canRead(V2, CHANGED_TYPE)).as("FORWARD").isFalse();
    }

    @Test
    void theRefusalSaysWhichFieldAndWhy() {
        // What to print when the build refuses a schema: Avro names the field and the problem.
        String why = SchemaCompatibility.checkReaderWriterCompatibility(REQUIRED_FIELD, V2).getResult()
                .getIncompatibilities().toString();

        assertThat(why).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    }
}
