package dev.franz.shareconsumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.config.FranzConfig;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;
import picocli.CommandLine;

/**
 * {@code --as consumer-group}, a member that loses its partition: it worked on a job longer than
 * max.poll.interval.ms, so the group removed it. It commits nothing then (another member may own the
 * partition), says so, rejoins and goes on: it does not die.
 */
class ConsumerGroupLostIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final String topic = TestNames.unique("jobs");
    private final String group = TestNames.unique("workers-classic");
    private final FranzConfig config = FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS",
            kafka.bootstrapServers(), "TOPIC_JOBS", topic));

    @Test
    void aMemberThatLosesItsPartitionCommitsNothingThenAndGoesOn() throws Exception {
        Jobs.createTopics(config, topic);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "job-1", "job-1")).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topic, "job-2", "job-2")).get(30, TimeUnit.SECONDS);
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ShareConsumerLesson lesson = new ShareConsumerLesson(new PrintStream(printed, true, StandardCharsets.UTF_8));
        // Each job takes 4 s, twice the member's max.poll.interval.ms: the group removes it during every job.
        new CommandLine(lesson).parseArgs("--as", "consumer-group", "--work-ms", "4000", "--max-messages", "2");
        Properties props = ConsumerGroupWorker.consumerGroupProperties(config, group, "test-worker", 1);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 2_000);

        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new StringDeserializer())) {
                lesson.consumerGroupWorker().runConsumerGroup(consumer, topic);
            }
        });
        run.get(90, TimeUnit.SECONDS); // no death: it ends normally after its two jobs (--max-messages)

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output).as(output).contains("Partitions lost:     [" + topic + "-0]")
                .contains("Not committed: this member left the group while working");
        assertThat(lesson.counts().commitsRefused()).isEqualTo(2);
        // The first job was done twice: lost with its partition, then given out again (at least once).
        assertThat(output.lines().filter(line -> line.contains("job-1 ")).count()).as(output).isEqualTo(2);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                    .as("offsets committed by a member that had lost its partition").isEmpty();
        }
    }
}
