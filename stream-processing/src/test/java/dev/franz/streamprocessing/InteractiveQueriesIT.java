package dev.franz.streamprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserEvent;
import dev.franz.common.json.Json;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.Topics;
import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestProcesses;

/**
 * Two instances of the stateful Streams application, each in its own JVM with --serve: every user's
 * totals are answered by either instance, from the one whose store holds them, and the two divide the
 * users; after one stops, the other answers for all. Malformed queries get one line of JSON.
 */
class InteractiveQueriesIT {

    private static final int USERS = 12;
    private static final int EVENTS_PER_USER = 5;

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final HttpClient http = HttpClient.newHttpClient();

    /** The instances' repository root: their state directories go under it, not into the checkout. */
    @TempDir
    Path root;

    @Test
    void eachUsersTotalsAreAnsweredByEitherInstanceFromTheInstanceThatHoldsThem() throws Exception {
        String events = TestNames.unique("iq-events");
        String totals = TestNames.unique("iq-totals");
        String counts = TestNames.unique("iq-counts");
        Topics.createIfMissing(FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TOPIC_PARTITIONS", "4")), List.of(events));
        Map<String, Long> expected = produce(events);
        String applicationId = TestNames.unique("iq-app");
        int first = EmbeddedKafkaBroker.freePort();
        int second = EmbeddedKafkaBroker.freePort();
        List<TestProcesses> instances = new ArrayList<>();
        try {
            instances.add(start(applicationId, first, events, totals, counts));
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> usersSeen(first).size() == USERS);
            instances.add(start(applicationId, second, events, totals, counts));
            // The second instance joins: the partitions are divided, and each answers for all users.
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() ->
                    answeredBy(first).size() == 2 && answeredBy(second).size() == 2);

            Set<String> holders = new HashSet<>();
            for (String user : expected.keySet()) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                    JsonNode fromFirst = json(get(first, "/users/" + user), 200);
                    JsonNode fromSecond = json(get(second, "/users/" + user), 200);
                    assertThat(fromFirst.path("totals").path("events").asLong()).as(user).isEqualTo(expected.get(user));
                    assertThat(fromSecond.path("totals")).isEqualTo(fromFirst.path("totals"));
                    assertThat(fromSecond.path("answered_by")).as("one instance holds " + user)
                            .isEqualTo(fromFirst.path("answered_by"));
                });
                holders.add(json(get(first, "/users/" + user), 200).path("answered_by").asText());
            }
            assertThat(holders).as("each instance holds some users").containsExactlyInAnyOrder("localhost:" + first,
                    "localhost:" + second);
            assertThat(usersSeen(second)).isEqualTo(expected);

            HttpResponse<String> malformed = get(first, "/users/not%20a%20user");
            assertThat(malformed.statusCode()).isEqualTo(400);
            assertThat(json(malformed, 400).path("error").asText()).startsWith("malformed user id 'not a user'");
            HttpResponse<String> unknownUser = get(first, "/users/user-999");
            assertThat(json(unknownUser, 404).path("error").asText()).isEqualTo("no events of user user-999 yet");
            assertThat(json(get(first, "/nope"), 404).path("error").asText()).startsWith("no such query: /nope");

            instances.get(1).process().toHandle().destroy();
            assertThat(instances.get(1).process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            // Its partitions move back (it left the group): the first answers for every user itself.
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
                for (String user : expected.keySet()) {
                    JsonNode answer = json(get(first, "/users/" + user), 200);
                    assertThat(answer.path("answered_by").asText()).isEqualTo("localhost:" + first);
                    assertThat(answer.path("totals").path("events").asLong()).isEqualTo(expected.get(user));
                }
            });
        } finally {
            for (TestProcesses instance : instances) {
                instance.process().toHandle().destroy();
                instance.process().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private TestProcesses start(String applicationId, int port, String events, String totals, String counts)
            throws Exception {
        return TestProcesses.java(List.of("-Dfranz.root=" + root), StreamProcessing.class, "stateful", "--engine", "streams", "--serve",
                Integer.toString(port), "--application-id", applicationId, "--report-interval", "3600",
                "--bootstrap-servers", kafka.bootstrapServers(), "--set", "TOPIC_USER_EVENTS=" + events,
                "--set", "TOPIC_USER_TOTALS=" + totals, "--set", "TOPIC_EVENT_TYPE_COUNTS=" + counts);
    }

    /** Users u-1..u-12, five events each (the values are counted, not summed). */
    private static Map<String, Long> produce(String topic) throws Exception {
        Map<String, Long> expected = new TreeMap<>();
        try (KafkaProducer<String, UserEvent> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new JsonSerializer<>())) {
            for (int user = 1; user <= USERS; user++) {
                for (int n = 0; n < EVENTS_PER_USER; n++) {
                    UserEvent event = new UserEvent("user-" + user, UserEvent.CLICK, Instant.now(), Map.of());
                    producer.send(new ProducerRecord<>(topic, event.userId(), event)).get();
                }
                expected.put("user-" + user, (long) EVENTS_PER_USER);
            }
        }
        return expected;
    }

    /** /users at {@code port}: user -> events, from every instance. */
    private Map<String, Long> usersSeen(int port) throws Exception {
        Map<String, Long> seen = new TreeMap<>();
        json(get(port, "/users"), 200).path("users").fields()
                .forEachRemaining(user -> seen.put(user.getKey(), user.getValue().path("events").asLong()));
        return seen;
    }

    private Set<String> answeredBy(int port) throws Exception {
        Set<String> instances = new HashSet<>();
        JsonNode answer = json(get(port, "/users"), 200);
        assertThat(answer.has("incomplete")).as(answer.toString()).isFalse();
        answer.path("answered_by").forEach(instance -> instances.add(instance.asText()));
        return instances;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return Json.mapper().readTree(response.body());
    }
}
