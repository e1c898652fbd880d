package dev.franz.basicproducer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.franz.basicproducer.BasicProducerOptions.Acks;
import dev.franz.basicproducer.BasicProducerOptions.Compression;
import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.events.UserEvent;
import dev.franz.common.events.UserEventGenerator;
import dev.franz.common.json.JsonSerializer;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.GracefulShutdown;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Level 1: sends made-up user events as JSON to the {@code user_events} topic, keyed by user id,
 * first synchronously and then asynchronously with a callback, and shows where each one landed.
 * The Kafka side, top to bottom: the settings, the producer, Ctrl-C, the send loop, both kinds of
 * send. The options and the summary are in {@link BasicProducerOptions}.
 */
@Command(name = "basic-producer", mixinStandardHelpOptions = true, version = "basic-producer (Franz)",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Sends user events (page views, clicks, purchases) as JSON to a topic, keyed by user id.")
public final class BasicProducer implements Callable<Integer> {

    static final String EVENT_TYPE_HEADER = "event-type";

    @Mixin
    BasicProducerOptions options;

    @Mixin
    ConfigOptions configOptions;

    private PrintStream out = System.out;
    private long printEvery;
    private SendSummary summary = new SendSummary();
    /** Set by the shutdown hook (Ctrl-C): the loop sends nothing more. */
    private volatile boolean stopRequested;

    public static void main(String[] args) {
        System.exit(Cli.run(new BasicProducer(), args));
    }

    BasicProducer() { // the program: its settings come from the command line
    }

    /** The sends alone, as the tests run them on a producer they made. */
    BasicProducer(PrintStream out, long printEvery) {
        this.out = out;
        this.printEvery = printEvery;
    }

    /** Producer settings that matter, each with why. Static so that the tests use exactly these. */
    static Properties producerProperties(FranzConfig config, Acks acks, Compression compression, long lingerMs,
                                         int batchSize) {
        Properties props = config.clientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "basic-producer");
        // acks=all: the leader answers once every in-sync replica has the record, so an acknowledged
        // record survives the loss of a broker. acks=1: the leader alone; acks=0: no answer at all.
        props.put(ProducerConfig.ACKS_CONFIG, acks.value);
        // Idempotence: the broker drops duplicates that retries would create, and keeps order per
        // partition. On by default since Kafka 3.0; it needs acks=all, so weaker acks turn it off.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks == Acks.ALL);
        // Wait up to linger.ms for more records to the same partition, then send them as one batch
        // of up to batch.size bytes: fewer, larger requests for a few ms of latency.
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) lingerMs);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize);
        // Whole batches are compressed by the producer, stored compressed by the broker and
        // decompressed by consumers: less network and disk for some CPU. Larger batches compress better.
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression.name().toLowerCase());
        return props;
    }

    @Override
    public Integer call() throws InterruptedException {
        FranzConfig config = configOptions.load();
        String topic = options.topic(config);
        options.checkBrokerAndCreateTopic(config, topic, out);
        printEvery = options.printEvery.value();
        long syncCount = options.syncCount();
        options.printStart(out, topic);
        Random random = options.seed == null ? new Random() : new Random(options.seed);
        UserEventGenerator events = new UserEventGenerator(random, Clock.systemUTC(), options.users);

        Properties props = producerProperties(config, options.acks, options.compression, options.lingerMs,
                options.batchSize);
        CountDownLatch finished = new CountDownLatch(1);
        try {
            Map<String, Double> metrics;
            // try-with-resources: close() sends what is still buffered, waits for the answers, and
            // stops the producer's I/O thread.
            try (Producer<String, UserEvent> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new JsonSerializer<>());
                 // One line when the broker goes and one when it is back: a send waits for it meanwhile.
                 ConnectionLines.Watch lines = ConnectionLines.forProducer(out, config.bootstrapServers())
                         .watch(producer::metrics)) {
                // Ctrl-C runs this hook on its own thread. A producer has no poll() to wake up: the hook
                // asks the loop to stop, then waits (at most 8 s) until every record sent so far has its
                // answer (flush), the producer is closed and the summary printed. It waits on a latch,
                // not by join()ing the main thread: main ends in System.exit, which waits for this hook.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stopRequested = true;
                    GracefulShutdown.awaitFinished(finished, GracefulShutdown.PRODUCER_UNFINISHED);
                }, "basic-producer-shutdown"));

                summary = new SendSummary(); // the time and rate count from the first send
                for (long i = 0; i < options.count && !stopRequested; i++) {
                    ProducerRecord<String, UserEvent> record = record(topic, events.next());
                    if (i < syncCount) {
                        sendSync(producer, record);
                    } else {
                        sendAsync(producer, record);
                    }
                    if (options.interval > 0) {
                        Thread.sleep(Math.round(options.interval * 1000));
                    }
                }
                // Async sends may still be in flight: flush() returns once each has its answer
                // (and its callback has run).
                producer.flush();
                metrics = ProducerMetrics.read(producer);
            }
            options.printSummary(out, summary.finish(), metrics, topic);
        } finally {
            finished.countDown();
        }
        return summary.failed() == 0 ? 0 : 1;
    }

    static ProducerRecord<String, UserEvent> record(String topic, UserEvent event) {
        // The key decides the partition: the same user's events always go to the same partition,
        // so a consumer reads them in the order they were sent.
        ProducerRecord<String, UserEvent> record = new ProducerRecord<>(topic, event.userId(), event);
        // Headers are metadata beside the value: a consumer can route on them without parsing JSON.
        record.headers().add(EVENT_TYPE_HEADER, event.eventType().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /**
     * Sends and waits for the broker's answer: simple and ordered, but one round trip per record, so
     * slow. get() throws if the send failed: only then is the record printed as written.
     */
    void sendSync(Producer<String, UserEvent> producer, ProducerRecord<String, UserEvent> record)
            throws InterruptedException {
        long number = summary.countSent();
        try {
            RecordMetadata metadata = producer.send(record).get();
            acknowledged(record, metadata, number, "sync ");
        } catch (ExecutionException e) {
            failed(record, e.getCause(), "sync ");
        }
    }

    /**
     * Hands the record to the producer and returns at once; the producer batches records per partition,
     * and the callback runs when the broker answers. It runs on the producer's I/O thread, which sends
     * every other record too: count and print there, nothing slow.
     */
    void sendAsync(Producer<String, UserEvent> producer, ProducerRecord<String, UserEvent> record) {
        long number = summary.countSent();
        producer.send(record, (metadata, exception) -> {
            if (exception == null) {
                acknowledged(record, metadata, number, "async");
            } else {
                // The producer already retried what can be retried (until delivery.timeout.ms).
                failed(record, exception, "async");
            }
        });
    }

    private void acknowledged(ProducerRecord<String, UserEvent> record, RecordMetadata metadata, long number,
                              String mode) {
        summary.countAcknowledged(record.key(), metadata);
        BasicProducerOptions.printAcknowledged(out, mode, number, printEvery, record.key(), record.value().eventType(),
                metadata);
    }

    private void failed(ProducerRecord<String, UserEvent> record, Throwable error, String mode) {
        summary.countFailed();
        out.printf("%s  key=%-7s FAILED: %s%n", mode, record.key(), error);
    }

    /** What this run sent so far. */
    SendSummary summary() {
        return summary;
    }
}
