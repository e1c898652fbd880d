package dev.franz.basicconsumer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.franz.basicconsumer.BasicConsumerOptions.GroupProtocol;
import dev.franz.basicconsumer.BasicConsumerOptions.OffsetReset;
import dev.franz.basicconsumer.BasicConsumerOptions.Settings;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.json.JsonDeserializer;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.GracefulShutdown;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Level 1: reads a topic as a member of a consumer group and prints every record with its
 * partition, offset, key and timestamp. Run two in the same group to watch them share partitions.
 * The Kafka side, top to bottom: the settings, the consumer, Ctrl-C, the poll loop and its commits,
 * the rebalance listener. The options and the summary are in {@link BasicConsumerOptions}.
 */
@Command(name = "basic-consumer", mixinStandardHelpOptions = true, version = "basic-consumer (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Reads JSON records from a topic in a consumer group and prints them, until Ctrl-C.")
public final class BasicConsumer implements Callable<Integer> {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    // commitSync() would wait up to default.api.timeout.ms (60 s) for a broker gone, saying nothing:
    // wait 5 s, poll again (which says the broker is gone) and commit the same offsets after that poll.
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    private static final AtomicInteger CONSUMERS_IN_THIS_PROCESS = new AtomicInteger();

    @Mixin
    BasicConsumerOptions options;

    @Mixin
    ConfigOptions configOptions;

    private Settings settings;
    private Consumer<String, JsonNode> consumer;
    private PrintStream out = System.out;
    private ConnectionLines connection;

    /** Next offset to commit per partition: the offset after the last record processed (or skipped). */
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    /** The partitions this member owns now (the idle timeout counts only while there are some). */
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    private ConsumeSummary summary;

    public static void main(String[] args) {
        System.exit(Cli.run(new BasicConsumer(), args));
    }

    BasicConsumer() { // the program: its settings come from the command line
    }

    /** The poll loop alone, as the tests run it on a consumer they made. */
    BasicConsumer(Settings settings, PrintStream out, ConnectionLines connection) {
        this.settings = settings;
        this.out = out;
        this.connection = connection;
    }

    /** Consumer settings that matter, each with why. Static so that the tests use exactly these. */
    static Properties consumerProperties(FranzConfig config, String group, OffsetReset offsetReset,
                                         Settings settings, GroupProtocol groupProtocol) {
        Properties props = config.clientProperties();
        // Members of one group share the topic's partitions; each group keeps its own offsets.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        // Each member's name in the group tools and the live view (left unset, every member of the group
        // is consumer-GROUP-1): the process id tells two programs apart, the count two consumers in one.
        props.put(ConsumerConfig.CLIENT_ID_CONFIG,
                "basic-consumer-" + ProcessHandle.current().pid() + "-" + CONSUMERS_IN_THIS_PROCESS.incrementAndGet());
        // Only used when the group has no committed offset for a partition (a new group, or offsets
        // expired): earliest = the oldest record still stored, latest = only records from now on.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset.name().toLowerCase());
        // Automatic commits happen inside poll() every auto.commit.interval.ms (5 s) and on close():
        // after a crash, up to 5 s of records are processed again. Manual commits happen when we say.
        // A replay commits nothing: it must leave the group's offsets where they are.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, !settings.manualCommit() && !settings.replaying());
        // "consumer": the broker computes assignments and moves only the partitions that change hands
        // (KIP-848, Kafka 4). "classic", the client's default: the members stop and re-divide everything.
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, groupProtocol.name().toLowerCase());
        return props;
    }

    @Override
    public Integer call() throws InterruptedException {
        FranzConfig config = configOptions.load();
        String topic = options.topic(config);
        options.checkBrokerAndTopic(config, topic, out); // a consumer does not create the topic it reads
        settings = options.settings();
        connection = new ConnectionLines(out, config.bootstrapServers());
        options.printStart(out, topic);

        Properties props = consumerProperties(config, options.group(), options.offsetReset, settings,
                options.groupProtocol);
        CountDownLatch finished = new CountDownLatch(1);
        try {
            // try-with-resources: close() commits (in automatic mode) and leaves the group at once,
            // so its partitions move to the other members now rather than after a session timeout.
            try (KafkaConsumer<String, JsonNode> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new JsonDeserializer<>(JsonNode.class))) {
                // Ctrl-C runs this hook on its own thread: wakeup() makes the blocked poll() throw
                // WakeupException; then the hook waits (at most 8 s) until the loop has committed, closed
                // the consumer and printed its summary. It waits on a latch, not by join()ing the main
                // thread: main ends in System.exit, which itself waits for this hook.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    consumer.wakeup();
                    GracefulShutdown.awaitFinished(finished, GracefulShutdown.CONSUMER_UNFINISHED);
                }, "basic-consumer-shutdown"));
                consume(consumer, topic);
            }
            options.printSummary(out, summary, topic);
        } finally {
            finished.countDown();
        }
        return 0;
    }

    /** The poll loop. Ends on Ctrl-C (wakeup), after --max-messages, or after --idle-timeout without a record. */
    ConsumeSummary consume(Consumer<String, JsonNode> consumer, String topic) {
        this.consumer = consumer;
        summary = new ConsumeSummary();
        if (settings.replaying()) {
            // Replay reads *every* partition, whatever other members of the group do: assign() takes
            // them all without joining the group (subscribe() would get only this member's share).
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            owned.addAll(partitions);
            partitions.forEach(partition -> settings.startPosition().seek(consumer, partition, out));
        } else {
            consumer.subscribe(List.of(topic), new PrintingRebalanceListener());
        }
        long lastRecordAt = System.nanoTime();
        try {
            while (!reachedMaxMessages()) {
                ConsumerRecords<String, JsonNode> batch;
                try {
                    batch = consumer.poll(POLL_TIMEOUT);
                } catch (RecordDeserializationException notJson) {
                    skip(notJson);
                    continue;
                }
                connection.check(consumer.metrics()); // one line when the broker goes, one when it is back
                process(batch);
                commitProcessed(); // nothing to do unless records were processed (or a commit timed out)
                if (!batch.isEmpty() || owned.isEmpty()) {
                    // Idle means owning partitions and getting nothing: waiting for an assignment
                    // (after a crash, the group waits a session timeout first) does not count.
                    lastRecordAt = System.nanoTime();
                } else if (idleFor(lastRecordAt)) {
                    out.println(ConsoleLines.idleStop("records", settings.idleTimeout()));
                    break;
                }
            }
        } catch (WakeupException ctrlC) {
            // consumer.wakeup() from the shutdown hook: leave the loop, commit below, then close.
        } finally {
            commitProcessed();
            if (settings.manualCommit() && !settings.replaying() && !processed.isEmpty()) {
                out.println(BasicConsumerOptions.notCommitted(processed.keySet()));
            }
        }
        return summary.finish();
    }

    /** Partition by partition: records of one partition are in offset order, across partitions not. */
    private void process(ConsumerRecords<String, JsonNode> batch) {
        for (TopicPartition partition : batch.partitions()) {
            for (ConsumerRecord<String, JsonNode> record : batch.records(partition)) {
                if (reachedMaxMessages()) {
                    // Fetched but not processed: move the position back to it, or an automatic
                    // commit (which commits positions) would skip it for the group.
                    consumer.seek(partition, record.offset());
                    break;
                }
                BasicConsumerOptions.print(out, record, summary.records() + 1, settings.printEvery());
                summary.read(partition.partition());
                // Commit the offset of the *next* record to read: that is where the group resumes.
                processed.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
    }

    /** Not JSON: poll() throws, and would throw again at the same position. One line, counted, and step past it. */
    private void skip(RecordDeserializationException notJson) {
        summary.skipped();
        TopicPartition partition = notJson.topicPartition();
        out.println(ConsoleLines.skipped(partition.topic(), partition.partition(), notJson.offset(),
                notJson.getCause() == null ? notJson.getMessage() : notJson.getCause().getMessage()));
        consumer.seek(partition, notJson.offset() + 1);
        processed.put(partition, new OffsetAndMetadata(notJson.offset() + 1));
    }

    /** Manual commits, synchronous, after processing: at least once (a crash before this re-reads, never loses). */
    private void commitProcessed() {
        if (settings.manualCommit() && !settings.replaying() && !processed.isEmpty() && commit(processed)) {
            processed.clear();
        }
    }

    /** False if the broker did not answer in time: committed later, or those records are read again. */
    private boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (TimeoutException brokerNotAnswering) {
            return false;
        }
        summary.committed(offsets);
        return true;
    }

    /** Shows the consumer group at work: which partitions this member owns, as they move. */
    private final class PrintingRebalanceListener implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            // Another member is about to own these: commit what was done with them first, or it would
            // process those records again. (In automatic mode, the consumer commits them itself.)
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = processed.remove(partition);
                if (offset != null && settings.manualCommit()) {
                    done.put(partition, offset);
                }
            }
            if (!done.isEmpty() && !commit(done)) {
                out.println(BasicConsumerOptions.notCommitted(done.keySet()));
            }
            owned.removeAll(partitions);
            out.println(ConsoleLines.revoked(partitions));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                owned.addAll(partitions);
                out.println(ConsoleLines.assigned(partitions));
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // The group moved on without us (e.g. we missed heartbeats): another member may have
            // these already, so committing now would overwrite its progress. Commit nothing.
            partitions.forEach(processed::remove);
            owned.removeAll(partitions);
            out.println(ConsoleLines.lost(partitions));
        }
    }

    /** The partitions this consumer owns right now, as the group assigned them. Thread-safe. */
    Set<TopicPartition> ownedPartitions() {
        return Set.copyOf(owned);
    }

    private boolean reachedMaxMessages() {
        return settings.maxMessages() > 0 && summary.records() >= settings.maxMessages();
    }

    private boolean idleFor(long lastRecordAt) {
        return !settings.idleTimeout().isZero() && System.nanoTime() - lastRecordAt > settings.idleTimeout().toNanos();
    }
}
