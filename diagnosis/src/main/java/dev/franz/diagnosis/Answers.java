package dev.franz.diagnosis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import dev.franz.common.UserFacingException;

/**
 * The answers to the doctor's Admin calls: a refusal for lack of an ACL is kept as evidence (which call,
 * which operation on which resource) instead of ending the look; a thing that does not exist is no answer.
 */
final class Answers {

    /** The calls the cluster refused, gathered while looking. */
    final List<Evidence.Denied> denied = new ArrayList<>();

    /** Who asks, as the broker sees it: User:NAME. */
    private final String principal;

    Answers(String principal) {
        this.principal = principal;
    }

    /**
     * The answer to one Admin call; null when the cluster refused it (kept as evidence: which call, which
     * operation on which resource) or when the thing asked about does not exist.
     */
    <T> T answer(KafkaFuture<T> future, String call, String operation, String resource)
            throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException refused) {
                denied.add(new Evidence.Denied(call, operation, resource, refused.getMessage(), principal));
                return null;
            }
            if (e.getCause() instanceof GroupIdNotFoundException || e.getCause() instanceof UnknownTopicOrPartitionException
                    || e.getCause() instanceof TransactionalIdNotFoundException) {
                return null;
            }
            throw new UserFacingException("The cluster gave no answer to " + call + " (" + resource + "): "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    void refused(String call, String operation, String resource, AuthorizationException e) {
        denied.add(new Evidence.Denied(call, operation, resource, e.getMessage(), principal));
    }
}
