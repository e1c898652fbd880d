package dev.franz.basicproducer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserEvent;
import dev.franz.common.json.JsonSerializer;

/** basic-producer's sends on a MockProducer: the records, their callbacks and what is printed. */
class BasicProducerSendTest {

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    private static UserEvent event(String user) {
        return new UserEvent(user, UserEvent.CLICK, Instant.parse("2026-11-26T18:00:00Z"), Map.of("element", "buy-now"));
    }

    private static MockProducer<String, UserEvent> mockProducer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, new RoundRobinPartitioner(), new StringSerializer(), new JsonSerializer<>());
    }

    @Test
    void recordsAreKeyedByUserAndCarryHeaders() throws InterruptedException {
        MockProducer<String, UserEvent> producer = mockProducer(true);
        BasicProducer sender = new BasicProducer(out, 1);

        sender.sendSync(producer, BasicProducer.record("events", event("user-1")));
        sender.sendAsync(producer, BasicProducer.record("events", event("user-2")));

        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("user-1", "user-2");
        ProducerRecord<String, UserEvent> first = producer.history().get(0);
        assertThat(first.topic()).isEqualTo("events");
        assertThat(new String(first.headers().lastHeader("event-type").value(), StandardCharsets.UTF_8)).isEqualTo("click");
        assertThat(sender.summary().acknowledged()).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("sync   key=user-1").contains("async  key=user-2");
    }

    @Test
    void anAsyncFailureIsCountedAndReportedByTheCallback() {
        MockProducer<String, UserEvent> producer = mockProducer(false);
        BasicProducer sender = new BasicProducer(out, 1);

        sender.sendAsync(producer, BasicProducer.record("events", event("user-1")));
        sender.sendAsync(producer, BasicProducer.record("events", event("user-2")));
        producer.completeNext();
        producer.errorNext(new NotEnoughReplicasException("only 1 in-sync replica"));

        SendSummary summary = sender.summary();
        assertThat(summary.sent()).isEqualTo(2);
        assertThat(summary.acknowledged()).isEqualTo(1);
        assertThat(summary.failed()).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("key=user-2  FAILED").contains("only 1 in-sync replica");
    }

    @Test
    void printsASampleInHighVolumeRuns() throws InterruptedException {
        MockProducer<String, UserEvent> producer = mockProducer(true);
        BasicProducer sender = new BasicProducer(out, 10);

        for (int i = 0; i < 30; i++) {
            sender.sendSync(producer, BasicProducer.record("events", event("user-" + i)));
        }

        // The first, then every 10th: 1, 11, 21.
        assertThat(output.toString(StandardCharsets.UTF_8).lines()).hasSize(3);
    }

    @Test
    void weakerAcksTurnIdempotenceOff() {
        FranzConfig config = FranzConfig.defaultsWith(Map.of());

        var safe = BasicProducer.producerProperties(config, BasicProducerOptions.Acks.ALL, BasicProducerOptions.Compression.LZ4, 5, 65536);
        var fast = BasicProducer.producerProperties(config, BasicProducerOptions.Acks.ONE, BasicProducerOptions.Compression.NONE, 0, 16384);

        assertThat(safe).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("compression.type", "lz4").containsEntry("bootstrap.servers", "localhost:9092");
        assertThat(fast).containsEntry("acks", "1").containsEntry("enable.idempotence", false)
                .containsEntry("compression.type", "none");
    }
}
