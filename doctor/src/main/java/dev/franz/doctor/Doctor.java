package dev.franz.doctor;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.common.TopicPartition;

import dev.franz.common.cli.Cli;
import dev.franz.common.cli.ConfigOptions;
import dev.franz.common.cli.Numbers;
import dev.franz.common.cli.TopicName;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.BrokerPreflight;
import dev.franz.doctor.Evidence.Group;
import dev.franz.doctor.Evidence.Member;
import dev.franz.doctor.Evidence.Partition;
import dev.franz.doctor.Evidence.Topic;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Why does my consumer get nothing? {@code bin/run doctor --group basic-consumer}
 *
 * <p>Reading path: this file is the program and the look: the Admin calls that list the cluster's
 * brokers, topics and groups, a transactional id's description, and the second look at the groups a few
 * seconds later. What it asks about each group is in {@link GroupLook} (with the consumer that reads a
 * small lag, by {@code assign()} and no group), about each topic in {@link TopicLook}. The answers are
 * {@link Evidence}, plain numbers; {@link Diagnosis} reasons over them with no Kafka call, and
 * {@link Report} prints the findings.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, version = "doctor (Franz)",
        description = "Read the cluster's state (offsets, groups, transactions, replicas, ACLs) and say why a"
                + " consumer gets nothing: each finding with its evidence, the likely cause and the fix.")
public final class Doctor implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    static final class Subject {
        @Option(names = "--group", paramLabel = "GROUP", description = "The group to look at (a consumer or share group).")
        String group;

        @Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class,
                description = "Topic to look at, with the groups that read it.")
        String topic;

        @Option(names = "--transactional-id", paramLabel = "ID", description = "A producer's transactional.id to look at.")
        String transactionalId;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Subject subject = new Subject();

    @Option(names = "--watch", paramLabel = "SECONDS", converter = Numbers.NotNegative.class, defaultValue = "3",
            description = "Look at groups with members again after SECONDS, to catch rebalances (0: one look;"
                    + " default ${DEFAULT-VALUE}).")
    long watchSeconds;

    @Option(names = "--json", description = "Print the findings as JSON, for scripts.")
    boolean json;

    /** Who the doctor asks as (from the client settings), for the ACL a refusal needs. */
    String principal = "User:NAME";

    /** Where the report goes (a test reads it). */
    PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(Cli.run(new Doctor(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        FranzConfig config = configOptions.load();
        Properties props = config.clientProperties();
        principal = config.principal().startsWith("User:") ? config.principal() : principal;
        BrokerPreflight.check(props, BrokerPreflight.DEFAULT_TIMEOUT);
        Evidence evidence = look(props, new Evidence.Asked(subject.group, subject.topic, subject.transactionalId),
                Duration.ofSeconds(watchSeconds));
        Report.print(out, evidence, Diagnosis.diagnose(evidence), json);
        return 0;
    }

    /** Reads everything the diagnosis needs about {@code asked}: one Admin client, closed at the end. */
    Evidence look(Properties connection, Evidence.Asked asked, Duration secondLook) throws InterruptedException {
        Properties props = new Properties();
        props.putAll(connection);
        // A partition whose leader is down makes a call wait: answer in seconds, not Kafka's default minute.
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        Answers answers = new Answers(principal);
        try (Admin admin = Admin.create(props)) {
            long now = System.currentTimeMillis();
            Set<Integer> brokers = new TreeSet<>();
            Optional.ofNullable(answers.answer(admin.describeCluster().nodes(), "describeCluster", "DESCRIBE", "CLUSTER"))
                    .ifPresent(nodes -> nodes.forEach(node -> brokers.add(node.id())));
            Set<String> topicNames = new TreeSet<>(Optional.ofNullable(answers.answer(admin.listTopics().names(),
                    "listTopics", "DESCRIBE", "CLUSTER")).orElse(Set.of()));
            Map<String, String> groupTypes = new HashMap<>();
            Optional.ofNullable(answers.answer(admin.listGroups().all(), "listGroups", "DESCRIBE", "CLUSTER"))
                    .ifPresent(all -> all.forEach(g -> groupTypes.put(g.groupId(),
                            g.type().map(t -> t.name().toLowerCase(Locale.ROOT)).orElse("classic"))));

            // What to look at closely: the transactional id's partitions, the group asked, or every group.
            List<Evidence.Transaction> transactions = new ArrayList<>();
            Set<String> topics = new TreeSet<>();
            if (asked.transactionalId() != null) {
                TransactionDescription t = answers.answer(admin.describeTransactions(List.of(asked.transactionalId()))
                        .description(asked.transactionalId()), "describeTransactions", "DESCRIBE",
                        "TRANSACTIONAL_ID " + asked.transactionalId());
                if (t != null) {
                    transactions.add(new Evidence.Transaction(asked.transactionalId(), t.state().toString(),
                            t.producerId(), t.producerEpoch(), t.transactionStartTimeMs().orElse(-1),
                            t.transactionTimeoutMs(), t.topicPartitions()));
                    t.topicPartitions().forEach(tp -> topics.add(tp.topic()));
                }
            }
            List<Group> groups = new ArrayList<>();
            if (asked.transactionalId() == null) {
                Collection<String> ids = asked.group() != null ? List.of(asked.group()) : new TreeSet<>(groupTypes.keySet());
                for (String id : ids) {
                    Group g = GroupLook.group(admin, answers, id, groupTypes.getOrDefault(id, "consumer"));
                    boolean touchesTopic = asked.topic() == null || g != null && (g.committed().keySet().stream()
                            .anyMatch(tp -> tp.topic().equals(asked.topic())) || g.members().stream()
                            .anyMatch(m -> m.assigned().stream().anyMatch(tp -> tp.topic().equals(asked.topic()))));
                    if (g != null && touchesTopic) {
                        groups.add(g);
                        g.committed().keySet().forEach(tp -> topics.add(tp.topic()));
                        g.members().forEach(m -> m.assigned().forEach(tp -> topics.add(tp.topic())));
                    }
                }
            }
            if (asked.isEverything()) {
                topics.addAll(topicNames);
            }
            topics.retainAll(topicNames);
            if (asked.topic() != null) {
                // Described even when not listed: a secured cluster lists only the topics this user may see.
                topics.add(asked.topic());
            }
            List<Topic> described = new ArrayList<>();
            for (String name : topics) {
                Optional.ofNullable(TopicLook.topic(admin, answers, name)).ifPresent(described::add);
            }

            // A lag of a few offsets: records, or only transaction markers? Read them to know.
            Map<String, Partition> byPartition = new HashMap<>();
            described.forEach(t -> t.partitions().forEach(p -> byPartition.put(t.name() + "-" + p.partition(), p)));
            List<Group> read = new ArrayList<>();
            for (Group g : groups) {
                Map<TopicPartition, Long> gaps = new HashMap<>();
                g.committed().forEach((tp, committed) -> {
                    Partition p = byPartition.get(tp.toString());
                    if (!g.type().equals("share") && p != null && committed >= p.logStart() && committed < p.end()
                            && p.end() - committed <= Diagnosis.SMALL_LAG && p.lastStable() == p.end()) {
                        gaps.put(tp, committed);
                    }
                });
                read.add(gaps.isEmpty() ? g : new Group(g.id(), g.type(), g.state(), g.epoch(), g.members(),
                        g.committed(), g.shareAutoOffsetReset(), null,
                        GroupLook.readGaps(connection, answers, gaps, byPartition)));
            }

            // A second look, a few seconds later, at the groups with members: did they rebalance?
            List<Group> looked = read;
            if (!secondLook.isZero() && read.stream().anyMatch(g -> !g.members().isEmpty())) {
                Thread.sleep(secondLook.toMillis());
                looked = new ArrayList<>();
                for (Group g : read) {
                    Group again = g.members().isEmpty() ? null : GroupLook.group(admin, answers, g.id(), g.type());
                    looked.add(again == null ? g : new Group(g.id(), g.type(), g.state(), g.epoch(), g.members(),
                            g.committed(), g.shareAutoOffsetReset(), new Evidence.SecondLook(secondLook.toSeconds(),
                            again.state(), again.epoch(), again.members().stream().map(Member::memberId)
                            .collect(Collectors.toCollection(TreeSet::new))), g.gapReads()));
                }
            }
            return new Evidence(props.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), now, asked, brokers,
                    topicNames, new TreeSet<>(groupTypes.keySet()), described, looked, transactions,
                    List.copyOf(answers.denied));
        }
    }
}
