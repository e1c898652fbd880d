package dev.franz.common.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A record that could not be processed, copied unchanged (key, value bytes, headers) to a dead
 * letter topic, with headers that say why and where it came from. The partition it came from can go
 * on; someone can inspect, fix and replay the dead letters later.
 */
public final class DeadLetters {

    /** What kind of failure: {@code malformed}, {@code invalid} or {@code retries-exhausted}. */
    public static final String REASON = "dlt.reason";
    public static final String ERROR_CLASS = "dlt.error.class";
    public static final String ERROR_MESSAGE = "dlt.error.message";
    public static final String SOURCE_TOPIC = "dlt.source.topic";
    public static final String SOURCE_PARTITION = "dlt.source.partition";
    public static final String SOURCE_OFFSET = "dlt.source.offset";
    /** How many times processing was tried (0 when the record could not even be read). */
    public static final String ATTEMPTS = "dlt.attempts";

    private DeadLetters() {
    }

    public static <K> ProducerRecord<K, byte[]> of(ConsumerRecord<K, byte[]> failed, String deadLetterTopic,
                                                   String reason, Exception error, int attempts) {
        ProducerRecord<K, byte[]> deadLetter = new ProducerRecord<>(deadLetterTopic, null, failed.key(), failed.value());
        Headers headers = deadLetter.headers();
        for (Header header : failed.headers()) {
            headers.add(header);
        }
        add(headers, REASON, reason);
        add(headers, ERROR_CLASS, error.getClass().getName());
        add(headers, ERROR_MESSAGE, String.valueOf(error.getMessage()));
        add(headers, SOURCE_TOPIC, failed.topic());
        add(headers, SOURCE_PARTITION, Integer.toString(failed.partition()));
        add(headers, SOURCE_OFFSET, Long.toString(failed.offset()));
        add(headers, ATTEMPTS, Integer.toString(attempts));
        return deadLetter;
    }

    /** The value of a header as text, or null if the record has none. */
    public static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
