package dev.franz.common.cli;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;

/**
 * The lines every Franz program prints the same way: partitions moving in a rebalance, records that
 * could not be read, the stop after an idle timeout, and which records to print at all ({@code --print-every}).
 */
public final class ConsoleLines {

    private static final Comparator<TopicPartition> BY_TOPIC_AND_NUMBER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private ConsoleLines() {
    }

    /**
     * Whether to print the record numbered {@code number} (1 for the first) under {@code --print-every
     * every}: the first, then every Nth; none when {@code every} is 0.
     */
    public static boolean printThis(long number, long every) {
        return every > 0 && (number - 1) % every == 0;
    }

    /** "Partitions assigned: [orders-0, orders-1]". */
    public static String assigned(Collection<TopicPartition> partitions) {
        return "Partitions assigned: " + sorted(partitions);
    }

    /** "Partitions revoked:  [orders-0]": another member owns them next. */
    public static String revoked(Collection<TopicPartition> partitions) {
        return "Partitions revoked:  " + sorted(partitions);
    }

    /** "Partitions lost:     [orders-0]": the group moved on without this member. */
    public static String lost(Collection<TopicPartition> partitions) {
        return "Partitions lost:     " + sorted(partitions);
    }

    /**
     * "No new records for 5 s: stopping.": the line a program prints when {@code --idle-timeout} ends it,
     * with {@code what} ("records", "orders", "events", "jobs") in place of "records".
     */
    public static String idleStop(String what, Duration idleTimeout) {
        return String.format("No new %s for %d s: stopping.", what, idleTimeout.toSeconds());
    }

    /** "SKIPPED user_events-2 offset 17: reason": a record that could not be read. */
    public static String skipped(String topic, int partition, long offset, String reason) {
        return String.format("SKIPPED %s-%d offset %d: %s", topic, partition, offset, reason);
    }

    private static String sorted(Collection<TopicPartition> partitions) {
        return partitions.stream().sorted(BY_TOPIC_AND_NUMBER).map(TopicPartition::toString)
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
