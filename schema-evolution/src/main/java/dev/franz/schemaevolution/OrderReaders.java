package dev.franz.schemaevolution;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.common.kafka.DeadLetters;
import dev.franz.common.kafka.GracefulShutdown;
import dev.franz.common.kafka.Topics;
import dev.franz.schemaevolution.SchemaEvolutionOptions.ConsumeOptions;
import dev.franz.schemaevolution.SchemaEvolutionOptions.WireOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * Level 4's readers, the other side of {@link SchemaEvolutionLesson}'s writers: {@code consume}, a consumer
 * group that reads the orders with a reader schema, whichever schema wrote them, and copies what it cannot
 * read to the dead-letter topic; and {@code wire}, a consumer without a group that shows the bytes on the
 * topic. The options are in {@link SchemaEvolutionOptions}, the lines they print in {@link SchemaEvolutionLines}.
 */
final class OrderReaders {

    private OrderReaders() {
    }

    /** The consumer's settings: commits are ours, after each batch is printed or dead-lettered. */
    static Properties consumerProperties(FranzConfig config, String group) {
        Properties props = config.clientProperties();
        // By default one group per reader schema (--group): each reads the whole topic at its own offsets.
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        // A new group starts at the oldest order still on the topic: it sees those sent before it started.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Commit only what was handled: printed, or copied to the dead-letter topic.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    @Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Read the orders with a reader schema, whichever schema wrote them, until Ctrl-C."
                    + " Records that cannot be read go to the dead-letter topic <topic>.DLT.")
    static final class Consume implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Mixin
        ConsumeOptions options;

        /** Next offset to commit per partition: the offset after the last record printed or dead-lettered. */
        private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
        private long read;
        private long deadLetters;

        @Override
        public Integer call() throws InterruptedException, ExecutionException {
            FranzConfig config = lesson.config();
            SchemaRegistryClient registry = lesson.registry();
            BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
            String topic = lesson.topic();
            String deadLetterTopic = topic + ".DLT";
            String groupId = options.group();
            PrintStream out = lesson.out;
            Topics.awaitExisting(config, List.of(topic), out);
            Topics.createIfMissing(config, List.of(deadLetterTopic), out);
            SchemaEvolutionLines.consuming(out, topic, groupId, options.version, registry.url());

            long startedAt = System.nanoTime();
            CountDownLatch finished = new CountDownLatch(1);
            try {
                // The value deserializer reads each record's schema id, fetches the writer's schema from the
                // registry (once per id) and resolves it to the reader schema --schema. The dead-letter
                // producer copies bytes unchanged: no registry.
                try (KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(
                        consumerProperties(config, groupId), new StringDeserializer(),
                        new ConfluentAvroDeserializer(registry, options.version.schema()));
                     KafkaProducer<String, byte[]> deadLetterProducer = new KafkaProducer<>(config.clientProperties(),
                             new StringSerializer(), new ByteArraySerializer())) {
                    // Ctrl-C runs this hook on its own thread: wakeup() makes the blocked poll() throw
                    // WakeupException; then the hook waits (at most 8 s) until the loop has committed, closed
                    // the consumer and printed its summary. It waits on a latch, not by join()ing the main
                    // thread: main ends in System.exit, which itself waits for this hook.
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        consumer.wakeup();
                        GracefulShutdown.awaitFinished(finished, GracefulShutdown.CONSUMER_UNFINISHED);
                    }, "schema-evolution-consume-shutdown"));
                    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                        @Override
                        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                            out.println(ConsoleLines.revoked(partitions));
                            commitHandled(consumer); // before another member takes them over
                        }

                        @Override
                        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                            out.println(ConsoleLines.assigned(partitions));
                        }

                        @Override
                        public void onPartitionsLost(Collection<TopicPartition> partitions) {
                            // The group moved on without us: another member may have these already, and
                            // committing now would overwrite its progress. Commit nothing for them.
                            partitions.forEach(handled::remove);
                            out.println(ConsoleLines.lost(partitions));
                        }
                    });
                    poll(consumer, deadLetterProducer, deadLetterTopic, out);
                }
                SchemaEvolutionLines.consumed(out, read, deadLetters, options.version, groupId, deadLetterTopic,
                        startedAt, options.summaryOption.file());
            } finally {
                finished.countDown();
            }
            return 0;
        }

        /** The poll loop. Ends on Ctrl-C (wakeup), after --max-messages, or after --idle-timeout without a record. */
        private void poll(KafkaConsumer<String, GenericRecord> consumer, KafkaProducer<String, byte[]> deadLetterProducer,
                          String deadLetterTopic, PrintStream out) throws InterruptedException, ExecutionException {
            long lastRecordAt = System.nanoTime();
            try {
                while (!options.maxMessages.reachedBy(read + deadLetters)) {
                    ConsumerRecords<String, GenericRecord> records;
                    try {
                        records = consumer.poll(Duration.ofMillis(500));
                    } catch (RecordDeserializationException unreadable) {
                        if (unreadable.getCause() instanceof SchemaRegistryClient.RegistryUnavailableException down) {
                            // No record is to blame: stop, and read it again once the registry is back.
                            throw down;
                        }
                        deadLetter(consumer, deadLetterProducer, unreadable, deadLetterTopic, out);
                        lastRecordAt = System.nanoTime();
                        continue;
                    }
                    for (ConsumerRecord<String, GenericRecord> record : records) {
                        read++;
                        if (options.printEvery.printThis(read)) {
                            SchemaEvolutionLines.read(out, record);
                        }
                        handled.put(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1));
                        if (options.maxMessages.reachedBy(read + deadLetters)) {
                            break;
                        }
                    }
                    commitHandled(consumer);
                    if (!records.isEmpty() || consumer.assignment().isEmpty()) {
                        lastRecordAt = System.nanoTime();
                    } else if (options.idleTimeout.exceededBy(System.nanoTime() - lastRecordAt)) {
                        out.println(options.idleTimeout.stoppingLine("records"));
                        break;
                    }
                }
            } catch (WakeupException shutdownRequested) {
                // consumer.wakeup() from the shutdown hook: commit what was handled below, then close.
            } finally {
                commitHandled(consumer);
            }
        }

        /**
         * A record that cannot be read: copy its bytes unchanged to the dead-letter topic, with why, wait
         * until that is written, then move past it. Nothing is lost and the partition goes on.
         */
        private void deadLetter(KafkaConsumer<String, GenericRecord> consumer, KafkaProducer<String, byte[]> producer,
                                RecordDeserializationException unreadable, String deadLetterTopic, PrintStream out)
                throws InterruptedException, ExecutionException {
            TopicPartition partition = unreadable.topicPartition();
            String reason = unreadable.getCause() != null ? unreadable.getCause().getMessage() : unreadable.getMessage();
            ConsumerRecord<String, byte[]> raw = new ConsumerRecord<>(partition.topic(), partition.partition(),
                    unreadable.offset(), text(unreadable.keyBuffer()), bytes(unreadable.valueBuffer()));
            unreadable.headers().forEach(header -> raw.headers().add(header));
            producer.send(DeadLetters.of(raw, deadLetterTopic, "malformed",
                    unreadable.getCause() instanceof Exception cause ? cause : unreadable, 0)).get();
            deadLetters++;
            out.println(ConsoleLines.skipped(partition.topic(), partition.partition(), unreadable.offset(),
                    reason + " -> " + deadLetterTopic));
            consumer.seek(partition, unreadable.offset() + 1);
            handled.put(partition, new OffsetAndMetadata(unreadable.offset() + 1));
        }

        /** Synchronous, after handling: at least once (a crash before this reads those records again). */
        private void commitHandled(KafkaConsumer<?, ?> consumer) {
            if (!handled.isEmpty()) {
                consumer.commitSync(handled);
                handled.clear();
            }
        }

        private static byte[] bytes(ByteBuffer buffer) {
            if (buffer == null) {
                return null;
            }
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }

        private static String text(ByteBuffer buffer) {
            byte[] bytes = bytes(buffer);
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @Command(name = "wire", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Show the bytes of the first records on the topic: magic byte, schema id, Avro binary.")
    static final class Wire implements Callable<Integer> {
        @ParentCommand
        SchemaEvolutionLesson lesson;

        @Mixin
        WireOptions options;

        @Override
        public Integer call() throws InterruptedException {
            FranzConfig config = lesson.config();
            SchemaRegistryClient registry = lesson.registry();
            BrokerPreflight.check(config.clientProperties(), BrokerPreflight.DEFAULT_TIMEOUT);
            String topic = lesson.topic();
            Topics.awaitExisting(config, List.of(topic), lesson.out);
            Properties props = config.clientProperties();
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // no group: nothing to commit
            long shown = 0;
            // Raw bytes: this consumer does not deserialize, so we see what is on the topic.
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
                partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
                // assign(), not subscribe(): every partition, from its first record, without joining a group.
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (shown < options.count && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (shown++ < options.count) {
                            SchemaEvolutionLines.show(lesson.out, record, registry);
                        }
                    }
                }
            }
            if (shown == 0) {
                lesson.out.println("No records on " + topic + " yet: send some with the produce command.");
            }
            return 0;
        }
    }
}
