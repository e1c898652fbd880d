package dev.franz.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.header.Header;

/**
 * One corpus of records a consumer lesson cannot use, for every lesson's tests: each lesson's rule for
 * a bad record (skip and count, dead-letter, or stop) is checked on the same list, and so is that the
 * good records around them are processed exactly as without them.
 */
public final class BadRecords {

    /**
     * The largest value a producer with Kafka's default {@code max.request.size} (1 MiB) sends with a
     * short key (up to 40 bytes) and no headers: a record at the topic's limit. The same value with a
     * dead letter's headers added is over the limit, so a dead-letter writer that copies it whole fails.
     */
    public static final int NEAR_ONE_MB = 1_048_400;

    /** Digits in the long number: far past Jackson's limit for reading a number back (1,000). */
    public static final int LONG_NUMBER_DIGITS = 10_000;

    private BadRecords() {
    }

    /**
     * A record of the corpus.
     *
     * @param name            what is wrong with it, for test messages
     * @param value           the value's bytes; null for a tombstone
     * @param headers         headers to send with it
     * @param expectProcessed true for a good record with odd headers (markup): it must be processed
     *                        like any good record, its headers never rendered
     */
    public record BadRecord(String name, byte[] value, List<Header> headers, boolean expectProcessed) {

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The whole corpus for one lesson.
     *
     * @param goodValue  a value the lesson processes (sent with headers full of markup)
     * @param withNumber the lesson's value with the given text where it expects a number: the text
     *                   is {@code abc} (not a number) or a number of {@link #LONG_NUMBER_DIGITS} digits
     */
    public static List<BadRecord> corpus(String goodValue, UnaryOperator<String> withNumber) {
        List<BadRecord> corpus = new ArrayList<>(generic());
        corpus.add(bad("a non-number where a number goes", withNumber.apply("abc")));
        corpus.add(bad("a number of " + LONG_NUMBER_DIGITS + " digits", withNumber.apply(longNumber())));
        corpus.add(new BadRecord("headers with markup", utf8(goodValue), List.of(
                new TextHeader("<b>name</b>", utf8("<script>alert('header')</script>")),
                new TextHeader("note", utf8("<img src=x onerror=alert(1)>"))), true));
        return corpus;
    }

    /** What is bad in any lesson: not JSON, JSON of another shape, null, a tombstone, not UTF-8, 1 MB. */
    public static List<BadRecord> generic() {
        return List.of(
                bad("not JSON", "A"),
                bad("valid JSON of the wrong shape", "{\"foo\":1}"),
                bad("JSON null", "null"),
                bad("an empty JSON array", "[]"),
                new BadRecord("a tombstone (no value)", null, List.of(), false),
                new BadRecord("bytes that are not UTF-8", new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE,
                        '{', '}'}, List.of(), false),
                new BadRecord("a value of about 1 MB", nearOneMegabyte(), List.of(), false));
    }

    /** A JSON object of {@link #NEAR_ONE_MB} bytes that is nobody's event. */
    public static byte[] nearOneMegabyte() {
        String open = "{\"padding\":\"";
        String close = "\"}";
        char[] padding = new char[NEAR_ONE_MB - open.length() - close.length()];
        Arrays.fill(padding, 'x');
        return utf8(open + new String(padding) + close);
    }

    /** A positive whole number of {@link #LONG_NUMBER_DIGITS} digits. */
    public static String longNumber() {
        char[] digits = new char[LONG_NUMBER_DIGITS];
        Arrays.fill(digits, '9');
        return new String(digits);
    }

    /** A header whose value is text (Kafka's own header class lives in an internals package). */
    public record TextHeader(String key, byte[] value) implements Header {
    }

    private static BadRecord bad(String name, String value) {
        return new BadRecord(name, utf8(value), List.of(), false);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
