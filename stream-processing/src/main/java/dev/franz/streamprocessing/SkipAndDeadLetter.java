package dev.franz.streamprocessing;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

import dev.franz.common.cli.ConsoleLines;
import dev.franz.common.kafka.DeadLetters;

/**
 * Kafka Streams' rule for a record the topology cannot use, the same as the plain engine's: one
 * {@code SKIPPED} line with topic, partition, offset and reason, counted, a copy to the dead-letter
 * topic, and on with the next record. Kafka Streams has a handler for each place a record can go wrong:
 * <ul>
 *   <li>it cannot be read (not JSON): the deserialization exception handler;</li>
 *   <li>the topology cannot process it ({@link BadEvent}: no event type, an amount that is no amount):
 *       the processing exception handler (KIP-1033, since Kafka 3.9);</li>
 *   <li>its result cannot be written because it is too large: the production exception handler.</li>
 * </ul>
 * Each returns {@code resume} with the dead letters to write (KIP-1034): Streams writes them in the
 * same transaction as the results and the offsets, to the topic named by
 * {@code errors.dead.letter.queue.topic.name}. Kafka's own {@code LogAndContinue...} handlers would
 * write the whole value and its stack trace; these write the course's dead letters, which always fit.
 */
public final class SkipAndDeadLetter implements DeserializationExceptionHandler, ProcessingExceptionHandler,
        ProductionExceptionHandler {

    private static final AtomicLong SKIPPED = new AtomicLong();

    private String deadLetterTopic;
    private int maxRequestSize;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
        // The dead letters go through Streams' producer: cut to fit its max.request.size.
        Object size = configs.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        size = size != null ? size : configs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        maxRequestSize = size == null ? DeadLetters.DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(size.toString().strip());
    }

    /** A record that is not readable JSON. */
    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        return DeserializationExceptionHandler.Response.resume(skip(context, "malformed", exception));
    }

    /** A record the topology threw on: {@link BadEvent} says why. */
    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        if (!(exception instanceof BadEvent)) {
            return ProcessingExceptionHandler.Response.fail(); // a bug, not a bad record: stop and say so
        }
        return ProcessingExceptionHandler.Response.resume(skip(context, "invalid", exception));
    }

    /** A result the producer refused: too large is the record's fault; anything else stops the application. */
    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                           ProducerRecord<byte[], byte[]> record,
                                                           Exception exception) {
        if (!(exception instanceof RecordTooLargeException) || record.topic().equals(deadLetterTopic)) {
            // Any other failure, or a dead letter that cannot be written: stop, rather than lose the record.
            return ProductionExceptionHandler.Response.fail();
        }
        return ProductionExceptionHandler.Response.resume(skip(context, "invalid", exception));
    }

    /** Records skipped in this JVM so far (Streams creates handlers per stream thread). */
    static long skipped() {
        return SKIPPED.get();
    }

    private List<ProducerRecord<byte[], byte[]>> skip(ErrorHandlerContext context, String reason, Exception exception) {
        SKIPPED.incrementAndGet();
        System.out.println(ConsoleLines.skipped(context.topic(), context.partition(), context.offset(),
                exception.getMessage()));
        if (deadLetterTopic == null) {
            return List.of();
        }
        // The record as it came from the input topic: its raw key, value and headers.
        byte[] key = context.sourceRawKey();
        byte[] value = context.sourceRawValue();
        // With their sizes: DeadLetters counts the key and value to make the dead letter fit.
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>(context.topic(), context.partition(),
                context.offset(), context.timestamp(), TimestampType.CREATE_TIME, key == null ? -1 : key.length,
                value == null ? -1 : value.length, key, value, context.headers(), Optional.empty());
        return List.of(DeadLetters.of(source, deadLetterTopic, reason, exception, 1, maxRequestSize));
    }
}
