package dev.franz.basicconsumer;

import java.util.Collection;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * Test fixture, never run: an anonymous rebalance listener, made outside basic-consumer's story file.
 * {@code ArchitectureTestOnPlantedClassesTest} expects ArchitectureTest's check to name its class.
 */
final class PlantedAnonymousListener {

    private PlantedAnonymousListener() {
    }

    static ConsumerRebalanceListener listener() {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        };
    }
}
