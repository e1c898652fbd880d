package dev.franz.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.testing.BadRecords;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/** The dead letter of a record at the limit, sent by a real producer with Kafka's defaults to a real broker. */
class DeadLettersIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    @Test
    void theDeadLetterOfARecordAtTheLimitIsWrittenWhereACopyOfItWholeIsRefused() throws Exception {
        String deadLetters = TestNames.unique("orders.DLT");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Topics.createIfMissing(admin, List.of(new NewTopic(deadLetters, Optional.of(1), Optional.empty())),
                    Duration.ofSeconds(30));
        }
        String key = "key-0123456789-0123456789-0123456789-012"; // 40 bytes: as long as BadRecords allows
        ConsumerRecord<String, byte[]> failed = new ConsumerRecord<>("orders", 0, 5, 0L, TimestampType.CREATE_TIME,
                key.length(), BadRecords.NEAR_ONE_MB, key, BadRecords.nearOneMegabyte(), new RecordHeaders(),
                Optional.empty());
        Exception error = new IllegalArgumentException("Not a valid Order JSON on topic orders");

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            // What a dead letter that copies the whole value does: over max.request.size, refused.
            ProducerRecord<String, byte[]> whole = new ProducerRecord<>(deadLetters, null, key, failed.value(),
                    DeadLetters.of(failed, deadLetters, "malformed", error, 0, Integer.MAX_VALUE).headers());
            assertThatThrownBy(() -> producer.send(whole).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);

            RecordMetadata written = producer.send(DeadLetters.of(failed, deadLetters, "malformed", error, 0))
                    .get(30, TimeUnit.SECONDS);

            assertThat(written.topic()).isEqualTo(deadLetters);
            assertThat(written.serializedValueSize()).isLessThan(BadRecords.NEAR_ONE_MB);
        }
    }
}
