package dev.franz.benchmarks;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.Random;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.cli.RunSummary;
import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserEventGenerator;
import dev.franz.common.json.JsonSerializer;

/**
 * The reference for basic-producer: the same events, the same Jackson serializer, the same settings,
 * and nothing else (no printing, no callbacks, no metrics). Timed like basic-producer: from the
 * producer's creation to the last record acknowledged.
 * Arguments: BOOTSTRAP TOPIC RECORDS ACKS COMPRESSION USERS SUMMARY_JSON
 */
public final class JsonReferenceProducer {

    private JsonReferenceProducer() {
    }

    public static void main(String[] args) {
        long records = Long.parseLong(args[2]);
        Properties props = new Properties();
        props.put("bootstrap.servers", args[0]);
        props.put("acks", args[3]);
        props.put("enable.idempotence", "all".equals(args[3]));
        props.put("compression.type", args[4]);
        props.put("linger.ms", 5);
        props.put("batch.size", 65536);
        UserEventGenerator events = new UserEventGenerator(new Random(), Clock.systemUTC(), Integer.parseInt(args[5]));
        long startedAt;
        try (KafkaProducer<String, UserEvent> producer = new KafkaProducer<>(props, new StringSerializer(),
                new JsonSerializer<>())) {
            startedAt = System.nanoTime();
            for (long i = 0; i < records; i++) {
                UserEvent event = events.next();
                producer.send(new ProducerRecord<>(args[1], event.userId(), event));
            }
            producer.flush();
        }
        new RunSummary("json-reference-producer", "sent", records, "events",
                Duration.ofNanos(System.nanoTime() - startedAt)).writeJson(Path.of(args[6]));
    }
}
