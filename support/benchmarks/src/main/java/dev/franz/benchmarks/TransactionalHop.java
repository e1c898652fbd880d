package dev.franz.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.common.cli.RunSummary;

/**
 * The reference for one exactly-once hop of Level 3: a minimal read-process-write loop doing the work
 * of payment-service or notification-service and nothing else (no validation, no printing, no dead
 * letters, no retries, no rebalance lines): it reads its input topics {@code read_committed}, writes
 * one record per input record (same key, the input's value, a header naming the input topic) and
 * commits those and the input offsets ({@code nextOffsets()}, as the services) in one transaction per
 * poll, as the services do. Every other setting is Kafka's default unless given: Level3Scenarios gives it
 * the services' settings that are not Kafka's defaults (static membership, session timeout), so that it
 * differs from them only in the work.
 * <p>
 * Runs until SIGTERM; with {@code --drain RECORDS SUMMARY_JSON}, until it has committed RECORDS records,
 * then writes its summary as payment-service's {@code --summary-json} does, timed as payment-service
 * times itself: from creating its clients until they are closed.
 * Arguments: BOOTSTRAP GROUP TRANSACTIONAL_ID OUTPUT_TOPIC INPUT_TOPIC[,INPUT_TOPIC...] [SETTING...]
 * [--drain RECORDS SUMMARY_JSON], each setting {@code producer.KEY=VALUE} or {@code consumer.KEY=VALUE}.
 */
public final class TransactionalHop {

    private TransactionalHop() {
    }

    public static void main(String[] args) throws InterruptedException {
        int drain = Arrays.asList(args).indexOf("--drain");
        long stopAfter = drain < 0 ? Long.MAX_VALUE : Long.parseLong(args[drain + 1]);
        Properties consumerProps = new Properties();
        consumerProps.put("bootstrap.servers", args[0]);
        consumerProps.put("group.id", args[1]);
        consumerProps.put("isolation.level", "read_committed");
        consumerProps.put("enable.auto.commit", false);
        consumerProps.put("auto.offset.reset", "earliest");
        Properties producerProps = new Properties();
        producerProps.put("bootstrap.servers", args[0]);
        producerProps.put("transactional.id", args[2]);
        for (int i = 5; i < (drain < 0 ? args.length : drain); i++) {
            String[] setting = args[i].split("=", 2);
            String client = setting[0].substring(0, setting[0].indexOf('.'));
            (client.equals("producer") ? producerProps : consumerProps)
                    .put(setting[0].substring(client.length() + 1), setting[1]);
        }
        String output = args[3];
        List<String> inputs = Arrays.asList(args[4].split(","));
        CountDownLatch stopped = new CountDownLatch(1);
        long committed = 0;
        long startedAt = System.nanoTime();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                     new ByteArraySerializer())) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (stopped.getCount() == 0) {
                    return; // drained: the loop has ended on its own
                }
                consumer.wakeup();
                try {
                    // At most 8 s, as the lessons: Ctrl-C ends it within 10 s even with the broker gone.
                    stopped.await(8, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            producer.initTransactions();
            consumer.subscribe(inputs);
            while (committed < stopAfter) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                for (ConsumerRecord<String, byte[]> record : records) {
                    ProducerRecord<String, byte[]> out = new ProducerRecord<>(output, record.key(), record.value());
                    out.headers().add("input", record.topic().getBytes(StandardCharsets.UTF_8));
                    producer.send(out);
                }
                producer.sendOffsetsToTransaction(records.nextOffsets(), consumer.groupMetadata());
                producer.commitTransaction();
                committed += records.count();
            }
        } catch (WakeupException e) {
            // SIGTERM: the last transaction was committed before this poll
        } finally {
            stopped.countDown();
        }
        if (drain >= 0) {
            new RunSummary("transactional-hop", "committed", committed, "records",
                    Duration.ofNanos(System.nanoTime() - startedAt)).writeJson(Path.of(args[drain + 2]));
        }
    }
}
