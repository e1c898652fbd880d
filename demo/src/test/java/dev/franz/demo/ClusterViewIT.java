package dev.franz.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.liveview.LiveView;
import dev.franz.localkafka.LocalCluster;
import dev.franz.testing.Browser;
import dev.franz.testing.TestNames;
import dev.franz.testing.TestProcesses;

/**
 * The live view's cluster view in a real browser against a real cluster of three brokers and one
 * controller, each its own JVM (local-kafka's {@link LocalCluster}), the live view a program of its own
 * as a learner starts it: three brokers up and every copy in sync; then broker 2 (a broker only: the
 * controller is a node of its own) killed as {@code kill -9} does, and the page shows it down, the
 * partitions it held under-replicated, and the quorum's leader unchanged; and on a quorum of three
 * controllers, the active one killed and another elected. (Here and not in live-view's
 * own tests: live-view is a program, and a program may not depend on another, local-kafka, or
 * {@code ./mvnw exec:java -pl live-view} would start that one too.)
 */
class ClusterViewIT {

    private static final Duration ON_THE_PAGE = Duration.ofSeconds(30);

    private static Browser browser;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = Browser.start();
    }

    @AfterAll
    static void closeBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aKilledBrokerIsShownDownAndThePartitionsItHeldUnderReplicated() throws Exception {
        int port = freeConsecutivePorts(4); // three brokers, then the controller
        String topic = TestNames.unique("replicated");
        String strict = TestNames.unique("all-copies");
        try (LocalCluster cluster = LocalCluster.start(3, 1, port, port + 3, dataDir)) {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                // The second topic wants every copy in sync: once one is gone its ISR is below
                // min.insync.replicas, and the copy that left is an eligible leader (KIP-966).
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3),
                        new NewTopic(strict, 1, (short) 3).configs(Map.of("min.insync.replicas", "3")))).all().get();
            }
            int controller = cluster.activeController(Duration.ofSeconds(30)).orElseThrow();
            TestProcesses liveView = openClusterView(cluster);
            try {
                await("3 brokers up, every copy in sync").atMost(ON_THE_PAGE).until(() ->
                        browser.count("#cluster tr[data-state='up']") == 3
                                && offsets(topic).size() == 3
                                && offsets(topic).stream().allMatch(t -> t.matches(
                                        ".* · leader \\d · replicas \\d,\\d,\\d · in sync \\d,\\d,\\d")));
                assertThat(inSyncOf(topic)).allMatch(ids -> ids.chars().filter(Character::isDigit).sorted()
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                        .toString().equals("123"));
                assertThat(browser.text("#cluster .cluster-summary")).startsWith("3 of 3 broker(s) up");
                assertThat(browser.attribute("#cluster .quorum-summary", "data-leader")).isEqualTo(String.valueOf(controller));
                assertThat(browser.text("#cluster .quorum-summary")).startsWith("active controller " + controller + " · epoch ");
                assertThat(browser.attributes("#cluster tr[data-role='observer (a broker)']", "data-node"))
                        .containsExactlyInAnyOrder("1", "2", "3");

                long killedAt = System.nanoTime();
                cluster.kill(2);

                String two = "#cluster tr[data-broker='2']";
                await("broker 2 down, its partitions under-replicated").atMost(ON_THE_PAGE).until(() ->
                        "down".equals(browser.attribute(two, "data-state"))
                                && offsets(topic).stream().allMatch(t -> t.endsWith(" · under-replicated")));
                System.out.printf("Broker 2 shown down %.1f s after its kill: %s%n%s%n", (System.nanoTime() - killedAt) / 1e9,
                        browser.text("#cluster .cluster-summary"), String.join("\n", offsets(topic)));
                assertThat(browser.text(two + " .broker-state")).startsWith("✗ DOWN since ");
                assertThat(browser.text(two + " .out-of-sync")).contains(topic + "-0", topic + "-1", topic + "-2");
                assertThat(inSyncOf(topic)).hasSize(3).noneMatch(ids -> ids.contains("2"));
                assertThat(browser.text("#cluster .cluster-summary")).startsWith("2 of 3 broker(s) up, DOWN: broker 2");
                assertThat(browser.attribute("#cluster .quorum-summary", "data-leader")).isEqualTo(String.valueOf(controller));
                await("broker 2 an eligible leader of the topic that wants 3 copies in sync").atMost(ON_THE_PAGE)
                        .until(() -> offsets(strict).stream().allMatch(t -> t.contains(" · eligible leaders (ELR) 2 ")));
                // The picture of docs/live-view.md: the cluster section alone, as its own view of the page shows it.
                browser.script("document.querySelectorAll('main > :not(#cluster-section)').forEach(e => e.hidden = true);"
                        + " document.querySelector('main').style.display = 'block'");
                browser.screenshot("live-view-cluster.png", 760);
            } finally {
                liveView.process().destroyForcibly();
            }
        }
    }

    /**
     * The controller failover of docs/live-view.md: a quorum of three controllers (and one broker),
     * its active controller killed as {@code kill -9} does; another voter takes over with a higher
     * epoch, and the page says so and lists the election it saw.
     */
    @Test
    void aKilledActiveControllerIsReplacedAndThePageListsTheElection() throws Exception {
        int port = freeConsecutivePorts(4); // the broker, then the three controllers
        try (LocalCluster cluster = LocalCluster.start(1, 3, port, port + 1, dataDir)) {
            int before = cluster.activeController(Duration.ofSeconds(30)).orElseThrow();
            TestProcesses liveView = openClusterView(cluster);
            try {
                await("three voters, " + before + " the active controller").atMost(ON_THE_PAGE).until(() ->
                        browser.count("#cluster tr[data-role^='voter']") == 3
                                && String.valueOf(before).equals(browser.attribute("#cluster .quorum-summary", "data-leader")));
                long epochBefore = Long.parseLong(browser.attribute("#cluster .quorum-summary", "data-epoch"));
                assertThat(browser.attributes("#cluster tr[data-role='voter, active controller']", "data-node"))
                        .containsExactly(String.valueOf(before));

                cluster.controllers().stream().filter(node -> node.id() == before).findFirst().orElseThrow()
                        .process().destroyForcibly();

                await("another voter the active controller").atMost(ON_THE_PAGE).until(() -> {
                    String leader = String.valueOf(browser.attribute("#cluster .quorum-summary", "data-leader"));
                    return !leader.equals("none") && !leader.equals(String.valueOf(before));
                });
                String after = browser.attribute("#cluster .quorum-summary", "data-leader");
                System.out.printf("Controller %d killed: %s%n%s%n", before, browser.text("#cluster .quorum-summary"),
                        String.join("\n", browser.texts("#cluster .quorum-changes li")));
                assertThat(Long.parseLong(browser.attribute("#cluster .quorum-summary", "data-epoch"))).isGreaterThan(epochBefore);
                assertThat(browser.text("#cluster .quorum-summary")).startsWith("active controller " + after + " · epoch ");
                assertThat(browser.attributes("#cluster tr[data-role='voter, active controller']", "data-node"))
                        .containsExactly(after);
                // Newest first: the election that made it leader; the oldest seen left the killed one.
                List<String> elections = browser.texts("#cluster .quorum-changes li");
                assertThat(elections.get(0)).contains("→ " + after + ", epoch ");
                assertThat(elections.get(elections.size() - 1)).contains(": active controller " + before + " → ");
            } finally {
                liveView.process().destroyForcibly();
            }
        }
    }

    /** The live view, a program of its own as a learner starts it, on {@code cluster}; its cluster view open. */
    private static TestProcesses openClusterView(LocalCluster cluster) throws IOException {
        int page = LiveViewApi.freePort();
        TestProcesses liveView = TestProcesses.java(LiveView.class, "--bootstrap-servers", cluster.bootstrapServers(),
                "--port", String.valueOf(page));
        try {
            await("the live view started").atMost(ON_THE_PAGE).until(() -> liveView.printed("Live view of"));
            browser.open("http://localhost:" + page + "/#cluster");
        } catch (RuntimeException e) {
            liveView.process().destroyForcibly();
            throw e;
        }
        return liveView;
    }

    /** The offsets line of each partition row of {@code topic}. */
    private static List<String> offsets(String topic) {
        return browser.texts("#topics .partition[data-topic='" + topic + "'] .offsets");
    }

    /** What follows "in sync " on each partition row of {@code topic}: "1,3". */
    private static List<String> inSyncOf(String topic) {
        return offsets(topic).stream().map(t -> t.replaceAll(".* · in sync ([\\d,]+).*", "$1")).toList();
    }

    private static int freeConsecutivePorts(int count) throws IOException {
        Random random = new Random();
        for (int tries = 0; tries < 200; tries++) {
            int first = 20_000 + random.nextInt(12_000);
            if (IntStream.range(0, count).allMatch(i -> EmbeddedKafkaBroker.isPortFree(first + i))) {
                return first;
            }
        }
        throw new IOException("No " + count + " free consecutive ports found");
    }
}
