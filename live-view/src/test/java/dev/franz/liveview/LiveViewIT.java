package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    private static RunningLiveView liveView;
    private static Browser browser;

    @BeforeAll
    static void startLiveViewAndBrowser() throws Exception {
        liveView = RunningLiveView.start(kafka.clientProperties(), kafka.bootstrapServers());
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
        browser.scrollTo("#topics [data-topic='" + topic + "']");
        browser.screenshot("live-view-partitions.png", 700);
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
                browser.scrollTo(groupCss);
                browser.screenshot("live-view-groups.png", 1000);
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
        browser.scrollTo("#topics [data-topic='" + topic + "']");
        browser.screenshot("live-view-transactions.png", 600);
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
            browser.scrollTo("[data-share-group='" + group + "']");
            browser.screenshot("live-view-share-group.png", 900);
        } finally {
            running.set(false);
            workers.forEach(KafkaShareConsumer::wakeup);
            for (Thread thread : threads) {
                thread.join(10_000);
            }
            workers.forEach(KafkaShareConsumer::close);
        }
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
        try {
            await(alias).atMost(ON_THE_PAGE).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(alias + " not on the page within " + ON_THE_PAGE.toSeconds() + " s; it shows: "
                    + browser.html(css), e);
        }
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
