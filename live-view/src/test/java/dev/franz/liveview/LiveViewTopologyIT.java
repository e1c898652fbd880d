package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.testing.Browser;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/**
 * Kafka Streams topologies on the page, in a real browser, from a real broker: a small application
 * with a repartition and a state store, on the streams protocol, is drawn as two subtopologies linked
 * by its repartition topic, with its changelog topic and its tasks; a second instance joins and the
 * tasks are seen split between two members. The same application on the classic protocol is listed
 * with why its topology cannot be drawn, and where to ask for it.
 */
class LiveViewTopologyIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private static final Duration ON_THE_PAGE = Duration.ofSeconds(15);
    /** The first member waits for the broker to create the internal topics; a task moves in two heartbeats (5 s each). */
    private static final Duration ASSIGNED = Duration.ofSeconds(45);

    @TempDir
    Path stateDirs;

    @Test
    void aStreamsGroupsSubtopologiesTopicsAndTasksAreDrawnAndTheTasksSplitWhenASecondInstanceJoins() throws Exception {
        String input = TestNames.unique("topology-words");
        String output = TestNames.unique("topology-counts");
        String app = TestNames.unique("topology-app");
        String classicApp = TestNames.unique("topology-classic");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(input, 2, (short) 1), new NewTopic(output, 2, (short) 1))).all().get();
            // The broker waits 3 s (group.streams.initial.rebalance.delay.ms) before it assigns a new
            // streams group's first tasks, for more members to join: this test starts one, then another.
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, app);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("streams.initial.rebalance.delay.ms", "0"), AlterConfigOp.OpType.SET)))).all().get();
        }
        String group = "#topologies [data-group='" + app + "']";
        String tasks = group + " .task";
        try (RunningLiveView liveView = RunningLiveView.start(kafka.clientProperties(), kafka.bootstrapServers());
             Browser browser = Browser.start();
             Instance first = new Instance(app, "streams", input, output, "one");
             Instance classic = new Instance(classicApp, "classic", input, output, "classic")) {
            browser.open(liveView.url("topology"));

            // One instance: two subtopologies, four tasks (2 partitions each), all active on it.
            await("the topology and its tasks, all on one member").atMost(ASSIGNED).until(() ->
                    browser.count(tasks) == 4 && activeMembers(browser, tasks).size() == 1
                            && !activeMembers(browser, tasks).contains(""));
            String repartition = app + "-by-word-repartition";
            String changelog = app + "-counts-changelog";
            assertThat(browser.attributes(group + " .subtopology-row", "data-subtopology")).containsExactly("0", "1");
            String sub0 = group + " [data-subtopology='0']";
            String sub1 = group + " [data-subtopology='1']";
            assertThat(browser.text(sub0 + " [data-kind='source']")).isEqualTo("reads topic " + input + " (2 partitions)");
            assertThat(browser.text(sub0 + " [data-kind='repartition']"))
                    .isEqualTo("writes repartition topic " + repartition + " (2 partitions) → read by subtopology 1");
            assertThat(browser.text(sub0 + " .topology-changelogs")).isEqualTo("no state store");
            assertThat(browser.text(sub1 + " [data-kind='repartition']"))
                    .isEqualTo("reads repartition topic " + repartition + " (2 partitions) (written by subtopology 0)");
            assertThat(browser.text(sub1 + " [data-kind='changelog']"))
                    .isEqualTo("state kept in changelog topic " + changelog + " (2 partitions)");
            assertThat(browser.attributes(tasks, "data-task")).containsExactly("0_0", "0_1", "1_0", "1_1");
            assertThat(browser.text(tasks)).startsWith("0_0 active on ");
            assertThat(browser.text(group + " .topology-kind")).startsWith("streams protocol · ").endsWith(" · 1 member(s)");

            // On the classic protocol: no topology, and where to ask for it.
            String classicGroup = "#topologies [data-group='" + classicApp + "']";
            await("the classic application's note").atMost(ON_THE_PAGE).until(() ->
                    browser.text(classicGroup + " .topology-classic").contains("does not read"));
            assertThat(browser.attribute(classicGroup, "data-protocol")).isEqualTo("classic");
            assertThat(browser.text(classicGroup + " .topology-classic")).contains("http://localhost:PORT/topology");
            assertThat(browser.count(classicGroup + " .task")).isZero();

            // A second instance joins: the broker moves tasks to it.
            try (Instance second = new Instance(app, "streams", input, output, "two")) {
                await("the tasks split between two members").atMost(ASSIGNED).until(() -> {
                    Set<String> members = activeMembers(browser, tasks);
                    return members.size() == 2 && !members.contains("");
                });
                assertThat(browser.text(group + " .topology-kind")).endsWith(" · 2 member(s)");
                assertThat(browser.count(group + " .topology-members tbody tr")).isEqualTo(2);
                browser.scrollTo("#topology-section");
                browser.screenshot("live-view-topology.png", 900);
            }
        }
    }

    /** The members the page says run the tasks, "" for a task it says nobody runs. */
    private static Set<String> activeMembers(Browser browser, String tasks) {
        return new HashSet<>(browser.attributes(tasks, "data-active"));
    }

    /** One instance of a word count: a repartition by word, then a count in a state store. */
    private final class Instance implements AutoCloseable {
        private final KafkaStreams streams;

        Instance(String applicationId, String protocol, String input, String output, String name) {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                    .groupBy((key, word) -> word, Grouped.with("by-word", Serdes.String(), Serdes.String()))
                    .count(Materialized.as("counts"))
                    .toStream()
                    .to(output, Produced.with(Serdes.String(), Serdes.Long()));
            Properties props = new Properties();
            props.putAll(kafka.clientProperties());
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, protocol);
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDirs.resolve(name).toString());
            streams = new KafkaStreams(builder.build(), props);
            streams.start();
        }

        @Override
        public void close() {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(5)));
        }
    }
}
