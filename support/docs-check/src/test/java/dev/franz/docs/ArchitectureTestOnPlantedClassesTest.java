package dev.franz.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * ArchitectureTest's check on classes planted in lesson packages (test fixtures in docs-check's test
 * sources, {@code Planted*}, which ArchitectureTest itself does not read): each kind of Kafka use outside
 * a lesson's story files fails, naming the class and the member.
 */
class ArchitectureTestOnPlantedClassesTest {

    private static List<String> violations;
    private static List<String> commonViolations;

    @BeforeAll
    static void checkThePlantedClasses() throws IOException {
        JavaClasses planted = new ClassFileImporter().withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("dev.franz.basicconsumer", "dev.franz.streamprocessing", "dev.franz.common");
        assertThat(planted.contain("dev.franz.basicconsumer.PlantedWakeup")).as("fixtures imported").isTrue();
        violations = ArchitectureTest.violations(planted, ArchitectureTest.STORY_FILES);
        commonViolations = ArchitectureTest.commonViolations(planted);
    }

    @Test
    void aWakeupThroughAMethodReferenceFails() {
        assertThat(violations).anySatisfy(line -> assertThat(line)
                .startsWith("basic-consumer: dev.franz.basicconsumer.PlantedWakeup (PlantedWakeup.java) uses")
                .contains("Consumer.wakeup (method reference)")
                .contains("outside the module's story files [BasicConsumer.java, StartPosition.java]"));
    }

    @Test
    void aTopologyBuiltWithTheStreamsDslFails() {
        assertThat(violations).anySatisfy(line -> assertThat(line)
                .startsWith("stream-processing: dev.franz.streamprocessing.PlantedTopology (PlantedTopology.java) uses")
                .contains("StreamsBuilder.<init> (constructor call)", "StreamsBuilder.stream (method call)",
                        "KStream.groupByKey (method call)", "KGroupedStream.count (method call)",
                        "KTable.toStream (method call)", "KStream.to (method call)", "StreamsBuilder.build (method call)"));
    }

    @Test
    void aRebalanceListenerInItsOwnClassFails() {
        assertThat(violations).anySatisfy(line -> assertThat(line)
                .startsWith("basic-consumer: dev.franz.basicconsumer.PlantedRebalanceListener (PlantedRebalanceListener.java)"
                        + " uses [implements ConsumerRebalanceListener]"));
    }

    @Test
    void anAnonymousRebalanceListenerFails() {
        assertThat(violations).anySatisfy(line -> assertThat(line)
                .startsWith("basic-consumer: dev.franz.basicconsumer.PlantedAnonymousListener$1 (PlantedAnonymousListener.java)"
                        + " uses [implements ConsumerRebalanceListener]"));
    }

    @Test
    void printingARecordAndReadingMetricsBesideTheStoryPasses() {
        assertThat(violations).noneMatch(line -> line.contains("PlantedPrinting"));
        assertThat(violations).hasSize(4);
    }

    @Test
    void aPollLoopInCommonFailsAndAReadToTheEndPasses() {
        assertThat(commonViolations).containsExactly("common: dev.franz.common.kafka.PlantedPollLoop uses"
                + " [Consumer.commitSync (method call), Consumer.subscribe (method call), Consumer.wakeup (method reference)],"
                + " which is a lesson's story");
    }
}
