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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
 * Instances of the Streams application, each in its own JVM with --serve, under both group protocols:
 * every user's totals are answered by each instance, from the instance whose store holds them (its
 * own answer for its part says so); a third instance joins, one leaves, and the answers follow; when
 * the instance holding a user is killed, the other answers from its standby copy, saying it is one.
 * The windowed mode answers a range of windows. Malformed queries get one line of JSON.
 * The tests run at once (each its own application and topics on the one broker).
 */
@Execution(ExecutionMode.CONCURRENT)
class InteractiveQueriesIT {

    private static final int USERS = 12;
    private static final int EVENTS_PER_USER = 5;

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private final HttpClient http = HttpClient.newHttpClient();

    /** The instances' repository root: their state directories go under it, not into the checkout. */
    @TempDir
    Path root;

    @ParameterizedTest
    @EnumSource(StreamProcessing.GroupProtocol.class)
    void everyInstanceAnswersForEveryUserFromTheInstanceThatHoldsItAcrossRebalances(
            StreamProcessing.GroupProtocol protocol) throws Exception {
        String events = TestNames.unique("iq-events");
        Topics.createIfMissing(FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TOPIC_PARTITIONS", "4")), List.of(events));
        Map<String, Long> expected = produce(events);
        String applicationId = TestNames.unique("iq-app");
        Map<Integer, TestProcesses> instances = new LinkedHashMap<>();
        List<String> options = new ArrayList<>(List.of("stateful", "--group-protocol", protocol.name().toLowerCase(),
                "--standbys", "1"));
        options.addAll(topics(events));
        try {
            int first = EmbeddedKafkaBroker.freePort();
            int second = EmbeddedKafkaBroker.freePort();
            instances.put(first, start(applicationId, first, options));
            instances.put(second, start(applicationId, second, options));
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() ->
                    assertEveryUserAnsweredByItsHolder(instances.keySet(), expected));
            assertThat(groupType(applicationId)).as("the group protocol the group runs")
                    .isEqualTo(protocol == StreamProcessing.GroupProtocol.STREAMS ? GroupType.STREAMS : GroupType.CLASSIC);

            HttpResponse<String> malformed = get(first, "/users/not%20a%20user");
            assertThat(json(malformed, 400).path("error").asText()).startsWith("malformed user id 'not a user'");
            assertThat(json(get(first, "/users/user-999"), 404).path("error").asText())
                    .isEqualTo("no events of user user-999 yet");
            assertThat(json(get(first, "/nope"), 404).path("error").asText()).startsWith("no such query: /nope");

            // A third instance joins: the tasks are divided again, and every instance knows where each user is.
            int third = EmbeddedKafkaBroker.freePort();
            instances.put(third, start(applicationId, third, options));
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
                assertThat(answeredBy(third)).hasSize(3);
                assertEveryUserAnsweredByItsHolder(instances.keySet(), expected);
                if (protocol == StreamProcessing.GroupProtocol.STREAMS) {
                    assertTheBrokerAssignedEachUserToTheInstanceThatAnswers(applicationId, first);
                }
            });

            // One leaves (Ctrl-C: it leaves the group), and the two left answer for all.
            stop(instances.remove(second), false);
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
                assertThat(answeredBy(first)).hasSize(2);
                assertEveryUserAnsweredByItsHolder(instances.keySet(), expected);
            });

            // The holder of user-1 is killed: until its session times out the group still counts it, and the
            // other instance answers for its users from its standby copy, saying so.
            int holder = Integer.parseInt(json(get(first, "/users/user-1"), 200).path("answered_by").asText()
                    .replace("localhost:", ""));
            int survivor = holder == first ? third : first;
            Set<String> heldByTheKilled = new HashSet<>(localUsers(holder).keySet());
            stop(instances.remove(holder), true);
            for (String user : heldByTheKilled) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                    JsonNode answer = json(get(survivor, "/users/" + user), 200);
                    assertThat(answer.path("totals").path("events").asLong()).as(user).isEqualTo(expected.get(user));
                    assertThat(answer.path("answered_by").asText()).isEqualTo("localhost:" + survivor);
                    assertThat(answer.path("copy").asText()).as(answer.toString()).isEqualTo("standby");
                    assertThat(answer.has("lag_records")).isTrue();
                });
            }
            JsonNode all = json(get(survivor, "/users"), 200);
            assertThat(all.path("incomplete").toString()).as("the killed instance is named")
                    .contains("localhost:" + holder + ": does not answer");
        } catch (AssertionError | RuntimeException e) {
            // A wait that timed out says only that a port did not answer: show what each instance printed.
            throw new AssertionError(e.getMessage() + "\n" + lastLines(instances), e);
        } finally {
            for (TestProcesses instance : instances.values()) {
                stop(instance, true);
            }
        }
    }

    @Test
    void theWindowedModeAnswersARangeOfWindowsAndRefusesABackwardsOne() throws Exception {
        String events = TestNames.unique("iq-win-events");
        Topics.createIfMissing(FranzConfig.defaultsWith(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TOPIC_PARTITIONS", "2")), List.of(events));
        // Event time, from a minute half an hour ago (the broker refuses timestamps over an hour ahead):
        // 3 clicks in the window at :00, 2 in the one at :05, 1 purchase at :05; then a click in the one at :15.
        // The grace is a minute: the two partitions' events meet out of order after the repartition by type,
        // and with the default 2 s a click at :02 met after the one at :18 would be dropped as late.
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30));
        Instant second5 = start.plusSeconds(5);
        Instant second10 = start.plusSeconds(10);
        try (KafkaProducer<String, UserEvent> producer = new KafkaProducer<>(kafka.clientProperties(),
                new StringSerializer(), new JsonSerializer<>())) {
            send(producer, events, "user-1", UserEvent.CLICK, start.plusSeconds(1));
            send(producer, events, "user-2", UserEvent.CLICK, start.plusSeconds(2));
            send(producer, events, "user-3", UserEvent.CLICK, start.plusSeconds(3));
            send(producer, events, "user-1", UserEvent.CLICK, start.plusSeconds(6));
            send(producer, events, "user-2", UserEvent.CLICK, start.plusSeconds(7));
            send(producer, events, "user-3", UserEvent.PURCHASE, start.plusSeconds(8));
            send(producer, events, "user-1", UserEvent.CLICK, start.plusSeconds(18));
        }
        int port = EmbeddedKafkaBroker.freePort();
        List<String> options = new ArrayList<>(List.of("windowed", "--grace-seconds", "60"));
        options.addAll(topics(events));
        TestProcesses instance = start(TestNames.unique("iq-win-app"), port, options);
        try {
            String range = "?from=" + start + "&to=" + second5;
            // Clicks and purchases are counted in different partitions (by type): each as soon as it is there.
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
                JsonNode clicks = json(get(port, "/windows/click" + range), 200);
                assertThat(clicks.path("windows").toString()).isEqualTo(window(start, second5, 3).replace("]", ",")
                        + window(second5, second10, 2).replace("[", ""));
                JsonNode all = json(get(port, "/windows" + range), 200);
                assertThat(all.path("windows").path("purchase").toString()).isEqualTo(window(second5, second10, 1));
                assertThat(all.path("windows").path("click").size()).as("the window starting after 'to' is left out")
                        .isEqualTo(2);
            });
            assertThat(json(get(port, "/windows/click?from=" + second5 + "&to=" + start), 400).path("error").asText())
                    .isEqualTo("the range is backwards: from " + second5 + " is after to " + start);
            assertThat(json(get(port, "/windows?from=yesterday"), 400).path("error").asText())
                    .startsWith("malformed from 'yesterday': an ISO-8601 instant");
            assertThat(json(get(port, "/users"), 404).path("error").asText())
                    .isEqualTo("no such query: /users (there are /windows/TYPE, /windows, /topology)");
            assertThat(get(port, "/topology").body()).as("Topology.describe() of the running application")
                    .contains("Sub-topology: 1", "stores: [" + StreamsTopologies.WINDOWS_STORE + "]",
                            "until-window-closes");
        } finally {
            stop(instance, true);
        }
    }

    /** One window as the answer gives it, in a list of one. */
    private static String window(Instant start, Instant end, long count) {
        return "[{\"start\":\"" + start + "\",\"end\":\"" + end + "\",\"count\":" + count + "}]";
    }

    /** The events topic, and topics of this test's own for everything the program writes. */
    private static List<String> topics(String events) {
        List<String> options = new ArrayList<>(List.of("--set", "TOPIC_USER_EVENTS=" + events));
        for (String key : List.of("TOPIC_USER_TOTALS", "TOPIC_EVENT_TYPE_COUNTS", "TOPIC_ENRICHED_EVENTS",
                "TOPIC_WINDOWED_COUNTS")) {
            options.addAll(List.of("--set", key + "=" + TestNames.unique("iq-out")));
        }
        return options;
    }

    private TestProcesses start(String applicationId, int port, List<String> options) throws Exception {
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("--engine", "streams", "--serve", Integer.toString(port), "--application-id", applicationId,
                "--report-interval", "3600", "--bootstrap-servers", kafka.bootstrapServers()));
        return TestProcesses.java(List.of("-Dfranz.root=" + root), StreamProcessing.class, args.toArray(String[]::new));
    }

    /** The last lines each instance still running printed, by its port. */
    private static String lastLines(Map<Integer, TestProcesses> instances) {
        StringBuilder shown = new StringBuilder();
        instances.forEach((port, instance) -> {
            List<String> lines = List.copyOf(instance.lines());
            shown.append("instance on port ").append(port).append(instance.process().isAlive() ? "" : " (exited)")
                    .append(", its last lines:\n");
            lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(line -> shown.append("  ").append(line)
                    .append('\n'));
        });
        return shown.toString();
    }

    private static void stop(TestProcesses instance, boolean kill) throws InterruptedException {
        if (kill) {
            instance.process().toHandle().destroyForcibly();
        } else {
            instance.process().toHandle().destroy();
        }
        assertThat(instance.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * Every instance answers for every user, all with the same totals and the same instance answering,
     * and that instance's own part of the state (/users?scope=local) holds the user: the right instance.
     */
    private void assertEveryUserAnsweredByItsHolder(Set<Integer> ports, Map<String, Long> expected) throws Exception {
        Map<Integer, Map<String, Long>> local = new TreeMap<>();
        for (int port : ports) {
            local.put(port, localUsers(port));
        }
        for (String user : expected.keySet()) {
            Set<String> answeredBy = new HashSet<>();
            for (int port : ports) {
                JsonNode answer = json(get(port, "/users/" + user), 200);
                assertThat(answer.path("totals").path("events").asLong()).as(user).isEqualTo(expected.get(user));
                assertThat(answer.path("copy").asText()).isEqualTo("active");
                answeredBy.add(answer.path("answered_by").asText());
            }
            assertThat(answeredBy).as("one instance answers for " + user).hasSize(1);
            int holder = Integer.parseInt(answeredBy.iterator().next().replace("localhost:", ""));
            assertThat(local.get(holder)).as("the part of the instance that answers for " + user).containsKey(user);
        }
        Map<String, Long> union = new TreeMap<>();
        local.values().forEach(union::putAll);
        assertThat(union).as("together the instances hold every user, once").isEqualTo(expected);
        assertThat(local.values().stream().mapToInt(Map::size).sum()).isEqualTo(USERS);
    }

    /**
     * With the streams protocol the broker assigns the tasks, and the Admin API shows them with each
     * member's endpoint: the user's partition's task of subtopology 0 (where the totals are) is active on
     * the member at the address that answers for the user.
     */
    private void assertTheBrokerAssignedEachUserToTheInstanceThatAnswers(String group, int port) throws Exception {
        Map<String, Set<String>> activeTasksByEndpoint = new TreeMap<>();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            StreamsGroupDescription description = admin.describeStreamsGroups(List.of(group)).describedGroups()
                    .get(group).get(10, TimeUnit.SECONDS);
            description.members().forEach(member -> {
                Set<String> tasks = new HashSet<>();
                member.assignment().activeTasks().forEach(ids -> ids.partitions()
                        .forEach(partition -> tasks.add(ids.subtopologyId() + "_" + partition)));
                activeTasksByEndpoint.put(member.userEndpoint().map(e -> e.host() + ":" + e.port()).orElse("?"), tasks);
            });
        }
        for (int user = 1; user <= USERS; user++) {
            JsonNode answer = json(get(port, "/users/user-" + user), 200);
            assertThat(activeTasksByEndpoint.get(answer.path("answered_by").asText())).as(answer.toString())
                    .contains("0_" + answer.path("partition").asInt());
        }
    }

    private GroupType groupType(String group) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            return admin.listGroups(new ListGroupsOptions()).all().get(10, TimeUnit.SECONDS).stream()
                    .filter(listing -> listing.groupId().equals(group)).map(GroupListing::type)
                    .flatMap(java.util.Optional::stream).findFirst().orElseThrow();
        }
    }

    private static void send(KafkaProducer<String, UserEvent> producer, String topic, String user, String type,
            Instant at) throws Exception {
        UserEvent event = new UserEvent(user, type, at, Map.of());
        producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), user, event)).get();
    }

    /** Users user-1..user-12, five events each (the values are counted, not summed). */
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

    /** What the instance at {@code port} holds itself: user -> events. */
    private Map<String, Long> localUsers(int port) throws Exception {
        Map<String, Long> seen = new TreeMap<>();
        json(get(port, "/users?scope=local"), 200).path("users").fields()
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
