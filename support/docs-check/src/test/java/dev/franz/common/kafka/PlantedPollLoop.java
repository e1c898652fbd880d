package dev.franz.common.kafka;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;

/**
 * Test fixture, never run: a group consumer's loop (subscribe, poll, commit, and the wakeup that ends
 * it), which is a lesson's story and not common's. {@code ArchitectureTestOnPlantedClassesTest}
 * expects ArchitectureTest's check of common to name it.
 */
final class PlantedPollLoop {

    private PlantedPollLoop() {
    }

    static Runnable run(Consumer<String, String> consumer, String topic) {
        consumer.subscribe(List.of(topic));
        consumer.poll(Duration.ofMillis(100));
        consumer.commitSync();
        return consumer::wakeup;
    }
}
