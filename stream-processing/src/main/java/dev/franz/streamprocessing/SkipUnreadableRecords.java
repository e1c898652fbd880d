package dev.franz.streamprocessing;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import dev.franz.common.cli.ConsoleLines;

/**
 * What Kafka Streams does with a record it cannot deserialize (not JSON, say): print one line with
 * its topic, partition, offset and reason, count it, and go on with the next record, as the plain
 * engine does. Kafka's own {@code LogAndContinueExceptionHandler} does the same with a stack trace.
 */
public final class SkipUnreadableRecords implements DeserializationExceptionHandler {

    private static final AtomicLong SKIPPED = new AtomicLong();

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        SKIPPED.incrementAndGet();
        String reason = exception.getMessage(); // one line: JsonDeserializer's message names the topic and position
        System.out.println(ConsoleLines.skipped(context.topic(), context.partition(), context.offset(), reason));
        return Response.resume(); // skip it; its offset is committed with the next ones
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    /** Records skipped in this JVM so far (Streams creates one handler per stream thread). */
    static long skipped() {
        return SKIPPED.get();
    }
}
