package dev.franz.basicconsumer;

import org.apache.kafka.clients.consumer.Consumer;

/**
 * Test fixture, never run: a third class in basic-consumer's package that wakes the consumer through a
 * method reference, as a shutdown hook would. {@code ArchitectureTestOnPlantedClassesTest} expects
 * ArchitectureTest's check to name it.
 */
final class PlantedWakeup {

    private PlantedWakeup() {
    }

    static Runnable onExit(Consumer<?, ?> consumer) {
        return consumer::wakeup;
    }
}
