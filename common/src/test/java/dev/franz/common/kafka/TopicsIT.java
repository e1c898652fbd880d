package dev.franz.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

class TopicsIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void createsMissingTopicsAndLeavesExistingOnesAlone() throws Exception {
        String first = TestNames.unique("topics-first");
        String second = TestNames.unique("topics-second");

        try (Admin admin = Admin.create(kafka.clientProperties())) {
            List<String> createdFirstTime = Topics.createIfMissing(admin, List.of(new NewTopic(first, 3, (short) 1)), TIMEOUT);
            // Asked again with other settings: the existing topic is kept as it is, the new one is created.
            List<String> createdSecondTime = Topics.createIfMissing(admin,
                    List.of(new NewTopic(first, 6, (short) 1), new NewTopic(second, 2, (short) 1)), TIMEOUT);

            assertThat(createdFirstTime).containsExactly(first);
            assertThat(createdSecondTime).containsExactly(second);
            // A created topic reaches the broker's metadata a moment after the controller commits it.
            await().atMost(TIMEOUT).ignoreException(ExecutionException.class).untilAsserted(() -> {
                var descriptions = admin.describeTopics(List.of(first, second)).allTopicNames().get();
                assertThat(descriptions.get(first).partitions()).hasSize(3);
                assertThat(descriptions.get(second).partitions()).hasSize(2);
                assertThat(descriptions.values()).extracting(TopicDescription::isInternal).containsOnly(false);
            });
        }
    }
}
