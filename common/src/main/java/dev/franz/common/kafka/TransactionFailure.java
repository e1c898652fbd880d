package dev.franz.common.kafka;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortedException;

import dev.franz.common.UserFacingException;

/**
 * Why a Level 3 service's transaction failed, in one line: the input record whose output's send failed
 * ({@code topic-partition@offset}) and that send's error, or, when no send failed (the offsets or the
 * commit did), the root cause of the exception. The exception a transaction call throws after a failed
 * send often says only "we are in an error state"; after the abort every send's future is done and says
 * why. Also the lines a service stops with when it is fenced or the broker stays away. The transaction
 * itself is written in each service.
 */
public record TransactionFailure(String record, String cause) {

    /** {@code sends}: each input record with its output's send, in the order they were sent. */
    public static TransactionFailure of(KafkaException failed,
                                        Map<? extends ConsumerRecord<?, ?>, Future<RecordMetadata>> sends) {
        for (Map.Entry<? extends ConsumerRecord<?, ?>, Future<RecordMetadata>> send : sends.entrySet()) {
            Throwable sendError = errorOf(send.getValue());
            // The other sends of an aborted transaction fail with TransactionAbortedException: not a cause.
            if (sendError != null && !(sendError instanceof TransactionAbortedException)) {
                ConsumerRecord<?, ?> input = send.getKey();
                return new TransactionFailure(input.topic() + "-" + input.partition() + "@" + input.offset(),
                        describe(sendError));
            }
        }
        Throwable cause = failed;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return new TransactionFailure(null, describe(cause));
    }

    /** The error a finished send failed with, or null (succeeded, or not finished). */
    private static Throwable errorOf(Future<RecordMetadata> result) {
        if (!result.isDone()) {
            return null;
        }
        try {
            result.get(); // done: returns or throws at once
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    @Override
    public String toString() {
        return record == null ? cause : record + ": " + cause;
    }

    /** How many transactions in a row the same failure aborted: past a limit, it is not passing. */
    public static final class Streak {
        private TransactionFailure last;
        private int count;

        /** A transaction committed: whatever failed before has passed. */
        public void reset() {
            last = null;
            count = 0;
        }

        /**
         * Counts {@code failure}; when it aborted {@code limit} transactions in a row, stops the service with
         * a line naming it ({@code records}: what the service reads, e.g. "orders"). Nothing of that
         * transaction is committed, so nothing is skipped: the next start reads it again.
         */
        public void stopIfRepeated(TransactionFailure failure, int limit, String records) {
            count = failure.equals(last) ? count + 1 : 1;
            last = failure;
            if (count >= limit) {
                throw new UserFacingException("The same failure aborted " + count + " transactions in a row ("
                        + failure + "); stopping, with that transaction's " + records + " not committed, so none is"
                        + " skipped. Start again once the cause is fixed.");
            }
        }
    }

    /**
     * The end of an instance that a newer one with the same name fenced. A producer is fenced too when the
     * broker aborted its transaction after {@code transaction.timeout.ms} (the broker away that long).
     */
    public static UserFacingException fenced(KafkaException e) {
        String cause = e instanceof FencedInstanceIdException ? "Another instance with the same name took over"
                : "Another instance with the same name took over, or the broker aborted this instance's open"
                + " transaction after its transaction timeout, 60 s (was it away that long?)";
        return new UserFacingException(cause + " (" + e.getClass().getSimpleName() + "); this one stops, and nothing"
                + " committed is lost. Give each running instance its own --instance, and start this one again.", e);
    }

    /** A call that waited a minute (max.block.ms, default.api.timeout.ms) for a broker that is away. */
    public static UserFacingException brokerAway(String what, TimeoutException e) {
        return new UserFacingException("Could not " + what + " within a minute: the broker is away (" + e.getMessage()
                + "). This one stops, and nothing committed is lost: start it again once the broker is back.", e);
    }
}
