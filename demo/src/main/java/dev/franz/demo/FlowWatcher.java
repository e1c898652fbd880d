package dev.franz.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.franz.common.events.PaymentResult;
import dev.franz.common.events.PaymentStatus;
import dev.franz.common.json.JsonDeserializer;

/**
 * Counts what the flow committed after a starting point: payment results by status, dead letters and
 * notifications, reading as {@code read_committed} like any downstream consumer would.
 */
final class FlowWatcher implements AutoCloseable {

    /** What was committed on the flow's output topics since the watcher started. */
    record Counts(long approved, long declined, long deadLettered, long notifications) {
        long paid() {
            return approved + declined;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String paymentsTopic;
    private final String deadLetterTopic;
    private final JsonDeserializer<PaymentResult> paymentReader = new JsonDeserializer<>(PaymentResult.class);
    private long approved;
    private long declined;
    private long deadLettered;
    private long notifications;

    /** How long a topic just created may take to appear in the metadata a client is given. */
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    /** Starts at the current end of the three topics: only what comes next is counted. */
    FlowWatcher(Properties clientProperties, String paymentsTopic, String deadLetterTopic, String notificationsTopic)
            throws InterruptedException {
        this.paymentsTopic = paymentsTopic;
        this.deadLetterTopic = deadLetterTopic;
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(paymentsTopic, deadLetterTopic, notificationsTopic)) {
            partitionsOf(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        end.forEach(consumer::seek);
    }

    /**
     * The topic's partitions. The demo has just created its topics, and a broker may answer a metadata
     * request before it has learnt of the newest: {@code partitionsFor} then says "no partitions", and
     * nothing of that topic would ever be counted. Asked again until it knows them.
     */
    private List<PartitionInfo> partitionsOf(String topic) throws InterruptedException {
        long deadline = System.nanoTime() + METADATA_TIMEOUT.toNanos();
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        while (partitions.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Topic " + topic + " was created, yet the broker names no partition of it"
                        + " after " + METADATA_TIMEOUT.toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
            partitions = consumer.partitionsFor(topic);
        }
        return partitions;
    }

    /** Reads on until every order has a payment result or a dead letter, and its notifications; or timeout. */
    Counts awaitCompletion(long orders, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!complete(orders) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                count(record);
            }
        }
        return counts();
    }

    /** From another thread (Ctrl-C): makes a waiting {@link #awaitCompletion} throw {@code WakeupException}. */
    void wakeup() {
        consumer.wakeup();
    }

    Counts counts() {
        return new Counts(approved, declined, deadLettered, notifications);
    }

    private boolean complete(long orders) {
        // Every order ends with a payment result or a dead letter; every readable order gets an "order
        // received" notification, and every payment result one more.
        return approved + declined + deadLettered >= orders && notifications >= orders + approved + declined;
    }

    private void count(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(deadLetterTopic)) {
            deadLettered++;
        } else if (record.topic().equals(paymentsTopic)) {
            PaymentResult result = paymentReader.deserialize(record.topic(), record.value());
            if (result.status() == PaymentStatus.APPROVED) {
                approved++;
            } else {
                declined++;
            }
        } else {
            notifications++;
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
