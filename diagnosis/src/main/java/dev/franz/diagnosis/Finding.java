package dev.franz.diagnosis;

import java.util.List;

/**
 * One thing the doctor found about one subject (a group, a topic, a transactional id): what it found,
 * the numbers it read and where to see them yourself, the likely cause, and the fixes, most likely first.
 * The code never changes meaning: a script (or a lab) checks it.
 *
 * @param subject  what it is about, e.g. "group basic-consumer", "topic orders"
 * @param found    one sentence: what it found
 * @param evidence the numbers read, one line each
 * @param see      the Admin calls and the bin/ commands that show them
 * @param cause    the likely cause, or null for a healthy subject
 * @param fixes    what to do, most likely first
 */
public record Finding(Code code, String subject, String found, List<String> evidence, List<String> see, String cause,
        List<String> fixes) {

    /** The findings, each a stable name; {@code problem} says whether something is wrong (or only explained). */
    public enum Code {
        /** Nothing alarming: said in one line. */
        HEALTHY(false),
        /** The group's committed offsets are at the end: nothing new was written since it read. */
        AT_END(false),
        /** Records wait for the group, and no member of it runs. */
        NO_MEMBERS(false),
        /** The lag left is transaction markers, not records. */
        MARKER_LAG(false),
        /** A Kafka Streams group on the streams protocol: not diagnosed, only pointed at. */
        STREAMS_GROUP(false),
        /** Members own partitions that hold records, with nothing committed: they began at the end. */
        STARTED_AT_LATEST(true),
        /** A share group begins at the latest offset (share.auto.offset.reset). */
        SHARE_STARTED_AT_LATEST(true),
        /** The group id asked about is unknown to the cluster. */
        GROUP_NOT_FOUND(true),
        /** One group id used by two programs, or for two topics by different programs. */
        GROUP_SHARED(true),
        /** More members than partitions: some own nothing. */
        IDLE_MEMBERS(true),
        /** The group rebalanced between two looks, or did not settle. */
        REBALANCING(true),
        /** Records the group had not read were removed (committed offset below the log start). */
        RECORDS_REMOVED(true),
        /** An open transaction holds the last stable offset: read_committed readers wait. */
        OPEN_TRANSACTION(true),
        /** Fewer in-sync replicas than min.insync.replicas: acks=all sends fail. */
        UNDER_MIN_ISR(true),
        /** A partition without a leader: nobody can read or write it. */
        NO_LEADER(true),
        /** A call refused for lack of an ACL. */
        NOT_AUTHORIZED(true),
        /** The topic asked about does not exist. */
        TOPIC_NOT_FOUND(true),
        /** The transactional id asked about is unknown to the cluster. */
        TRANSACTION_NOT_FOUND(true);

        public final boolean problem;

        Code(boolean problem) {
            this.problem = problem;
        }
    }

    public static Finding healthy(String subject, String found) {
        return new Finding(Code.HEALTHY, subject, found, List.of(), List.of(), null, List.of());
    }
}
