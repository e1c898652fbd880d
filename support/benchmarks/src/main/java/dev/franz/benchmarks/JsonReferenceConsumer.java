package dev.franz.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.cli.RunSummary;
import dev.franz.common.json.JsonDeserializer;

/**
 * The reference for basic-consumer: a consumer group member reading the same events with the same
 * Jackson deserializer and automatic commits, and nothing else (no printing, no rebalance lines,
 * no broker checks). Timed like basic-consumer: from subscribe() to the last record read.
 * Arguments: BOOTSTRAP TOPIC GROUP RECORDS SUMMARY_JSON
 */
public final class JsonReferenceConsumer {

    private JsonReferenceConsumer() {
    }

    public static void main(String[] args) {
        long records = Long.parseLong(args[3]);
        Properties props = new Properties();
        props.put("bootstrap.servers", args[0]);
        props.put("group.id", args[2]);
        props.put("auto.offset.reset", "earliest");
        props.put("group.protocol", "consumer");
        long read = 0;
        long startedAt;
        long endedAt;
        try (KafkaConsumer<String, JsonNode> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new JsonDeserializer<>(JsonNode.class))) {
            startedAt = System.nanoTime();
            consumer.subscribe(List.of(args[1]));
            while (read < records) {
                for (ConsumerRecord<String, JsonNode> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        read++;
                    }
                }
            }
            endedAt = System.nanoTime();
        }
        new RunSummary("json-reference-consumer", "read", read, "records", Duration.ofNanos(endedAt - startedAt))
                .writeJson(Path.of(args[4]));
    }
}
