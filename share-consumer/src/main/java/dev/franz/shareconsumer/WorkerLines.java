package dev.franz.shareconsumer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;

import dev.franz.common.cli.RunSummary;

/** What a worker prints, and the counts its summary reports. The Kafka side is in {@link ShareConsumerLesson}. */
final class WorkerLines {

    private final PrintStream out;
    private long handled;
    private long accepted;
    private long released;
    private long rejected;
    private long refusedAcknowledgements;
    private long notCommitted;

    WorkerLines(PrintStream out) {
        this.out = out;
    }

    void println(String line) {
        out.println(line);
    }

    void takingJobs(String clientId, String topic, String group, long lockSeconds, long deliveryLimit,
                    String deadLetterTopic) {
        out.printf("%s: taking jobs from %s in share group %s (lock %d s, delivery limit %d, dead letters"
                + " to %s). Ctrl-C to stop.%n", clientId, topic, group, lockSeconds, deliveryLimit, deadLetterTopic);
    }

    void readingJobs(String clientId, String topic, String group) {
        out.printf("%s: reading %s in consumer group %s. Ctrl-C to stop.%n", clientId, topic, group);
    }

    void holding(ConsumerRecord<String, String> job, int delivery, long holdSeconds, long lockSeconds) {
        out.printf("%s-%d offset %-4d %-18s delivery %d  holding it %d s, past its %d s lock...%n", job.topic(),
                job.partition(), job.offset(), shown(job.value()), delivery, holdSeconds, lockSeconds);
    }

    void done(ConsumerRecord<String, String> job, int delivery, String note) {
        out.printf("%s-%d offset %-4d %-18s delivery %d  %s%n", job.topic(), job.partition(), job.offset(),
                shown(job.value()), delivery, note);
    }

    /** A job as printed: a long one by its start and length, not a megabyte of text in the terminal. */
    static String shown(String job) {
        return job == null || job.length() <= 40 ? String.valueOf(job)
                : job.substring(0, 40) + "... (" + job.length() + " characters)";
    }

    void count(AcknowledgeType outcome) {
        handled++;
        switch (outcome) {
            case ACCEPT -> accepted++;
            case RELEASE -> released++;
            case REJECT -> rejected++;
            default -> { }
        }
    }

    void refused(TopicIdPartition partition, KafkaException e) {
        refusedAcknowledgements++;
        out.printf("Acknowledgements refused for %s-%d: %s (%s)%n", partition.topic(), partition.partition(),
                e.getClass().getSimpleName(), e.getMessage());
    }

    void notCommittedYet() {
        out.println("Not committed yet: the group is rebalancing; committed when this member hands its"
                + " partitions over, in the next poll.");
    }

    void notCommitted() {
        notCommitted++;
        out.println("Not committed: this member left the group while working (slower than max.poll.interval.ms);"
                + " the jobs since its last commit will be done again by the partition's next owner.");
    }

    void summary(String clientId, boolean shareGroup, Duration elapsed, Path summaryFile) {
        RunSummary summary = new RunSummary(clientId, "handled", handled, "jobs", elapsed);
        if (shareGroup) {
            summary.count("accepted", accepted)
                    .count("released", released)
                    .count("rejected", rejected)
                    .count("acknowledgements refused", refusedAcknowledgements);
        } else {
            summary.count("commits refused", notCommitted); // a consumer group acknowledges nothing
        }
        summary.report(out, summaryFile);
    }

    long handled() {
        return handled;
    }

    long accepted() {
        return accepted;
    }

    long released() {
        return released;
    }

    long rejected() {
        return rejected;
    }

    long commitsRefused() {
        return notCommitted;
    }
}
