package dev.franz.liveview;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;

import dev.franz.liveview.Views.TransactionView;

/**
 * Transactions and the producers that write them, asked of the Admin client once a look: the
 * transactional ids the transaction coordinators know, and the producers the partition leaders of
 * Level 3's flow list.
 */
final class Transactions {

    /** Transactional ids described per look; a cluster with more shows the first ones. */
    static final int MAX_TRANSACTIONS = 100;

    private Transactions() {
    }

    /**
     * The transactional ids the transaction coordinators know (Admin {@code listTransactions}), each
     * described: state, producer id and epoch, the partitions of its open transaction and its start.
     */
    static List<TransactionView> transactions(Admin admin)
            throws TimeoutException, InterruptedException {
        List<String> ids;
        try {
            ids = admin.listTransactions().all().get(3, TimeUnit.SECONDS).stream()
                    .map(TransactionListing::transactionalId).sorted().limit(MAX_TRANSACTIONS).toList();
        } catch (ExecutionException notAllowed) {
            // A secured cluster may not let this user describe transactional ids: the rest of the page stays.
            return List.of();
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        var described = admin.describeTransactions(ids);
        List<TransactionView> views = new ArrayList<>();
        for (String id : ids) {
            TransactionDescription d = KafkaWatcher.getOrNull(described.description(id));
            if (d != null) {
                views.add(new TransactionView(id, d.state().toString(), d.producerId(), d.producerEpoch(),
                        KafkaWatcher.names(d.topicPartitions()), d.state() == TransactionState.ONGOING
                        && d.transactionStartTimeMs().isPresent() ? d.transactionStartTimeMs().getAsLong() : null,
                        d.transactionTimeoutMs()));
            }
        }
        return views;
    }

    /**
     * The producers each partition's leader remembers having written to it (Admin
     * {@code describeProducers}): producer id, epoch and the time of its last batch. Transactional and
     * idempotent producers have a producer id; a producer with neither is not listed.
     */
    static List<Level3Flow.Producer> producers(Admin admin, List<TopicPartition> partitions)
            throws InterruptedException {
        if (partitions.isEmpty()) {
            return List.of();
        }
        DescribeProducersResult result = admin.describeProducers(partitions);
        List<Level3Flow.Producer> producers = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            var state = KafkaWatcher.getOrNull(result.partitionResult(tp));
            if (state != null) {
                state.activeProducers().forEach(p -> producers.add(new Level3Flow.Producer(tp.topic(), tp.partition(),
                        p.producerId(), p.producerEpoch(), p.lastTimestamp())));
            }
        }
        return producers;
    }
}
