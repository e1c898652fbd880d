package dev.franz.common.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Test fixture, never run: a plain read of a topic to its end by assignment, which common may hold.
 * {@code ArchitectureTestOnPlantedClassesTest} expects ArchitectureTest's check of common to leave it alone.
 */
final class PlantedReadToEnd {

    private PlantedReadToEnd() {
    }

    static long count(Consumer<String, String> consumer, List<TopicPartition> partitions) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long count = 0;
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                count += record.value() == null ? 0 : 1;
            }
        }
        return count;
    }
}
