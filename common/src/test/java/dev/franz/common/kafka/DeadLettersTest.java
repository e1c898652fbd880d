package dev.franz.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import dev.franz.testing.BadRecords;

class DeadLettersTest {

    private static final String KEY = "ord-1";

    @Test
    void aSmallRecordIsCopiedWholeWithWhyAndWhereItCameFrom() {
        byte[] value = "{\"order_id\": ".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<String, byte[]> failed = record(value, new RecordHeaders().add("trace", new byte[] {1}));

        ProducerRecord<String, byte[]> dead = DeadLetters.of(failed, "orders.DLT", "malformed",
                new IllegalArgumentException("not JSON"), 0);

        assertThat(dead.topic()).isEqualTo("orders.DLT");
        assertThat(dead.key()).isEqualTo(KEY);
        assertThat(dead.value()).isEqualTo(value);
        assertThat(dead.headers().lastHeader("trace").value()).containsExactly(1);
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("malformed");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR_CLASS))
                .isEqualTo(IllegalArgumentException.class.getName());
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo("orders");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("2");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("17");
        assertThat(dead.headers().lastHeader(DeadLetters.VALUE_TRUNCATED)).isNull();
        assertThat(dead.headers().lastHeader(DeadLetters.VALUE_ORIGINAL_SIZE)).isNull();
    }

    @Test
    void aRecordAtTheLimitGoesWithItsValueCutAndHeadersThatSaySo() {
        byte[] value = BadRecords.nearOneMegabyte();
        ConsumerRecord<String, byte[]> failed = record(value, new RecordHeaders());

        ProducerRecord<String, byte[]> dead = DeadLetters.of(failed, "orders.DLT", "malformed",
                new IllegalArgumentException("not an order"), 0);

        assertThat(measured(dead)).isLessThanOrEqualTo(DeadLetters.DEFAULT_MAX_REQUEST_SIZE - 61 - 21 - 5);
        assertThat(dead.value().length).isLessThan(value.length).isGreaterThan(value.length - 2_000);
        assertThat(dead.value()).isEqualTo(Arrays.copyOf(value, dead.value().length)); // the first bytes
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.VALUE_TRUNCATED)).isEqualTo("true");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.VALUE_ORIGINAL_SIZE))
                .isEqualTo(Integer.toString(BadRecords.NEAR_ONE_MB));
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("17");
        assertThat(dead.headers().lastHeader(DeadLetters.HEADERS_DROPPED)).isNull();
    }

    @Test
    void aWriterWithASmallerLimitCutsToItsOwnLimit() {
        ConsumerRecord<String, byte[]> failed = record(new byte[20_000], new RecordHeaders());

        ProducerRecord<String, byte[]> dead = DeadLetters.of(failed, "orders.DLT", "invalid",
                new IllegalArgumentException("no"), 1, 10_000);

        assertThat(measured(dead)).isLessThanOrEqualTo(10_000);
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.VALUE_ORIGINAL_SIZE)).isEqualTo("20000");
    }

    @Test
    void headersTooLargeToFitBesideTheDeadLettersOwnAreLeftOutAndSaidSo() {
        Headers huge = new RecordHeaders().add("blob", new byte[9_900]);
        ConsumerRecord<String, byte[]> failed = record(new byte[100], huge);

        ProducerRecord<String, byte[]> dead = DeadLetters.of(failed, "orders.DLT", "malformed",
                new IllegalArgumentException("no"), 0, 10_000);

        assertThat(measured(dead)).isLessThanOrEqualTo(10_000);
        assertThat(dead.headers().lastHeader("blob")).isNull();
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.HEADERS_DROPPED)).isEqualTo("true");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.VALUE_TRUNCATED)).isEqualTo("true");
    }

    @Test
    void aTombstoneStaysATombstone() {
        ProducerRecord<String, byte[]> dead = DeadLetters.of(record(null, new RecordHeaders()), "orders.DLT",
                "malformed", new IllegalArgumentException("no value"), 0);

        assertThat(dead.value()).isNull();
        assertThat(dead.headers().lastHeader(DeadLetters.VALUE_TRUNCATED)).isNull();
    }

    @Test
    void aLongErrorMessageIsShortened() {
        ProducerRecord<String, byte[]> dead = DeadLetters.of(record(new byte[1], new RecordHeaders()), "orders.DLT",
                "malformed", new IllegalArgumentException("x".repeat(50_000)), 0);

        assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR_MESSAGE))
                .hasSizeLessThan(1_100).endsWith("(50000 characters)");
    }

    @Test
    void theWritersMaxRequestSizeIsReadFromItsSettings() {
        Properties props = new Properties();
        assertThat(DeadLetters.maxRequestSize(props)).isEqualTo(1_048_576);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000");
        assertThat(DeadLetters.maxRequestSize(props)).isEqualTo(2_000_000);
    }

    /** Key, value and headers as the producer counts them, without the batch's framing. */
    private static int measured(ProducerRecord<String, byte[]> record) {
        int size = record.key().getBytes(StandardCharsets.UTF_8).length
                + (record.value() == null ? 0 : record.value().length);
        for (Header header : record.headers()) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length + header.value().length + 10;
        }
        return size;
    }

    private static ConsumerRecord<String, byte[]> record(byte[] value, Headers headers) {
        return new ConsumerRecord<>("orders", 2, 17, 0L, TimestampType.CREATE_TIME, KEY.length(),
                value == null ? -1 : value.length, KEY, value, headers, Optional.empty());
    }
}
