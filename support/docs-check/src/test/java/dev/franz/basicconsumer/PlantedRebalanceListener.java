package dev.franz.basicconsumer;

import java.util.Collection;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * Test fixture, never run: a rebalance listener in its own file beside basic-consumer's story file.
 * {@code ArchitectureTestOnPlantedClassesTest} expects ArchitectureTest's check to name it.
 */
final class PlantedRebalanceListener implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        System.out.println("revoked " + partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        System.out.println("assigned " + partitions);
    }
}
