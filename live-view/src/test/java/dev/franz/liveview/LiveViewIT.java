package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;

import dev.franz.testing.Browser;
import dev.franz.testing.KafkaBrokerExtension;
import dev.franz.testing.TestNames;

/**
 * The live view in a real browser (Debian's Chromium) against a real broker: what the page shows is
 * what Kafka reported. One live view and one browser for the class; each test has its own topic and group.
 */
class LiveViewIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    private static final Duration ON_THE_PAGE = Duration.ofSeconds(15);

    /** Level 3's four topics for this class's live view, under names of their own (one test creates them). */
    private static final String LEVEL3 = TestNames.unique("level3");
    private static final Level3Flow.Topics FLOW = new Level3Flow.Topics(LEVEL3 + "-orders", LEVEL3 + "-payments",
            LEVEL3 + "-orders.DLT", LEVEL3 + "-notifications");

    private static RunningLiveView liveView;
    private static Browser browser;

    @BeforeAll
    static void startLiveViewAndBrowser() throws Exception {
        liveView = RunningLiveView.start(kafka.clientProperties(), kafka.bootstrapServers(), FLOW);
        browser = Browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (liveView != null) {
            liveView.close();
        }
    }

    @BeforeEach
    void openPage() {
        browser.open(liveView.url());
        await("the page connected").atMost(ON_THE_PAGE)
                .until(() -> "up".equals(browser.attribute("#broker-status", "data-state")));
    }

    @Test
    void recordsAppearOnThePartitionsKafkaReportedForTheirKeys() throws Exception {
        String topic = TestNames.unique("keys");
        createTopic(topic, 3);
        Map<String, Integer> partitionOfKey = new HashMap<>();
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (int i = 0; i < 12; i++) {
                String key = "user-" + (i % 6);
                RecordMetadata sent = producer.send(new ProducerRecord<>(topic, key, "{\"n\":" + i + "}")).get();
                partitionOfKey.put(key, sent.partition());
            }
        }

        show("topics?filter=" + topic);
        await("12 records on the page").atMost(ON_THE_PAGE)
                .until(() -> browser.count(partitionCss(topic) + " .cell[data-kind='record'][data-status='visible']") == 12);
        for (Map.Entry<String, Integer> entry : partitionOfKey.entrySet()) {
            String key = entry.getKey();
            for (int partition = 0; partition < 3; partition++) {
                List<String> cells = browser.texts(partitionCss(topic, partition) + " .cell[data-key='" + key + "']");
                if (partition == entry.getValue()) {
                    assertThat(cells).as("key %s on partition %d, as Kafka said", key, partition).hasSize(2);
                } else {
                    assertThat(cells).as("key %s never on partition %d", key, partition).isEmpty();
                }
            }
        }
        // Same key, same colour.
        Set<String> colours = browser.all(partitionCss(topic) + " .cell[data-key='user-0']").stream()
                .map(cell -> cell.getCssValue("background-color")).collect(Collectors.toSet());
        assertThat(colours).hasSize(1);
        assertThat(browser.text(partitionCss(topic, partitionOfKey.get("user-0")) + " .offsets"))
                .contains("high watermark");

        browser.click(partitionCss(topic, partitionOfKey.get("user-0")) + " .cell[data-key='user-0']", 0);
        await("the record's details").atMost(ON_THE_PAGE)
                .until(() -> browser.text("#record-value").contains("\"n\""));
        assertThat(browser.text("#record-details [data-field='key']")).startsWith("user-0");
        browser.screenshot("live-view-partitions.png", 500);
    }

    @Test
    void lagDrainsToZeroAndASecondMemberTakesOverPartitions() throws Exception {
        String topic = TestNames.unique("lag");
        String group = TestNames.unique("readers");
        createTopic(topic, 4);
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value " + i)).get();
            }
        }
        // The group exists with nothing read yet: its committed offsets are at the start of the log.
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            for (int p = 0; p < 4; p++) {
                start.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets(group, start).all().get();
        }
        String groupCss = "#groups [data-group='" + group + "']";
        show("groups?filter=" + group);
        await("lag 40 on the page").atMost(ON_THE_PAGE).until(() -> "40".equals(browser.attribute(groupCss, "data-total-lag")));

        try (ReadingConsumer first = new ReadingConsumer(group, topic, "reader-one")) {
            await("lag drained to 0, one member").atMost(Duration.ofSeconds(30)).until(() ->
                    "0".equals(browser.attribute(groupCss, "data-total-lag"))
                            && "1".equals(browser.attribute(groupCss, "data-members")));
            assertThat(owners(groupCss)).containsOnly("reader-one").hasSize(4);

            try (ReadingConsumer second = new ReadingConsumer(group, topic, "reader-two")) {
                await("the partitions split between two members").atMost(Duration.ofSeconds(30))
                        .until(() -> Set.copyOf(owners(groupCss)).equals(Set.of("reader-one", "reader-two")));
                assertThat(owners(groupCss)).filteredOn("reader-two"::equals).hasSize(2);
                assertThat(browser.text("#timeline")).contains(group).contains("reader-two joined").contains(" -> ");
                assertThat(arrowsThatCanSplit("#timeline")).as("'->' kept on one line").isZero();
                browser.screenshot("live-view-groups.png", 620);
            }
            await("the partitions back with the first member").atMost(Duration.ofSeconds(30))
                    .until(() -> owners(groupCss).equals(List.of("reader-one", "reader-one", "reader-one", "reader-one")));
            assertThat(browser.text("#timeline")).contains("reader-two left");
            assertThat(browser.text(partitionCss(topic, 0) + " .readers")).contains(group).contains("read by reader-one");
        }
    }

    @Test
    void aLongJsonValueWrapsBetweenItsWordsNeverInsideOne() throws Exception {
        String topic = TestNames.unique("wrap");
        createTopic(topic, 1);
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, "customer-with-a-long-key", "{\"description\":\"extraordinary\","
                    + "\"customer\":\"someone-else\",\"comment\":\"approved without questions\",\"amount\":1250}")).get();
        }
        String log = partitionCss(topic, 0);
        show("topics?filter=" + topic);
        await("the record").atMost(ON_THE_PAGE).until(() -> browser.count(log + " .cell[data-kind='record']") == 1);
        browser.click(log + " .cell[data-kind='record']", 0);
        await("its value").atMost(ON_THE_PAGE).until(() -> browser.text("#record-value").contains("extraordinary"));

        browser.script("document.getElementById('record-value').style.width = '11rem'");
        assertThat(LineBreaks.inside(browser, "#record-value")).isNotEmpty().noneMatch(LineBreaks::insideAWord);
        browser.script("document.getElementById('record-details').style.width = '12rem'");
        assertThat(LineBreaks.inside(browser, "#record-details [data-field='key']")).noneMatch(LineBreaks::insideAWord);
    }

    @Test
    void anAbortedTransactionShowsItsRecordsAsAbortedAndItsMarkersAsMarkers() throws Exception {
        String topic = TestNames.unique("transactions");
        createTopic(topic, 1);
        try (KafkaProducer<String, String> producer = producer(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestNames.unique("live-view-test")))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "kept", "committed 1"));
            producer.send(new ProducerRecord<>(topic, "kept", "committed 2"));
            producer.commitTransaction();   // offsets 0, 1; commit marker at 2
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "dropped", "aborted 1"));
            producer.send(new ProducerRecord<>(topic, "dropped", "aborted 2"));
            producer.flush();
            producer.abortTransaction();    // offsets 3, 4; abort marker at 5
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "kept", "committed 3"));
            producer.commitTransaction();   // offset 6; commit marker at 7
        }

        String log = partitionCss(topic, 0);
        show("topics?filter=" + topic);
        awaitOnPage("five records and three markers", log, () ->
                browser.count(log + " .cell[data-kind='record'][data-status='visible']") == 3
                        && browser.count(log + " .cell[data-status='aborted']") == 2
                        && browser.count(log + " .cell[data-kind='marker']") == 3);
        assertThat(offsets(log + " .cell[data-status='aborted']")).containsExactly(3L, 4L);
        assertThat(offsets(log + " .cell[data-kind='marker']")).containsExactly(2L, 5L, 7L);
        assertThat(browser.attributes(log + " .cell[data-kind='marker']", "data-marker"))
                .containsExactly("commit", "abort", "commit");
        assertThat(browser.texts(log + " .cell[data-status='aborted']")).allMatch(text -> text.startsWith("✗"));
        // The offsets come from the live view's own look at the cluster, which may be a second behind its reader.
        await("the partition's offsets after the last marker").atMost(ON_THE_PAGE).untilAsserted(() ->
                assertThat(browser.text(log + " .offsets")).contains("last stable offset 8").contains("high watermark 8"));

        browser.click(log + " .cell[data-status='aborted']", 0);
        await("the aborted record's details").atMost(ON_THE_PAGE)
                .until(() -> browser.text("#record-details [data-field='status']").startsWith("ABORTED"));
        assertThat(browser.text("#record-value")).isEqualTo("aborted 1");
        browser.screenshot("live-view-transactions.png", 600);
    }

    @Test
    void theDoctorsFindingsAreOnTheGroupsAndTheTopicsPanels() throws Exception {
        String readTopic = TestNames.unique("doctor-read");
        String heldTopic = TestNames.unique("doctor-held");
        String group = TestNames.unique("doctor-done");
        createTopic(readTopic, 1);
        createTopic(heldTopic, 3);
        try (KafkaProducer<String, String> producer = producer(Map.of());
             KafkaProducer<String, String> open = producer(Map.of(
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestNames.unique("doctor-open")));
             Admin admin = Admin.create(kafka.clientProperties())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(readTopic, "k", "v" + i)).get();
            }
            open.initTransactions();
            open.beginTransaction();
            long heldAt = open.send(new ProducerRecord<>(heldTopic, 2, "k", "in an open transaction")).get().offset();
            // A group that has read everything: its committed offset is the end (3).
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(readTopic, 0), new OffsetAndMetadata(3)))
                    .all().get();

            String groupCss = "#groups [data-group='" + group + "'] .findings";
            show("groups?filter=" + group);
            awaitOnPage("the group's AT_END finding", groupCss, () -> browser.count(groupCss + " [data-code='AT_END']") == 1);
            assertThat(browser.text(groupCss + " [data-code='AT_END']")).startsWith("ℹ explained: AT_END")
                    .contains("its committed offsets are at the end");

            String topicCss = "#topics details.topic[data-topic='" + heldTopic + "'] > .findings";
            show("topics?filter=" + heldTopic);
            awaitOnPage("the topic's OPEN_TRANSACTION finding", topicCss,
                    () -> browser.count(topicCss + " [data-code='OPEN_TRANSACTION']") == 1);
            String finding = topicCss + " [data-code='OPEN_TRANSACTION']";
            assertThat(browser.text(finding)).startsWith("⚠ problem: OPEN_TRANSACTION");
            // One line shown; the rest folded until the line is clicked.
            assertThat(shown(finding + " .finding-evidence")).isFalse();
            browser.click(finding + " summary", 0);
            await("its evidence, unfolded").atMost(ON_THE_PAGE).until(() -> shown(finding + " .finding-evidence"));
            assertThat(browser.text(finding + " .finding-evidence"))
                    .contains(heldTopic + "-2: last stable offset " + heldAt)
                    .containsPattern("Ongoing since \\d\\d:\\d\\d:\\d\\d UTC")
                    .contains("its transaction began at offset " + heldAt);
            assertThat(browser.text(finding + " .finding-cause")).contains("a transactional producer began a transaction");
            browser.scrollTo("#topics details.topic[data-topic='" + heldTopic + "']");
            browser.screenshot("live-view-findings.png", 700);
            open.abortTransaction();
        }
    }

    @Test
    void keysValuesAndHeadersThatLookLikeMarkupAreShownAsTextAndRunNothing() throws Exception {
        String topic = TestNames.unique("markup");
        createTopic(topic, 1);
        String image = "<img src=x onerror=alert(1)>";
        String script = "</script><script>window.pwned=1;document.title='pwned'</script>";
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, script, image);
            record.headers().add("<b>header</b>", "<svg onload=alert(2)>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            producer.send(record).get();
            producer.send(new ProducerRecord<>(topic, image, script)).get();
        }
        String log = partitionCss(topic, 0);
        show("topics?filter=" + topic);
        await("two records").atMost(ON_THE_PAGE).until(() -> browser.count(log + " .cell[data-kind='record']") == 2);

        browser.click(log + " .cell[data-kind='record']", 0);
        await("the first record's value").atMost(ON_THE_PAGE).until(() -> browser.text("#record-value").equals(image));
        assertThat(browser.text("#record-details [data-field='key']")).startsWith(script);
        assertThat(browser.text("#record-details [data-field='headers']")).isEqualTo("<b>header</b>: <svg onload=alert(2)>");
        browser.click(log + " .cell[data-kind='record']", 1);
        await("the second record's value").atMost(ON_THE_PAGE).until(() -> browser.text("#record-value").equals(script));

        assertThat(browser.count("img")).as("no image element was created from data").isZero();
        assertThat(browser.count("#record-panel svg, #record-panel b, #topics script")).isZero();
        assertThat(browser.script("return window.pwned === undefined")).isEqualTo(true);
        assertThat(browser.driver().getTitle()).isEqualTo("Franz live view");
        assertThat(noAlert()).as("no alert opened").isTrue();

        // The filter comes from the address, which anyone can write in a link: it is shown as text too.
        show("topics?filter=" + URLEncoder.encode(image, StandardCharsets.UTF_8));
        await("the filter's answer").atMost(ON_THE_PAGE)
                .until(() -> browser.text("#topics .no-match").startsWith("No topic matches “" + image + "”"));
        assertThat(browser.driver().findElement(By.id("filter")).getAttribute("value")).isEqualTo(image);
        assertThat(browser.count("img")).isZero();
        assertThat(noAlert()).isTrue();
    }

    @Test
    void aRecordOf1MbABinaryKeyAndATopicDeletedWhileShownLeaveThePageWorkingAndBounded() throws Exception {
        String topic = TestNames.unique("big");
        String doomed = TestNames.unique("doomed");
        createTopic(topic, 1);
        createTopic(doomed, 1);
        Properties props = kafka.clientProperties();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] big = "x".repeat(1_000_000).getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topic, new byte[] {0, 1, 2, (byte) 0xff}, big)).get();
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8), new byte[] {(byte) i})).get();
            }
            producer.send(new ProducerRecord<>(doomed, null, "soon gone".getBytes(StandardCharsets.UTF_8))).get();
        }
        String log = partitionCss(topic, 0);
        show("topics");
        await("the newest 20 of 51 records").atMost(ON_THE_PAGE)
                .until(() -> browser.count(log + " .cell[data-key='k49']") == 1);
        assertThat(browser.count(log + " .cell[data-kind='record']")).as("records kept per partition").isEqualTo(20);
        assertThat(browser.text(log + " .older")).isEqualTo("… 31 older offset(s)");
        await("the doomed topic shown").atMost(ON_THE_PAGE)
                .until(() -> browser.count(partitionCss(doomed, 0) + " .cell[data-kind='record']") == 1);

        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.deleteTopics(List.of(doomed)).all().get();
        }
        await("the deleted topic gone from the page").atMost(ON_THE_PAGE)
                .until(() -> browser.count("#topics [data-topic='" + doomed + "']") == 0);
        assertThat(browser.attribute("#broker-status", "data-state")).isEqualTo("up");

        // The 1 MB record with the binary key, seen before it left the window: its details say what was kept.
        String other = TestNames.unique("big-alone");
        createTopic(other, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(other, new byte[] {0, 1, 2, (byte) 0xff},
                    "y".repeat(1_000_000).getBytes(StandardCharsets.UTF_8))).get();
        }
        String bigCell = partitionCss(other, 0) + " .cell[data-key='0x000102ff']";
        await("the 1 MB record").atMost(ON_THE_PAGE).until(() -> browser.count(bigCell) == 1);
        browser.click(bigCell, 0);
        await("its details").atMost(ON_THE_PAGE).until(() -> browser.text("#record-details [data-field='value']")
                .equals("text, 1,000,000 byte(s), first 4,096 shown"));
        assertThat(browser.text("#record-value")).hasSize(4096);
        assertThat(browser.text("#record-details [data-field='key']")).isEqualTo("00 01 02 ff (binary)");
    }

    /**
     * Three share consumers on one partition, as the share-consumer lesson's workers: the group and
     * its share section show the three members, and a record each worker releases is dead-lettered at
     * the group's delivery limit, with that delivery count from the broker's headers.
     */
    @Test
    void aShareGroupShowsItsMembersOnOnePartitionAndARecordDeadLetteredAtItsDeliveryLimit() throws Exception {
        String topic = TestNames.unique("jobs");
        String group = TestNames.unique("workers");
        createTopic(topic, 1);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic("dlq." + topic, 1, (short) 1)
                    .configs(Map.of("errors.deadletterqueue.group.enable", "true")))).all().get();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("share.delivery.count.limit", "3"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("errors.deadletterqueue.topic.name", "dlq." + topic),
                            AlterConfigOp.OpType.SET),
                    // The dead letter carries the record's key and value (else only the headers).
                    new AlterConfigOp(new ConfigEntry("errors.deadletterqueue.copy.record.enable", "true"),
                            AlterConfigOp.OpType.SET)))).all().get();
        }
        List<KafkaShareConsumer<String, String>> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        try {
            for (String name : List.of("worker-a", "worker-b", "worker-c")) {
                Properties props = kafka.clientProperties();
                props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
                props.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
                props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
                KafkaShareConsumer<String, String> worker = new KafkaShareConsumer<>(props, new StringDeserializer(),
                        new StringDeserializer());
                worker.subscribe(List.of(topic));
                workers.add(worker);
                Thread thread = new Thread(() -> {
                    try {
                        while (running.get()) {
                            ConsumerRecords<String, String> jobs = worker.poll(Duration.ofMillis(200));
                            for (ConsumerRecord<String, String> job : jobs) {
                                // "poison" fails at every delivery: released, until the broker gives it up.
                                worker.acknowledge(job, job.value().equals("poison")
                                        ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT);
                            }
                            if (!jobs.isEmpty()) {
                                worker.commitSync();
                            }
                        }
                    } catch (WakeupException stopping) {
                        // closed below
                    }
                }, name);
                thread.start();
                threads.add(thread);
            }
            String groupCss = "#groups [data-group='" + group + "']";
            show("shares?filter=" + group);
            await("a share group with three members on one partition").atMost(Duration.ofSeconds(30)).until(() ->
                    "share".equals(browser.attribute(groupCss, "data-type"))
                            && "3".equals(browser.attribute(groupCss, "data-members"))
                            && "3".equals(browser.attribute("[data-share-group='" + group + "'] tr[data-partition='"
                            + topic + "-0']", "data-members")));
            assertThat(browser.text(groupCss + " .group-kind")).startsWith("share group");
            try (KafkaProducer<String, String> producer = producer(Map.of())) {
                for (String job : List.of("job-1", "poison", "job-3")) {
                    producer.send(new ProducerRecord<>(topic, job, job)).get();
                }
            }
            String poison = "[data-share-group='" + group + "'] .dead-letters tr[data-key='poison']";
            await("the poison record in the dead-letter topic").atMost(Duration.ofSeconds(30))
                    .until(() -> browser.count(poison) == 1);
            assertThat(browser.attribute(poison, "data-delivery-count")).isEqualTo("3");
            assertThat(browser.text(poison)).contains("Offset delivery count exceeded the threshold.")
                    .contains(topic + "-0 offset 1");
            assertThat(browser.text("[data-share-group='" + group + "'] p")).contains("delivery limit 3")
                    .contains("dead letters to dlq." + topic);
            browser.screenshot("live-view-share-group.png", 480);
            assertThat(shownParts()).containsExactly("share-section");

            show("shares?filter=no-such-" + group);
            await("no share group shown").atMost(ON_THE_PAGE).until(() -> shownParts().equals(List.of("view-empty")));
            assertThat(browser.text("#view-empty")).startsWith("No share group matches “no-such-" + group + "”");
        } finally {
            running.set(false);
            workers.forEach(KafkaShareConsumer::wakeup);
            for (Thread thread : threads) {
                thread.join(10_000);
            }
            workers.forEach(KafkaShareConsumer::close);
        }
    }

    /**
     * A producer and a consumer of this test's own push their metrics (KIP-714) through the test broker's
     * receiver: #clients shows a panel for each with its values, the consumer's reported lag beside the
     * broker's for its group; /metrics has their series; a producer that closes is marked gone. A
     * subscription of the test's own, matching only its clients, makes them push every second (a client
     * takes the shortest interval of the subscriptions that match it) instead of the course's 10 s.
     */
    @Test
    void clientsPushTheirMetricsToThePanelsAndToPrometheusAndAClosedOneIsGone() throws Exception {
        String prefix = TestNames.unique("pushing");
        String topic = prefix + "-events";
        String group = prefix + "-group";
        String producerId = prefix + "-producer";
        String consumerId = prefix + "-consumer";
        ConfigResource subscription = new ConfigResource(ConfigResource.Type.CLIENT_METRICS, prefix);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            org.junit.jupiter.api.Assumptions.assumeTrue(admin.listTopics().names().get().contains(ClientMetricsFeed.TOPIC),
                    "the test broker is the course's own, whose receiver writes " + ClientMetricsFeed.TOPIC);
            admin.incrementalAlterConfigs(Map.of(subscription, List.of(
                    new AlterConfigOp(new ConfigEntry("metrics", "org.apache.kafka.producer.record.send.rate"),
                            AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("interval.ms", "1000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("match", "client_id=" + prefix + "-.*"), AlterConfigOp.OpType.SET))))
                    .all().get();
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            // The group starts at the beginning: the broker has a committed offset, so a lag, from the start.
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0))).all().get();
        }
        String producerCss = "#clients .client[data-client-id='" + producerId + "']";
        String consumerCss = "#clients .client[data-client-id='" + consumerId + "']";
        String lagRow = consumerCss + " .client-lag tr[data-partition='" + topic + "-0']";
        try {
            KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.CLIENT_ID_CONFIG, producerId));
            try (ReadingConsumer consumer = new ReadingConsumer(group, topic, consumerId)) {
                List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "value " + i)));
                }
                for (java.util.concurrent.Future<RecordMetadata> result : sent) {
                    result.get();
                }
                show("clients?filter=" + prefix);
                awaitOnPage("both clients alive, with their values and the consumer's lag beside the broker's", "#clients",
                        Duration.ofSeconds(30), () -> "alive".equals(browser.attribute(producerCss, "data-state"))
                                && !browser.attributes(producerCss + " [data-metric='org.apache.kafka.producer.record.send.rate']",
                                "data-value").stream().allMatch(v -> v == null || v.isEmpty())
                                && "alive".equals(browser.attribute(consumerCss, "data-state"))
                                && !"".equals(Objects.toString(browser.attribute(lagRow, "data-reported"), ""))
                                && "0".equals(browser.attribute(lagRow, "data-broker-lag")));
                assertThat(browser.text(producerCss + " .client-about")).contains("program " + prefix + "-producer")
                        .contains("pushes every 1 s").contains("first push");
                assertThat(browser.text(consumerCss + " .client-about")).contains("member of " + group);
                assertThat(browser.text(lagRow)).contains(group);
                assertThat(browser.text(consumerCss + " .lag-why")).contains("as of its last fetch and its last push");
                assertThat(browser.texts(producerCss + " .metric-name")).contains("records sent");

                List<PrometheusTextTest.Series> scraped = PrometheusTextTest.parse(get(liveView.url() + "metrics"), new HashMap<>());
                assertThat(scraped).anyMatch(s -> s.name().equals("kafka_producer_record_send_rate")
                        && producerId.equals(s.labels().get("client_id")));
                assertThat(scraped).anyMatch(s -> s.name().equals("kafka_consumer_fetch_manager_records_lag_max")
                        && consumerId.equals(s.labels().get("client_id")) && topic.equals(s.labels().get("topic"))
                        && "0".equals(s.labels().get("partition")));
                assertThat(scraped).anyMatch(s -> s.name().equals("franz_client_push_interval_seconds")
                        && producerId.equals(s.labels().get("client_id")) && s.value() == 1.0);
                assertThat(scraped).anyMatch(s -> s.name().equals("franz_group_lag_records") && group.equals(s.labels().get("group"))
                        && topic.equals(s.labels().get("topic")));
                browser.screenshot("live-view-clients.png", 700);

                producer.close();
                awaitOnPage("the closed producer gone", producerCss, Duration.ofSeconds(15),
                        () -> "gone".equals(browser.attribute(producerCss, "data-state")));
                assertThat(browser.text(producerCss + " .client-state")).contains("GONE");
                assertThat(PrometheusTextTest.parse(get(liveView.url() + "metrics"), new HashMap<>()))
                        .noneMatch(s -> producerId.equals(s.labels().get("client_id")));
            } finally {
                producer.close();
            }
        } finally {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                admin.incrementalAlterConfigs(Map.of(subscription, List.of(
                        new AlterConfigOp(new ConfigEntry("metrics", null), AlterConfigOp.OpType.DELETE),
                        new AlterConfigOp(new ConfigEntry("interval.ms", null), AlterConfigOp.OpType.DELETE),
                        new AlterConfigOp(new ConfigEntry("match", null), AlterConfigOp.OpType.DELETE)))).all().get();
            }
        }
    }

    /** The navigation bar's links show one view each, named in the address, and the back button goes back. */
    @Test
    void aLinkShowsOnlyItsViewAndTheBackButtonTheViewBefore() {
        show("topics");
        assertThat(shownParts()).containsExactly("topics-section", "record-panel");
        assertThat(browser.attribute("nav a[data-view='topics']", "aria-current")).isEqualTo("page");

        link("groups").click();
        await("the groups view").atMost(ON_THE_PAGE).until(() -> "groups".equals(browser.attribute("main", "data-view")));
        assertThat(browser.driver().getCurrentUrl()).endsWith("/#groups");
        assertThat(shownParts()).containsExactly("groups-section", "timeline-section");
        link("transactions").click();
        await("the transactions view").atMost(ON_THE_PAGE).until(() -> shownParts().equals(List.of("transactions-section")));
        assertThat(browser.attribute("nav a[data-view='groups']", "aria-current")).isNull();

        browser.driver().navigate().back();
        await("back to the groups").atMost(ON_THE_PAGE)
                .until(() -> shownParts().equals(List.of("groups-section", "timeline-section")));
        browser.driver().navigate().back();
        await("back to the topics").atMost(ON_THE_PAGE)
                .until(() -> shownParts().equals(List.of("topics-section", "record-panel")));
        browser.driver().navigate().forward();
        await("forward to the groups").atMost(ON_THE_PAGE)
                .until(() -> shownParts().equals(List.of("groups-section", "timeline-section")));
        // Each link counts what its view shows, as text.
        await("the counts").atMost(ON_THE_PAGE).until(() -> browser.text("nav a[data-view='topics'] .count").matches("\\(\\d+\\)"));
        assertThat(browser.text("nav a[data-view='groups'] .count")).matches("\\(\\d+\\)");
        // A view whose part of the page is not there has no link, and its name in the address shows the default view.
        for (String view : List.of("cluster", "topology")) {
            boolean present = browser.count("#" + view + "-section") == 1;
            assertThat(link(view).isDisplayed()).as("the link to " + view).isEqualTo(present);
        }
    }

    /**
     * The filter is in the address: a reload and a copied link keep it; the topics, groups and
     * transactions views show what it matches, and say so when nothing does.
     */
    @Test
    void aFilterInTheAddressSurvivesAReloadAndSaysWhenNothingMatches() throws Exception {
        String shop = TestNames.unique("shop");
        String kept = shop + "-kept";
        String other = TestNames.unique("other");
        String reader = TestNames.unique("reader"); // a group named otherwise, reading a topic that matches
        String outsider = TestNames.unique("outsider");
        createTopic(kept, 1);
        createTopic(other, 1);
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, shop + "-tx"))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(kept, "k", "kept"));
            producer.send(new ProducerRecord<>(other, "k", "other"));
            producer.commitTransaction();
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.alterConsumerGroupOffsets(reader, Map.of(new TopicPartition(kept, 0), new OffsetAndMetadata(0))).all().get();
            admin.alterConsumerGroupOffsets(outsider, Map.of(new TopicPartition(other, 0), new OffsetAndMetadata(0))).all().get();
        }

        show("topics");
        await("both topics").atMost(ON_THE_PAGE).until(() -> browser.count(partitionCss(kept)) == 1
                && browser.count(partitionCss(other)) == 1);
        show("topics?filter=" + shop);
        await("only the topic that matches").atMost(ON_THE_PAGE).until(() -> browser.count(partitionCss(kept)) == 1
                && browser.count(partitionCss(other)) == 0);
        browser.driver().navigate().refresh();
        await("the same after a reload").atMost(ON_THE_PAGE).until(() -> "up".equals(browser.attribute("#broker-status", "data-state"))
                && browser.count(partitionCss(kept) + " .cell") > 0);
        assertThat(browser.count(partitionCss(other))).isZero();
        assertThat(browser.driver().getCurrentUrl()).endsWith("/#topics?filter=" + shop);
        assertThat(shownParts()).containsExactly("topics-section", "record-panel");
        assertThat(browser.driver().findElement(By.id("filter")).getAttribute("value")).isEqualTo(shop);

        // The links keep the filter: the groups view shows the group that reads the topic it matches.
        link("groups").click();
        await("the group reading the topic").atMost(ON_THE_PAGE).until(() ->
                browser.count("#groups [data-group='" + reader + "']") == 1);
        assertThat(browser.driver().getCurrentUrl()).endsWith("/#groups?filter=" + shop);
        assertThat(browser.count("#groups [data-group='" + outsider + "']")).isZero();
        link("transactions").click();
        await("its transactional id").atMost(ON_THE_PAGE).until(() ->
                browser.attributes("#transactions tr[data-transactional-id]", "data-transactional-id").equals(List.of(shop + "-tx")));

        // Typing in the filter changes the address, and a filter that matches nothing says so.
        var filter = browser.driver().findElement(By.id("filter"));
        filter.sendKeys(Keys.END, "-nothing");
        await("no transactional id").atMost(ON_THE_PAGE).until(() -> browser.text("#transactions .no-match")
                .startsWith("No transactional id matches “" + shop + "-nothing”"));
        assertThat(browser.driver().getCurrentUrl()).endsWith("/#transactions?filter=" + shop + "-nothing");
        link("groups").click();
        await("no group").atMost(ON_THE_PAGE).until(() -> browser.text("#groups .no-match")
                .startsWith("No group matches “" + shop + "-nothing”"));
        link("topics").click();
        await("no topic").atMost(ON_THE_PAGE).until(() -> browser.text("#topics .no-match")
                .startsWith("No topic matches “" + shop + "-nothing”"));
        browser.click("#topics .no-match a", 0);
        await("the filter cleared").atMost(ON_THE_PAGE).until(() -> browser.count(partitionCss(other)) == 1);
        assertThat(browser.driver().getCurrentUrl()).endsWith("/#topics");
    }

    /**
     * One lesson's topics, Level 3's with a few hundred records each, its two groups reading and its
     * transactional ids writing: each view is at most two screens of 1,280 x 800 tall. With no view in
     * the address, the page opens on the flow, since Level 3's topics exist.
     */
    @Test
    void eachViewOfOneLessonFitsTwoScreens() throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(FLOW.all().stream().map(name -> new NewTopic(name, 3, (short) 1)).toList()).all().get();
        }
        List<String> orders = new ArrayList<>();
        // One request in flight per partition: the topics are seconds old, and on a loaded machine a first
        // batch refused with a retriable error while the next ones were written is retried, and refused
        // (OutOfOrderSequenceException), until its delivery timeout, minutes later (KAFKA-14359).
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1))) {
            for (int i = 0; i < 300; i++) {
                String id = "ord-" + java.util.UUID.randomUUID().toString().substring(0, 8);
                orders.add(id);
                producer.send(new ProducerRecord<>(FLOW.orders(), id, "{\"order_id\":\"" + id + "\",\"amount_cents\":" + (i * 37 % 9000)
                        + ",\"customer_id\":\"customer-" + (i % 20) + "\"}"));
            }
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>(FLOW.deadLetters(), orders.get(i), "{\"order_id\":\"" + orders.get(i) + "\"}"));
            }
            producer.flush();
        }
        for (String service : List.of("payment-service-1", "notification-service-1")) {
            try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    LEVEL3 + "-" + service))) {
                producer.initTransactions();
                for (int from = 0; from < orders.size(); from += 50) {
                    producer.beginTransaction();
                    for (String id : orders.subList(from, from + 50)) {
                        if (service.startsWith("payment")) {
                            producer.send(new ProducerRecord<>(FLOW.payments(), id, "{\"order_id\":\"" + id + "\",\"status\":\"APPROVED\"}"));
                        } else {
                            producer.send(new ProducerRecord<>(FLOW.notifications(), id, "{\"order_id\":\"" + id + "\",\"kind\":\"payment_approved\"}"));
                            producer.send(new ProducerRecord<>(FLOW.notifications(), id, "{\"order_id\":\"" + id + "\",\"kind\":\"receipt\"}"));
                        }
                    }
                    producer.commitTransaction();
                }
            }
        }
        String payments = LEVEL3 + "-payment-service";
        String notifications = LEVEL3 + "-notification-service";
        try (ReadingConsumer paymentService = new ReadingConsumer(payments, FLOW.orders(), "payment-service-1");
             ReadingConsumer notificationService = new ReadingConsumer(notifications, FLOW.payments(), "notification-service-1")) {
            browser.open(liveView.url());
            await("the flow, by default").atMost(ON_THE_PAGE).until(() -> "flow".equals(browser.attribute("main", "data-view"))
                    && browser.count("[data-flow-topic='" + FLOW.orders() + "'][data-exists='true']") == 1);
            await("both groups read to the end").atMost(Duration.ofSeconds(30)).until(() ->
                    "0".equals(browser.attribute("#groups [data-group='" + payments + "']", "data-total-lag"))
                            && "0".equals(browser.attribute("#groups [data-group='" + notifications + "']", "data-total-lag")));
            // One of the newest orders whose payment and two notifications the page has: its trace has four rows.
            await("an order with its payment and notifications").atMost(ON_THE_PAGE).untilAsserted(() ->
                    assertThat(browser.texts("[data-progress]")).as("the newest orders' progress")
                            .anyMatch(progress -> progress.contains("2 notification(s)")));
            browser.driver().executeScript("const progress = [...document.querySelectorAll('[data-progress]')]"
                    + ".find(e => e.textContent.includes('2 notification(s)'));"
                    + " document.querySelector(`.order-link[data-order-id='${progress.dataset.progress}']`).click()");
            await("an order followed").atMost(ON_THE_PAGE).untilAsserted(() -> assertThat(browser.count("#order-trace tr[data-role]"))
                    .as("the followed order's rows: %s", browser.text("#order-trace")).isGreaterThanOrEqualTo(4));

            Map<String, Long> heights = new java.util.LinkedHashMap<>();
            browser.driver().manage().window().setSize(new Dimension(1280, 800));
            try {
                heights.put("flow", height("flow", () -> true));
                heights.put("topics", height("topics?filter=" + LEVEL3, () ->
                        browser.count("#topics .partition") == 12 && browser.count("#topics .cell") >= 180
                                && browser.texts("#topics .log").stream().noneMatch(text -> text.contains("reading"))));
                heights.put("groups", height("groups?filter=" + LEVEL3, () -> browser.count("#groups .group") == 2));
                heights.put("transactions", height("transactions?filter=" + LEVEL3, () ->
                        browser.count("#transactions tr[data-transactional-id]") == 2));
                heights.put("shares", height("shares?filter=" + LEVEL3, () -> true));
            } finally {
                browser.driver().manage().window().setSize(new Dimension(1400, 1000));
            }
            System.out.println("Document height of each view at 1,280 x 800, Level 3's topics: " + heights);
            assertThat(heights).allSatisfy((view, height) -> assertThat(height).as(view).isLessThanOrEqualTo(1600));
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Opens the page at a view ("topics", "groups?filter=x"), as a link to it does, and waits until it is shown. */
    private static void show(String view) {
        String name = view.replaceAll("\\?.*", "");
        browser.open(liveView.url(view));
        await("the " + name + " view").atMost(ON_THE_PAGE).until(() -> name.equals(browser.attribute("main", "data-view")));
    }

    /** Whether the first element that matches is shown (one folded in a closed details element is not). */
    private static boolean shown(String css) {
        return (Boolean) browser.script("const e = document.querySelector(\"" + css + "\");"
                + " return e !== null && e.checkVisibility();");
    }

    /** The ids of the page's parts shown now (the children of main that take up space). */
    @SuppressWarnings("unchecked")
    private static List<String> shownParts() {
        return (List<String>) browser.script("return [...document.querySelectorAll('main > *')]"
                + ".filter(e => e.getClientRects().length > 0).map(e => e.id)");
    }

    private static org.openqa.selenium.WebElement link(String view) {
        return browser.driver().findElement(By.cssSelector("nav a[data-view='" + view + "']"));
    }

    /** The document's height with a view shown, once {@code drawn} says its content is there. */
    private static long height(String view, java.util.concurrent.Callable<Boolean> drawn) {
        show(view);
        await("the " + view + " view drawn").atMost(ON_THE_PAGE).until(drawn);
        return ((Number) browser.script("return document.documentElement.scrollHeight")).longValue();
    }

    // ---------------------------------------------------------------------------------------------

    private static boolean noAlert() {
        try {
            browser.driver().switchTo().alert();
            return false;
        } catch (NoAlertPresentException expected) {
            return true;
        }
    }

    private static String partitionCss(String topic) {
        return "#topics .partition[data-topic='" + topic + "']";
    }

    private static String partitionCss(String topic, int partition) {
        return partitionCss(topic) + "[data-partition='" + partition + "']";
    }

    private static List<Long> offsets(String css) {
        return browser.attributes(css, "data-offset").stream().map(Long::parseLong).toList();
    }

    /** The owner of each partition in the group's table, in partition order. */
    private static List<String> owners(String groupCss) {
        return browser.texts(groupCss + " table.lag td.owner");
    }

    /** Text nodes under {@code css} with a "->" that the browser may break between "-" and ">". */
    private static long arrowsThatCanSplit(String css) {
        return (Long) browser.script("""
                const walker = document.createTreeWalker(document.querySelector('%s'), NodeFilter.SHOW_TEXT);
                let count = 0;
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                  if (node.data.includes('->') && getComputedStyle(node.parentElement).whiteSpace !== 'nowrap') count++;
                }
                return count;""".formatted(css));
    }

    /** Waits for {@code condition}; on a timeout the failure shows what the page had at {@code css}. */
    private static void awaitOnPage(String alias, String css, java.util.concurrent.Callable<Boolean> condition) {
        awaitOnPage(alias, css, ON_THE_PAGE, condition);
    }

    private static void awaitOnPage(String alias, String css, Duration atMost, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await(alias).atMost(atMost).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(alias + " not on the page within " + atMost.toSeconds() + " s; it shows: "
                    + browser.html(css), e);
        }
    }

    /** A page of the live view as a program reads it (Prometheus: {@code Host: 127.0.0.1:PORT}, no Origin). */
    private static String get(String url) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain; version=0.0.4"));
        return response.body();
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Properties props = kafka.clientProperties();
        props.putAll(extra);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** A member of a consumer group that reads and commits on its own thread until closed. */
    private static final class ReadingConsumer implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final Thread thread;
        private final AtomicBoolean running = new AtomicBoolean(true);

        ReadingConsumer(String group, String topic, String clientId) {
            Properties props = kafka.clientProperties();
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of(topic));
            thread = new Thread(() -> {
                try {
                    while (running.get()) {
                        if (!consumer.poll(Duration.ofMillis(200)).isEmpty()) {
                            consumer.commitSync();
                        }
                    }
                } catch (WakeupException stopping) {
                    // close() below
                } finally {
                    consumer.close();
                }
            }, clientId);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            consumer.wakeup();
            thread.join(15_000);
        }
    }
}
