package dev.franz.basicproducer;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What a run sent: counts, bytes, time, and which partitions each key went to.
 *
 * @param bytes               serialized keys and values, before compression
 * @param partitionsByKey     every partition a key landed on: one each, since the key picks the partition
 */
record SendSummary(long sent, long acknowledged, long failed, long bytes, Duration elapsed,
                   Map<String, Set<Integer>> partitionsByKey, Map<String, Long> recordsByKey) {
}
