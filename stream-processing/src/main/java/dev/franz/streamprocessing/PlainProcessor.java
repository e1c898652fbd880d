package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;

import dev.franz.common.events.UserEvent;

/** One mode of the plain-clients engine: state in memory, outputs as records. */
interface PlainProcessor {

    /**
     * Updates the state with {@code event} and returns the records to publish because of it.
     *
     * @param timestamp the record's timestamp: its event time
     */
    List<ProducerRecord<String, byte[]>> process(String userId, UserEvent event, long timestamp);

    /** Records to publish once per poll, after all its events (e.g. the latest value of each changed key). */
    default List<ProducerRecord<String, byte[]>> endOfBatch() {
        return List.of();
    }

    /** Prints the current state for the learner (called every few seconds and at the end). */
    void report(PrintStream out);
}
