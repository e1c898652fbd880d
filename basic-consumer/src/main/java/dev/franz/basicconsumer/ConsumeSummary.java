package dev.franz.basicconsumer;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * What a run read.
 *
 * @param recordsByPartition records printed per partition
 * @param committed          offsets this run committed itself (manual-commit mode): the next offset
 *                           to read in each partition
 */
record ConsumeSummary(long records, long poisonRecords, Duration elapsed, Map<Integer, Long> recordsByPartition,
                      Map<TopicPartition, Long> committed) {
}
