package dev.franz.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

import dev.franz.common.events.UserEvent;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.json.JsonSerializer;

/**
 * The reference for stream-processing's stateful Kafka Streams topology: the same events, the same
 * two groupings (by event type, through a repartition topic, and by user), the same processing
 * guarantee (exactly-once v2), but only counting, with Kafka Streams' defaults otherwise: no
 * handler for unreadable records, no per-user totals objects, no report. Runs until SIGTERM.
 * Arguments: BOOTSTRAP TOPIC APPLICATION_ID STATE_DIR
 */
public final class StreamsReference {

    private StreamsReference() {
    }

    public static void main(String[] args) throws InterruptedException, ExecutionException {
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[2]);
        props.put(StreamsConfig.STATE_DIR_CONFIG, args[3]);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put("auto.offset.reset", "earliest");
        Serde<String> strings = Serdes.String();
        Serde<UserEvent> events = Serdes.serdeFrom(new JsonSerializer<>(), new JsonDeserializer<>(UserEvent.class));

        // Kafka Streams creates its internal topics, not its outputs (the broker creates no topic either).
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", args[0]))) {
            admin.createTopics(List.of(new NewTopic(args[2] + "-counts", 3, (short) 1),
                    new NewTopic(args[2] + "-per-user", 3, (short) 1))).all().get();
        }

        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, UserEvent> stream = builder.stream(args[1], Consumed.with(strings, events));
        stream.mapValues(UserEvent::eventType)
                .groupBy((user, type) -> type, Grouped.with("by-type", strings, strings)).count()
                .toStream().to(args[2] + "-counts", Produced.with(strings, Serdes.Long()));
        stream.groupByKey(Grouped.with(strings, events)).count()
                .toStream().to(args[2] + "-per-user", Produced.with(strings, Serdes.Long()));

        CountDownLatch stopped = new CountDownLatch(1);
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                streams.close(Duration.ofSeconds(5));
                stopped.countDown();
            }));
            // Ended by SIGTERM, or by Streams itself failing: either way, do not wait for ever.
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                    stopped.countDown();
                }
            });
            streams.start();
            stopped.await();
        }
    }
}
