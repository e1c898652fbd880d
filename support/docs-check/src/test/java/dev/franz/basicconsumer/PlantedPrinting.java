package dev.franz.basicconsumer;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Test fixture, never run: printing beside the story, which is allowed: it reads a record and the
 * consumer's metrics, and uses no client call of the story.
 * {@code ArchitectureTestOnPlantedClassesTest} expects ArchitectureTest's check to leave it alone.
 */
final class PlantedPrinting {

    private PlantedPrinting() {
    }

    static String line(ConsumerRecord<String, String> record, Consumer<?, ?> consumer) {
        return record.topic() + "-" + record.partition() + "@" + record.offset() + " " + record.value()
                + " (" + consumer.metrics().size() + " metrics)";
    }
}
