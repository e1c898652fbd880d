package dev.franz.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ExactlyOnceLoopTest {

    private static final TopicPartition INPUT = new TopicPartition("in", 0);

    private final MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
    private final MockProducer<String, byte[]> producer = new MockProducer<>(false, new RoundRobinPartitioner(),
            new StringSerializer(), new ByteArraySerializer());
    private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    private final UpperCase processor = new UpperCase();
    private final ExactlyOnceLoop<String, String> loop = new ExactlyOnceLoop<>(consumer, producer, out);

    @Test
    void outputsAndOffsetsAreCommittedInOneTransactionPerPoll() {
        consumer.schedulePollTask(() -> {
            assign();
            addRecords("a", "b");
        });
        consumer.schedulePollTask(consumer::wakeup);

        loop.run(List.of(INPUT.topic()), processor, Duration.ZERO);

        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("A", "B");
        assertThat(producer.consumerGroupOffsetsHistory()).hasSize(1);
        assertThat(producer.consumerGroupOffsetsHistory().get(0).values().iterator().next())
                .isEqualTo(Map.of(INPUT, new OffsetAndMetadata(2)));
        assertThat(loop.committedTransactions()).isEqualTo(1);
        assertThat(processor.committed).containsExactly("A", "B");
    }

    @Test
    void anAbortableErrorAbortsRewindsAndProcessesTheRecordsAgain() {
        producer.commitTransactionException = new KafkaException("simulated: the commit failed");
        consumer.schedulePollTask(() -> {
            assign();
            addRecords("a", "b");
        });
        consumer.schedulePollTask(() -> {
            producer.commitTransactionException = null;
            // Delivered again only if the loop went back to offset 0 (the last committed position).
            addRecords("a", "b");
        });
        consumer.schedulePollTask(consumer::wakeup);

        loop.run(List.of(INPUT.topic()), processor, Duration.ZERO);

        assertThat(loop.abortedTransactions()).isEqualTo(1);
        assertThat(loop.committedTransactions()).isEqualTo(1);
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("A", "B");
        assertThat(processor.committed).containsExactly("A", "B");
        assertThat(processor.abortedBatches).isEqualTo(1);
    }

    @Test
    void beingFencedStopsTheLoopWithAClearMessage() {
        producer.commitTransactionException = new ProducerFencedException("a newer producer has the same id");
        consumer.schedulePollTask(() -> {
            assign();
            addRecords("a");
        });

        assertThatThrownBy(() -> loop.run(List.of(INPUT.topic()), processor, Duration.ZERO))
                .isInstanceOf(ExactlyOnceLoop.FencedException.class)
                .hasMessageContaining("Another instance with the same name took over (ProducerFencedException)");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aCommitThatTimesOutIsRetriedNotAborted() {
        MockProducer<String, byte[]> slowToCommit = new MockProducer<>(false, new RoundRobinPartitioner(),
                new StringSerializer(), new ByteArraySerializer()) {
            private boolean timedOut;

            @Override
            public void commitTransaction() {
                if (!timedOut) {
                    timedOut = true;
                    throw new TimeoutException("simulated: no answer within max.block.ms");
                }
                super.commitTransaction();
            }
        };
        ExactlyOnceLoop<String, String> loopWithSlowCommit = new ExactlyOnceLoop<>(consumer, slowToCommit, out);
        consumer.schedulePollTask(() -> {
            assign();
            addRecords("a");
        });
        consumer.schedulePollTask(consumer::wakeup);

        loopWithSlowCommit.run(List.of(INPUT.topic()), processor, Duration.ZERO);

        assertThat(loopWithSlowCommit.abortedTransactions()).isZero();
        assertThat(slowToCommit.history()).extracting(ProducerRecord::key).containsExactly("A");
        assertThat(processor.committed).containsExactly("A");
    }

    @Test
    void anotherConsumerWithOurInstanceIdStopsTheLoopWithAClearMessage() {
        consumer.setPollException(new FencedInstanceIdException("another consumer has this group.instance.id"));

        assertThatThrownBy(() -> loop.run(List.of(INPUT.topic()), processor, Duration.ZERO))
                .isInstanceOf(ExactlyOnceLoop.FencedException.class)
                .hasMessageContaining("(FencedInstanceIdException); this one stops");
    }

    private void assign() {
        consumer.rebalance(List.of(INPUT));
        consumer.updateBeginningOffsets(Map.of(INPUT, 0L));
    }

    private void addRecords(String... values) {
        for (int offset = 0; offset < values.length; offset++) {
            consumer.addRecord(new ConsumerRecord<>(INPUT.topic(), INPUT.partition(), offset, null, values[offset]));
        }
    }

    /** Writes each value upper-cased, as the key of a record on "out". */
    private static final class UpperCase implements ExactlyOnceLoop.BatchProcessor<String, String> {
        final List<String> committed = new ArrayList<>();
        final List<String> batch = new ArrayList<>();
        int abortedBatches;

        @Override
        public List<ProducerRecord<String, byte[]>> process(ConsumerRecords<String, String> records) {
            List<ProducerRecord<String, byte[]>> outputs = new ArrayList<>();
            for (ConsumerRecord<String, String> record : records) {
                String upper = record.value().toUpperCase();
                batch.add(upper);
                outputs.add(new ProducerRecord<>("out", upper, new byte[0]));
            }
            return outputs;
        }

        @Override
        public void committed() {
            committed.addAll(batch);
            batch.clear();
        }

        @Override
        public void aborted() {
            abortedBatches++;
            batch.clear();
        }
    }
}
