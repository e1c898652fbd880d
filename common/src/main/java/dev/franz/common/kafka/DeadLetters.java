package dev.franz.common.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A record that could not be processed, copied to a dead letter topic (key, value bytes, headers), with
 * headers that say why and where it came from. The partition it came from can go on; someone can
 * inspect, fix and replay the dead letters later.
 *
 * <p>A dead letter always fits. The headers added here make it bigger than the record it copies, so a
 * record at the producer's size limit ({@code max.request.size}, 1 MiB by default) would make a dead
 * letter over the limit: its send fails with {@code RecordTooLargeException}, and a service that
 * retries would retry it for ever. So {@link #of} measures the dead letter first and, when it would not
 * fit, keeps only the start of the value ({@link #VALUE_TRUNCATED}, {@link #VALUE_ORIGINAL_SIZE}). The
 * whole record stays where it came from: {@link #SOURCE_TOPIC}, {@link #SOURCE_PARTITION},
 * {@link #SOURCE_OFFSET} (until the topic's retention deletes it). The key is kept whole, so that
 * the dead letter is keyed as its record: a key alone near the limit is the one record this cannot fit.
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
    /** {@code true} when the value was cut to make the dead letter fit; absent when it is whole. */
    public static final String VALUE_TRUNCATED = "dlt.value.truncated";
    /** With {@link #VALUE_TRUNCATED}: how many bytes the original value had. */
    public static final String VALUE_ORIGINAL_SIZE = "dlt.value.original.size";
    /**
     * {@code true} when even the key and the record's own headers left no room: its headers were left
     * out too (rare: a record whose headers are near the limit). They stay on the source record.
     */
    public static final String HEADERS_DROPPED = "dlt.headers.dropped";

    /** Kafka's default {@code max.request.size}: the largest record a producer sends (1 MiB). */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    /**
     * Room left for what the producer adds around a record: the batch header (61 bytes), the record's
     * own lengths and attributes (at most 21), the header count; rounded up generously.
     */
    static final int FRAMING_BYTES = 512;
    /** Each header also costs the lengths of its name and value (variable-length ints, at most 5 each). */
    private static final int PER_HEADER_BYTES = 10;
    /** An error message is for a person: the first 1,000 characters say what went wrong. */
    static final int MAX_ERROR_MESSAGE_CHARS = 1_000;

    private DeadLetters() {
    }

    /** A dead letter for a producer with Kafka's default {@code max.request.size}. */
    public static <K> ProducerRecord<K, byte[]> of(ConsumerRecord<K, byte[]> failed, String deadLetterTopic,
                                                   String reason, Exception error, int attempts) {
        return of(failed, deadLetterTopic, reason, error, attempts, DEFAULT_MAX_REQUEST_SIZE);
    }

    /**
     * The dead letter of {@code failed}, no bigger than {@code maxRequestSize}, the {@code max.request.size}
     * of the producer that sends it ({@link #maxRequestSize(Properties)} reads it from its settings).
     */
    public static <K> ProducerRecord<K, byte[]> of(ConsumerRecord<K, byte[]> failed, String deadLetterTopic,
                                                   String reason, Exception error, int attempts, int maxRequestSize) {
        List<Header> why = new ArrayList<>();
        why.add(text(REASON, reason));
        why.add(text(ERROR_CLASS, error.getClass().getName()));
        why.add(text(ERROR_MESSAGE, shortened(String.valueOf(error.getMessage()))));
        why.add(text(SOURCE_TOPIC, failed.topic()));
        why.add(text(SOURCE_PARTITION, Integer.toString(failed.partition())));
        why.add(text(SOURCE_OFFSET, Long.toString(failed.offset())));
        why.add(text(ATTEMPTS, Integer.toString(attempts)));

        // The bytes this dead letter may spend on the value: the limit less everything else in it. The
        // key is measured as it was read (serializedKeySize: -1 for no key), so any key type works.
        List<Header> copied = Arrays.asList(failed.headers().toArray());
        int keySize = Math.max(0, failed.serializedKeySize());
        // Room for the headers that say the value was cut (and the headers dropped), measured in advance.
        int cutHeaders = size(List.of(text(VALUE_TRUNCATED, "true"), text(VALUE_ORIGINAL_SIZE,
                Integer.toString(Integer.MAX_VALUE)), text(HEADERS_DROPPED, "true")));
        int roomForValue = maxRequestSize - FRAMING_BYTES - keySize - size(why) - size(copied);
        byte[] value = failed.value();
        int valueSize = value == null ? 0 : value.length;

        List<Header> headers = new ArrayList<>(copied);
        if (valueSize > roomForValue) {
            roomForValue -= cutHeaders;
            if (roomForValue < 0) {
                // Not even the record's own headers fit beside ours: leave them out, keep what room is left.
                headers.clear();
                roomForValue = Math.max(0, roomForValue + size(copied));
                why.add(text(HEADERS_DROPPED, "true"));
            }
            if (value != null) {
                // The first bytes of the value, to recognise the record by; the whole one stays at the source.
                value = Arrays.copyOf(value, Math.min(valueSize, roomForValue));
                why.add(text(VALUE_TRUNCATED, "true"));
                why.add(text(VALUE_ORIGINAL_SIZE, Integer.toString(valueSize)));
            }
        }
        headers.addAll(why);
        // No partition: the dead letter topic may have any number of them. The key keeps records of one
        // key together there too.
        return new ProducerRecord<>(deadLetterTopic, null, failed.key(), value, headers);
    }

    /** The {@code max.request.size} a producer with these settings has: the set one, else Kafka's default. */
    public static int maxRequestSize(Properties producerProperties) {
        Object set = producerProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return set == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(set.toString().strip());
    }

    /** The value of a header as text, or null if the record has none. */
    public static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** How many bytes these headers take in a record, at most. */
    private static int size(List<Header> headers) {
        int size = 0;
        for (Header header : headers) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length
                    + (header.value() == null ? 0 : header.value().length) + PER_HEADER_BYTES;
        }
        return size;
    }

    private static String shortened(String message) {
        return message.length() <= MAX_ERROR_MESSAGE_CHARS ? message
                : message.substring(0, MAX_ERROR_MESSAGE_CHARS) + "... (" + message.length() + " characters)";
    }

    private static Header text(String name, String value) {
        return new TextHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A header whose value is text (Kafka's own header class lives in an internals package). */
    private record TextHeader(String key, byte[] value) implements Header {
    }
}
