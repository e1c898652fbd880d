package dev.franz.shareconsumer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.GracefulShutdown;

/**
 * {@code --as consumer-group}: the worker of {@link ShareConsumerLesson}, with the same rule for each job,
 * as a member of a classic consumer group, for comparison. On a one-partition topic one member owns the
 * partition and the others wait with nothing assigned. No acknowledgement per job: the offsets of the
 * jobs done are committed after each poll, and a partition that moves is handed over in the
 * rebalance listener.
 */
final class ConsumerGroupWorker {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private final ShareConsumerOptions options;
    private final WorkerLines lines;
    private final Function<ConsumerRecord<String, String>, AcknowledgeType> work;

    ConsumerGroupWorker(ShareConsumerOptions options, WorkerLines lines,
                        Function<ConsumerRecord<String, String>, AcknowledgeType> work) {
        this.options = options;
        this.lines = lines;
        this.work = work;
    }

    /** The classic consumer's settings: offsets committed by the code, after the work. */
    static Properties consumerGroupProperties(FranzConfig config, String group, String clientId, int maxPollRecords) {
        Properties props = config.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // A new group starts at the first job placed, as the share group does (share.auto.offset.reset).
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Offsets are committed by the loop, after the jobs they cover are done.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // --max-poll-records, 1 unless given (Kafka's default is 500): the same as the share group's workers.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return props;
    }

    /** The consumer, Ctrl-C and the loop; {@code finished} is counted down once the summary is printed. */
    void run(FranzConfig config, String topic, String group, String clientId, CountDownLatch finished) {
        lines.readingJobs(clientId, topic, group);
        // try-with-resources: close() leaves the group at once, so the partition moves to another member now.
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerGroupProperties(config, group,
                clientId, options.maxPollRecords), new StringDeserializer(), new StringDeserializer())) {
            // Ctrl-C runs this hook on its own thread: wakeup() makes the blocked poll() throw WakeupException,
            // then the hook waits (at most 8 s) until the consumer is closed and the summary printed.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                consumer.wakeup();
                GracefulShutdown.awaitFinished(finished, GracefulShutdown.CONSUMER_UNFINISHED);
            }, "share-consumer-shutdown"));
            runConsumerGroup(consumer, topic);
        }
    }

    void runConsumerGroup(KafkaConsumer<String, String> consumer, String topic) {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                lines.println(ConsoleLines.assigned(partitions)); // an empty list too: this member sits idle
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // An orderly handover: this member still owns the partitions, so it commits what it
                // handled (a commit refused during the rebalance, below, gets its second chance here).
                // commitSync() commits the positions: safe here, as a poll's jobs are all done before the
                // next call to the consumer, the only place this listener runs.
                if (!partitions.isEmpty()) {
                    consumer.commitSync();
                    lines.println(ConsoleLines.revoked(partitions));
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                // The group moved on without this member (it did not poll within max.poll.interval.ms, or
                // missed its heartbeats): another member may own these already, so commit nothing here.
                // Without this method Kafka calls onPartitionsRevoked, and a commit there would fail.
                lines.println(ConsoleLines.lost(partitions));
            }
        });
        long lastJobAt = System.nanoTime();
        try {
            while (!options.maxMessages.reachedBy(lines.handled())) {
                ConsumerRecords<String, String> jobs = consumer.poll(POLL_TIMEOUT);
                for (ConsumerRecord<String, String> job : jobs) {
                    lines.count(work.apply(job)); // counted as the share group would acknowledge it
                }
                if (!jobs.isEmpty()) {
                    commitHandled(consumer);
                    lastJobAt = System.nanoTime();
                } else if (consumer.assignment().isEmpty()) {
                    lastJobAt = System.nanoTime(); // idle only counts while this member owns the partition
                } else if (options.idleTimeout.exceededBy(System.nanoTime() - lastJobAt)) {
                    lines.println(options.idleTimeout.stoppingLine("jobs"));
                    break;
                }
            }
        } catch (WakeupException ctrlC) {
            // consumer.wakeup() from the shutdown hook (poll() threw): every job handled was committed
            // after its poll; close() leaves the group. It commits nothing itself: auto-commit is off.
        }
    }

    /**
     * Commits the jobs of the last poll. If this member was removed from the group while it worked on
     * them (slower than max.poll.interval.ms), the commit is refused: that is no reason to stop. The
     * next poll() rejoins the group, and whichever member owns the partition then does these jobs again
     * (a consumer group delivers at least once). During a rebalance the commit waits for
     * onPartitionsRevoked, in the next poll().
     */
    private void commitHandled(KafkaConsumer<String, String> consumer) {
        try {
            consumer.commitSync();
        } catch (RebalanceInProgressException e) {
            lines.notCommittedYet();
        } catch (CommitFailedException e) {
            lines.notCommitted();
        }
    }
}
