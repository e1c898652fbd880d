package dev.franz.streamprocessing;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;

/**
 * Test fixture, never run: a Kafka Streams topology built with the DSL outside stream-processing's
 * story files (no KafkaStreams call, only the DSL). {@code ArchitectureTestOnPlantedClassesTest} expects
 * ArchitectureTest's check to name it.
 */
final class PlantedTopology {

    private PlantedTopology() {
    }

    static Topology countsByKey(String input, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> events = builder.stream(input);
        events.groupByKey().count().toStream().mapValues(String::valueOf).to(output);
        return builder.build();
    }
}
