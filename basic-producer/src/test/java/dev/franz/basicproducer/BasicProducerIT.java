package dev.franz.basicproducer;

import static dev.franz.embedded.EmbeddedKafkaBroker.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.common.cli.Cli;
import dev.franz.common.events.UserEvent;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestConsumers;
import dev.franz.testing.TestNames;

/** The program as a learner runs it, against a real broker. */
class BasicProducerIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    @Test
    void createsTheTopicAndSendsEveryEventKeyedByUser() throws Exception {
        String topic = TestNames.unique("user-events");

        int exitCode = Cli.run(new BasicProducer(), "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "-n", "40", "--interval", "0", "--compression", "zstd", "--seed", "7");

        assertThat(exitCode).isZero();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(3);
        }
        List<ConsumerRecord<String, UserEvent>> records = TestConsumers.readFromStart(kafka.clientProperties(), topic,
                new StringDeserializer(), new JsonDeserializer<>(UserEvent.class), 40);
        assertThat(records).hasSize(40);
        assertThat(records).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo(record.value().userId());
            assertThat(record.headers().lastHeader("event-type")).isNotNull();
        });
        // One key, one partition.
        assertThat(records.stream().map(r -> r.key() + "@" + r.partition()).distinct().count())
                .isEqualTo(records.stream().map(ConsumerRecord::key).distinct().count());
    }

    @Test
    void aClosedPortEndsTheProgramInSecondsWithExitCode1() {
        int closedPort = freePort();

        long startedAt = System.nanoTime();
        int exitCode = Cli.run(new BasicProducer(), "--bootstrap-servers", "localhost:" + closedPort);

        assertThat(exitCode).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void badArgumentsPrintUsageAndExitWith2() {
        assertThat(Cli.run(new BasicProducer(), "--count", "many")).isEqualTo(2);
        assertThat(Cli.run(new BasicProducer(), "--compression", "brotli")).isEqualTo(2);
    }

}
