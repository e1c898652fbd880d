package dev.franz.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Queues for Kafka: three share-consumer workers sharing one partition, against three members of a
 * consumer group on three partitions, on the same records. Both sets of workers are started and
 * have joined before the records are produced; each run is timed from the first record produced
 * to the last one acknowledged (share group) or committed (consumer group), read from the broker.
 */
final class ShareGroupScenarios {

    private static final String WORKER = "dev.franz.shareconsumer.ShareConsumerLesson";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final int WORKERS = 3;
    /** Both kinds of worker take up to this many records per poll. */
    private static final String RECORDS_PER_POLL = "500";

    private final String bootstrapServers;
    private final long records;
    private final int rounds;
    private final ChildJvm jvm;
    private int runNumber;

    ShareGroupScenarios(String bootstrapServers, long records, int rounds, ChildJvm jvm) {
        this.bootstrapServers = bootstrapServers;
        this.records = records;
        this.rounds = rounds;
        this.jvm = jvm;
    }

    Measurement shareVersusConsumerGroup() throws Exception {
        Measurement m = Measurement.of("share group of 3 workers on 1 partition", "consumer group of 3 on 3 partitions",
                "records/s", true, Double.NaN);
        for (int round = 0; round < rounds; round++) {
            boolean shareFirst = round % 2 == 0;
            for (boolean share : new boolean[] {shareFirst, !shareFirst}) {
                if (share) {
                    m.ours().add(run(true));
                } else {
                    m.references().add(run(false));
                }
            }
        }
        return m.withNote("no goal: what a share group costs next to partitions; 3 worker JVMs each, " + RECORDS_PER_POLL
                + " records per poll, no work per record");
    }

    private double run(boolean share) throws Exception {
        int run = ++runNumber;
        String topic = "bench-" + (share ? "share" : "classic") + "-" + run;
        String group = "bench-workers-" + run;
        try (Admin admin = Admin.create(props())) {
            admin.createTopics(List.of(new NewTopic(topic, share ? 1 : WORKERS, (short) 1),
                    new NewTopic("dlq." + topic, 1, (short) 1))).all().get();
            List<Process> workers = new ArrayList<>();
            try {
                for (int n = 1; n <= WORKERS; n++) {
                    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrapServers,
                            "--set", "TOPIC_JOBS=" + topic, "--group", group, "--instance", String.valueOf(n),
                            "--work-ms", "0", "--print-every", "0", "--max-poll-records", RECORDS_PER_POLL));
                    if (!share) {
                        args.addAll(List.of("--as", "consumer-group"));
                    }
                    workers.add(jvm.start(WORKER, args));
                }
                awaitJoined(admin, share ? group : group + "-classic", share);
                long startedAt = System.nanoTime();
                produce(topic);
                awaitAllDone(admin, topic, share ? group : group + "-classic", share);
                return records / ((System.nanoTime() - startedAt) / 1e9);
            } finally {
                for (Process worker : workers) {
                    worker.destroy();
                }
                for (Process worker : workers) {
                    worker.waitFor(30, TimeUnit.SECONDS);
                }
                admin.deleteTopics(List.of(topic, "dlq." + topic)).all().get();
            }
        }
    }

    private void awaitJoined(Admin admin, String group, boolean share) throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (share) {
                    if (admin.describeShareGroups(List.of(group)).all().get().get(group).members().size() == WORKERS) {
                        return;
                    }
                } else {
                    ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get()
                            .get(group);
                    if (description.members().size() == WORKERS && description.members().stream()
                            .allMatch(member -> member.assignment().topicPartitions().size() == 1)) {
                        return;
                    }
                }
            } catch (ExecutionException notThereYet) {
                // the group does not exist until its first member joins
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("The workers of " + group + " did not join in time");
    }

    private void awaitAllDone(Admin admin, String topic, String group, boolean share) throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (share) {
                Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin.listShareGroupOffsets(Map.of(group,
                        new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo(group).get();
                SharePartitionOffsetInfo info = offsets.get(new TopicPartition(topic, 0));
                if (info != null && info.lag().orElse(-1L) == 0) {
                    return;
                }
            } else {
                long committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values()
                        .stream().mapToLong(OffsetAndMetadata::offset).sum();
                if (committed >= records) {
                    return;
                }
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("The workers of " + group + " did not finish in time");
    }

    private void produce(String topic) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props(), new StringSerializer(),
                new StringSerializer())) {
            for (long n = 1; n <= records; n++) {
                producer.send(new ProducerRecord<>(topic, "job-" + n, "job-" + n));
            }
        }
    }

    private Properties props() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("linger.ms", 5);
        return props;
    }
}
