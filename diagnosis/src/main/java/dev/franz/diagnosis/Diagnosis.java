package dev.franz.diagnosis;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.common.TopicPartition;

import dev.franz.diagnosis.Evidence.GapRead;
import dev.franz.diagnosis.Evidence.Group;
import dev.franz.diagnosis.Evidence.Member;
import dev.franz.diagnosis.Evidence.OpenTransaction;
import dev.franz.diagnosis.Evidence.Partition;
import dev.franz.diagnosis.Evidence.Topic;
import dev.franz.diagnosis.Evidence.Transaction;
import dev.franz.diagnosis.Finding.Code;

/**
 * The reasoning: from what {@link ClusterLook} read ({@link Evidence}) to findings, with no Kafka call. Each
 * cause is said only with the numbers that show it; what the numbers do not show stays unsaid.
 */
public final class Diagnosis {

    /** Lag up to this many offsets is read, to see whether it is records or transaction markers. */
    public static final int SMALL_LAG = 10;

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Diagnosis() {
    }

    /** Every finding, in the order: refusals, what was asked about, groups, topics, transactions. */
    public static List<Finding> diagnose(Evidence e) {
        List<Finding> findings = new ArrayList<>();
        // One finding per operation refused on a resource, naming every call it stopped.
        Map<String, List<Evidence.Denied>> refusals = new java.util.LinkedHashMap<>();
        e.denied().forEach(d -> refusals.computeIfAbsent(d.operation() + " " + d.resource(), k -> new ArrayList<>()).add(d));
        refusals.values().forEach(same -> findings.add(notAuthorized(e, same)));
        Evidence.Asked asked = e.asked();
        if (asked.topic() != null && !e.topicNames().contains(asked.topic()) && !deniedAbout(e, asked.topic())) {
            findings.add(notFound(Code.TOPIC_NOT_FOUND, "topic " + asked.topic(), asked.topic(), e.topicNames(),
                    "Admin.listTopics", "bin/kafka-topics --bootstrap-server " + e.bootstrapServers() + " --list",
                    "a consumer waits for a topic that does not exist (and a producer creates it only if the broker"
                            + " allows auto.create.topics.enable)"));
        }
        if (asked.group() != null && e.groups().isEmpty() && !e.groupIds().contains(asked.group())
                && !deniedAbout(e, asked.group())) {
            findings.add(notFound(Code.GROUP_NOT_FOUND, "group " + asked.group(), asked.group(), e.groupIds(),
                    "Admin.listGroups, Admin.describeConsumerGroups",
                    "bin/kafka-consumer-groups --bootstrap-server " + e.bootstrapServers() + " --list",
                    "no consumer has joined or committed with this group id; a consumer that joins with it starts"
                            + " at auto.offset.reset (latest by default: only records written after it joins)"));
        }
        if (asked.transactionalId() != null && e.transactions().isEmpty() && !deniedAbout(e, asked.transactionalId())) {
            findings.add(notFound(Code.TRANSACTION_NOT_FOUND, "transactional id " + asked.transactionalId(),
                    asked.transactionalId(), Set.of(), "Admin.describeTransactions", transactionsTool(e) + " list",
                    "no producer has called initTransactions() with this transactional.id, or its id expired"
                            + " (transactional.id.expiration.ms, 7 days by default)"));
        }
        Set<String> reportedTransactions = new TreeSet<>();
        for (Transaction t : e.transactions()) {
            findings.add(transaction(e, t));
            reportedTransactions.add(t.transactionalId());
        }
        for (Group g : e.groups()) {
            findings.addAll(g.type().equals("share") ? shareGroup(e, g)
                    : g.type().equals("streams") ? List.of(streamsGroup(e, g)) : consumerGroup(e, g));
        }
        List<Topic> healthyTopics = new ArrayList<>();
        for (Topic t : e.topics()) {
            List<Finding> found = topic(e, t, reportedTransactions);
            findings.addAll(found);
            if (found.isEmpty()) {
                healthyTopics.add(t);
            }
        }
        if (asked.topic() != null) {
            healthyTopics.stream().filter(t -> t.name().equals(asked.topic())).forEach(t -> findings.add(healthy(t)));
        } else if (asked.isEverything() && e.topics().isEmpty() && e.groups().isEmpty() && e.denied().isEmpty()) {
            findings.add(Finding.healthy("cluster", "no topics and no groups yet: nothing to read"));
        } else if (asked.isEverything() && !healthyTopics.isEmpty()) {
            findings.add(Finding.healthy("topics", healthyTopics.size() + " topic(s) with "
                    + healthyTopics.stream().mapToInt(t -> t.partitions().size()).sum() + " partition(s): every"
                    + " partition has a leader and enough in-sync replicas, no open transaction"));
        }
        return findings;
    }

    /** A topic with no finding, in one line: what was checked. */
    public static Finding healthy(Topic t) {
        return Finding.healthy("topic " + t.name(), t.partitions().size() + " partition(s), " + records(t)
                + "; every partition has a leader and enough in-sync replicas for acks=all"
                + " (min.insync.replicas=" + t.minInsyncReplicas() + ", or every replica where there are"
                + " fewer), no open transaction");
    }

    // ---------------------------------------------------------------- groups

    private static Finding streamsGroup(Evidence e, Group g) {
        return new Finding(Code.STREAMS_GROUP, "group " + g.id(), "a Kafka Streams application on the streams"
                + " protocol: the doctor does not diagnose its tasks", List.of(),
                List.of("Admin.describeStreamsGroups", "bin/kafka-streams-groups --bootstrap-server "
                        + e.bootstrapServers() + " --describe --group " + g.id() + " --members"),
                null, List.of("look at its tasks and lag with the command above, or in the live view's topology"
                        + " view (docs/live-view.md)"));
    }

    private static List<Finding> consumerGroup(Evidence e, Group g) {
        String subject = "group " + g.id();
        String describe = "bin/kafka-consumer-groups --bootstrap-server " + e.bootstrapServers() + " --describe --group "
                + g.id();
        List<Finding> out = new ArrayList<>();
        Map<TopicPartition, Partition> partitions = partitions(e);
        removed(e, g, partitions, describe).ifPresent(out::add);
        rebalancing(g, describe, "Admin.describeConsumerGroups, twice").ifPresent(out::add);
        idleMembers(e, g, partitions, describe).ifPresent(out::add);
        shared(g, describe).ifPresent(out::add);

        // Members own partitions that hold records, and the group committed nothing there.
        List<String> uncommitted = new ArrayList<>();
        for (Member m : g.members()) {
            for (TopicPartition tp : sorted(m.assigned())) {
                Partition p = partitions.get(tp);
                if (p != null && !g.committed().containsKey(tp) && p.end() > p.logStart()) {
                    uncommitted.add(tp + ": records " + p.logStart() + ".." + (p.end() - 1) + newest(e, p)
                            + ", no committed offset; owned by " + m.clientId());
                }
            }
        }
        if (!uncommitted.isEmpty()) {
            out.add(new Finding(Code.STARTED_AT_LATEST, subject, "its members own partitions that hold records,"
                    + " and the group has committed no offset there", uncommitted,
                    List.of("Admin.describeConsumerGroups, Admin.listConsumerGroupOffsets, Admin.listOffsets",
                            describe + " --members --verbose"),
                    "a consumer with no committed offset starts at auto.offset.reset, latest by Kafka's default: at"
                            + " the end, so records written before it joined are never read by this group (one with"
                            + " earliest reads them and commits within seconds: if it has just started, look again)",
                    List.of("to read from the first record: set auto.offset.reset=earliest before the group's first"
                                    + " commit (basic-consumer: --offset-reset earliest), or use a new group id",
                            "for a group that already committed: stop its consumers, then " + reset(describe))));
        }

        // Where the group stands in each partition it committed in.
        Map<TopicPartition, GapRead> reads = new HashMap<>();
        g.gapReads().forEach(r -> reads.put(r.partition(), r));
        List<String> atEnd = new ArrayList<>();
        List<String> markers = new ArrayList<>();
        List<String> records = new ArrayList<>();
        boolean held = false;
        boolean empty = true;
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> c : byName(g.committed()).entrySet()) {
            TopicPartition tp = c.getKey();
            Partition p = partitions.get(tp);
            long committed = c.getValue();
            if (p == null || committed < p.logStart()) {
                continue;
            }
            GapRead read = reads.get(tp);
            String line = tp + ": committed " + committed + ", end " + p.end();
            if (committed >= p.end()) {
                atEnd.add(line + (p.end() == p.logStart() ? ": no record stored" : newest(e, p)));
                empty &= p.end() == p.logStart();
            } else if (p.lastStable() < p.end() && committed >= p.lastStable()) {
                held = true; // the topic's OPEN_TRANSACTION says why
            } else if (read != null && read.records() == 0 && read.positionAfter() >= p.end()) {
                markers.add(line + ": a read_committed consumer placed at " + committed + " got 0 records and its"
                        + " position moved to " + read.positionAfter());
            } else {
                lag += p.end() - committed;
                records.add(line + (read != null ? ": a read from " + committed + " got " + read.records()
                        + " record(s)" : ""));
            }
        }
        if (!markers.isEmpty() && records.isEmpty() && !held) {
            List<String> evidence = new ArrayList<>(markers);
            evidence.addAll(atEnd);
            out.add(new Finding(Code.MARKER_LAG, subject, "the group has read every record; the lag left ("
                    + markers.size() + " partition(s)) is transaction markers, not records", evidence,
                    List.of("Admin.listConsumerGroupOffsets, Admin.listOffsets; a consumer with assign(), seek() and"
                            + " isolation.level=read_committed", describe),
                    "a transactional producer ends each transaction with a commit (or abort) marker: it takes an"
                            + " offset but is never delivered, so a consumer's committed offset can stay before it"
                            + " until a later record is read; lag counted in offsets counts the markers",
                    List.of("nothing to fix: there is nothing to read; the lag goes when new records are read",
                            "monitor lag as records not read (the end minus the committed offset can be a few markers"
                                    + " on a transactional topic)")));
        } else if (!atEnd.isEmpty() && markers.isEmpty() && records.isEmpty() && !held) {
            out.add(new Finding(Code.AT_END, subject, "its committed offsets are at the end: it has read every"
                    + " record, so a consumer of this group gets nothing until new records are written", atEnd,
                    List.of("Admin.listConsumerGroupOffsets, Admin.listOffsets(latest)", describe),
                    empty ? "nothing is stored in these partitions: nothing was written yet (or all of it was removed)"
                            : "nothing new was written since the group last read (the newest record's time is above);"
                            + " or it began at the end (auto.offset.reset=latest) after those records were written",
                    List.of("write new records (the consumer gets them at once)",
                            "to read everything again: stop the group's consumers, then " + reset(describe),
                            "or use a new group id with auto.offset.reset=earliest")));
        } else if (!records.isEmpty() && g.members().isEmpty()) {
            out.add(new Finding(Code.NO_MEMBERS, subject, lag + " record(s) wait for this group and no consumer"
                    + " of it runs", records, List.of("Admin.describeConsumerGroups, Admin.listOffsets", describe),
                    "its consumers are stopped (the group keeps its committed offsets while empty)",
                    List.of("start a consumer with group.id=" + g.id() + ": it reads from the committed offsets")));
        }
        if (out.isEmpty() && !held) {
            out.add(Finding.healthy(subject, g.state() + ", " + g.members().size() + " member(s) own "
                    + g.members().stream().mapToInt(m -> m.assigned().size()).sum() + " partition(s), lag " + lag
                    + (g.committed().isEmpty() ? ", nothing committed and no records in its partitions"
                    : ": it has records to read and members to read them")));
        }
        return out;
    }

    private static java.util.Optional<Finding> removed(Evidence e, Group g, Map<TopicPartition, Partition> partitions,
            String describe) {
        List<String> evidence = new ArrayList<>();
        Set<String> topics = new TreeSet<>();
        for (Map.Entry<TopicPartition, Long> c : byName(g.committed()).entrySet()) {
            Partition p = partitions.get(c.getKey());
            if (p != null && c.getValue() < p.logStart()) {
                evidence.add(c.getKey() + ": committed " + c.getValue() + ", log start " + p.logStart() + ": "
                        + (p.logStart() - c.getValue()) + " offset(s) removed before the group read them");
                topics.add(c.getKey().topic());
            }
        }
        if (evidence.isEmpty()) {
            return java.util.Optional.empty();
        }
        for (Topic t : e.topics()) {
            if (topics.contains(t.name())) {
                evidence.add("topic " + t.name() + ": retention.ms=" + t.retentionMs() + " ("
                        + duration(t.retentionMs()) + ")");
            }
        }
        String topic = topics.iterator().next();
        long longer = e.topics().stream().filter(t -> t.name().equals(topic)).mapToLong(t -> 2 * t.retentionMs())
                .filter(ms -> ms > 0).findFirst().orElse(604_800_000L);
        return java.util.Optional.of(new Finding(Code.RECORDS_REMOVED, "group " + g.id(), "records this group had"
                + " not read yet were removed: its committed offset is below the partition's first stored offset",
                evidence, List.of("Admin.listConsumerGroupOffsets, Admin.listOffsets(earliest), Admin.describeConfigs",
                describe, "bin/kafka-get-offsets --bootstrap-server " + e.bootstrapServers() + " --topic " + topic
                        + " --time earliest"),
                "retention (retention.ms, retention.bytes) or a delete-records call removed them while the group"
                        + " was stopped or behind; its consumer now jumps to auto.offset.reset (earliest: the log"
                        + " start; latest: the end) and never sees them",
                List.of("the removed records are gone; read the rest: the consumer continues from the log start"
                                + " with auto.offset.reset=earliest",
                        "keep them longer: bin/kafka-configs --bootstrap-server " + e.bootstrapServers()
                                + " --alter --entity-type topics --entity-name " + topic
                                + " --add-config retention.ms=" + longer + " (" + duration(longer) + ")",
                        "keep the group reading (a consumer stopped longer than the retention loses records)")));
    }

    private static java.util.Optional<Finding> rebalancing(Group g, String describe, String call) {
        Evidence.SecondLook second = g.secondLook();
        if (second == null) {
            return java.util.Optional.empty();
        }
        Set<String> before = g.members().stream().map(Member::memberId).collect(Collectors.toCollection(TreeSet::new));
        // One step of the epoch is one change (a member's assignment settling); a loop of leaving and
        // joining again takes two steps (the leave, the join) each time round.
        boolean epochGrew = g.epoch() >= 0 && second.epoch() >= g.epoch() + 2;
        // Members that all left (a stopped program's session ended: the group is empty now) or the first
        // to join an empty group are a program stopping or starting, not a group that cannot settle.
        boolean membersChanged = !before.isEmpty() && !second.memberIds().isEmpty() && !before.equals(second.memberIds());
        boolean unsettled = !stable(g.state()) && !stable(second.state()) && !second.memberIds().isEmpty();
        if (!epochGrew && !membersChanged && !unsettled) {
            return java.util.Optional.empty();
        }
        List<String> evidence = new ArrayList<>();
        evidence.add("first look: " + g.state() + ", epoch " + g.epoch() + ", " + before.size() + " member(s)");
        evidence.add(second.seconds() + " s later: " + second.state() + ", epoch " + second.epoch() + ", "
                + second.memberIds().size() + " member(s)" + (membersChanged ? ", not the same members" : ""));
        return java.util.Optional.of(new Finding(Code.REBALANCING, (g.type().equals("share") ? "share group " : "group ")
                + g.id(), "the group rebalanced"
                + " while the doctor looked (" + (epochGrew ? "its epoch grew" : membersChanged ? "its members changed"
                : "it did not settle") + "): while it rebalances, its consumers read little or nothing", evidence,
                List.of(call, describe + " --state"),
                "a member leaves and joins again: most often its loop takes longer between two poll() calls than"
                        + " max.poll.interval.ms (5 min by default), so it is removed and rejoins; or consumers are"
                        + " restarted, or crash, again and again",
                List.of("look in the consumer's log for \"poll timeout has expired\" or \"leaving group\"",
                        "do less per poll: a smaller max.poll.records, or faster processing",
                        "or allow more time: a larger max.poll.interval.ms",
                        "look again: bin/run doctor --group " + g.id() + " --watch 10")));
    }

    /**
     * Members that own nothing because their program has more members than the partitions it reads (per
     * program, by client id, in case two programs share the group).
     */
    private static java.util.Optional<Finding> idleMembers(Evidence e, Group g, Map<TopicPartition, Partition> partitions,
            String describe) {
        if (!stable(g.state())) {
            return java.util.Optional.empty();
        }
        Map<String, List<Member>> programs = new TreeMap<>();
        g.members().forEach(m -> programs.computeIfAbsent(program(m.clientId()), k -> new ArrayList<>()).add(m));
        List<String> evidence = new ArrayList<>();
        List<Member> idle = new ArrayList<>();
        String topic = null;
        int most = 0;
        for (List<Member> members : programs.values()) {
            Set<String> topics = new TreeSet<>();
            members.forEach(m -> m.assigned().forEach(tp -> topics.add(tp.topic())));
            if (topics.isEmpty() && programs.size() == 1) {
                topics.addAll(topicsOf(g)); // no member owns anything: the topics it committed in
            }
            int count = (int) partitions.keySet().stream().filter(tp -> topics.contains(tp.topic())).count();
            List<Member> none = members.stream().filter(m -> m.assigned().isEmpty()).toList();
            if (!none.isEmpty() && !topics.isEmpty() && members.size() > count) {
                evidence.add(members.size() + " members" + (programs.size() > 1 ? " of " + program(none.get(0).clientId())
                        : "") + ", " + count + " partition(s) in " + String.join(", ", topics));
                none.forEach(m -> evidence.add("member " + m.clientId() + " at " + m.host() + " owns no partition"));
                idle.addAll(none);
                topic = topics.iterator().next();
                most = Math.max(most, members.size());
            }
        }
        if (idle.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Finding(Code.IDLE_MEMBERS, "group " + g.id(), idle.size() + " of "
                + g.members().size() + " members own no partition: they get nothing", evidence,
                List.of("Admin.describeConsumerGroups (each member's assignment)", describe + " --members --verbose"),
                "a partition is read by one member of a group at a time: members beyond the partition count wait"
                        + " as standbys",
                List.of("run at most as many consumers as partitions (they take over when one stops)",
                        "or add partitions: bin/kafka-topics --bootstrap-server " + e.bootstrapServers() + " --alter"
                                + " --topic " + topic + " --partitions " + most + " (keys then map to other partitions)",
                        "or use a share group, where many consumers share a partition (docs/share-groups.md)")));
    }

    private static java.util.Optional<Finding> shared(Group g, String describe) {
        Map<String, List<Member>> programs = new TreeMap<>();
        g.members().forEach(m -> programs.computeIfAbsent(program(m.clientId()), k -> new ArrayList<>()).add(m));
        if (programs.size() < 2) {
            return java.util.Optional.empty();
        }
        List<String> evidence = new ArrayList<>();
        programs.forEach((program, members) -> members.forEach(m -> evidence.add("client id " + m.clientId()
                + " at " + m.host() + " owns " + sorted(m.assigned()))));
        Set<String> topics = topicsOf(g);
        evidence.add("topics of the group: " + topics);
        return java.util.Optional.of(new Finding(Code.GROUP_SHARED, "group " + g.id(), "one group id is used by "
                + programs.size() + " programs (client ids " + programs.keySet() + ")"
                + (topics.size() > 1 ? " on " + topics.size() + " topics" : ""), evidence,
                List.of("Admin.describeConsumerGroups (members' client ids and assignments)",
                        describe + " --members --verbose"),
                "consumers with the same group.id share the work: each program gets only some partitions, and each"
                        + " one's joining or leaving rebalances the other",
                List.of("give each program its own group.id (a group is one application's position)",
                        "if they are copies of one program, give them the same client id prefix")));
    }

    private static List<Finding> shareGroup(Evidence e, Group g) {
        String subject = "share group " + g.id();
        String describe = "bin/kafka-share-groups --bootstrap-server " + e.bootstrapServers() + " --describe --group "
                + g.id();
        String reset = g.shareAutoOffsetReset() == null ? "latest" : g.shareAutoOffsetReset();
        Map<TopicPartition, Partition> partitions = partitions(e);
        List<Finding> out = new ArrayList<>();
        rebalancing(g, describe, "Admin.describeShareGroups, twice").ifPresent(out::add);
        Set<TopicPartition> all = new TreeSet<>(java.util.Comparator.comparing(TopicPartition::toString));
        all.addAll(g.committed().keySet());
        g.members().forEach(m -> all.addAll(m.assigned()));
        List<String> atLatest = new ArrayList<>();
        List<String> atEnd = new ArrayList<>();
        long lag = 0;
        for (TopicPartition tp : all) {
            Partition p = partitions.get(tp);
            Long start = g.committed().get(tp);
            if (p == null) {
                continue;
            }
            if (start == null && p.end() > p.logStart() && reset.equals("latest")) {
                atLatest.add(tp + ": records " + p.logStart() + ".." + (p.end() - 1) + ", the group has no start"
                        + " offset there yet: it will begin at " + p.end());
            } else if (start != null && start >= p.end()) {
                (reset.equals("latest") && start > p.logStart() ? atLatest : atEnd).add(tp + ": start offset "
                        + start + ", end " + p.end() + ", log start " + p.logStart() + newest(e, p));
            } else if (start != null) {
                lag += p.end() - Math.max(start, p.logStart());
            }
        }
        String config = "bin/kafka-configs --bootstrap-server " + e.bootstrapServers() + " --describe --entity-type"
                + " groups --entity-name " + g.id();
        if (!atLatest.isEmpty()) {
            List<String> evidence = new ArrayList<>(atLatest);
            evidence.add(0, "share.auto.offset.reset=" + reset + (g.shareAutoOffsetReset() == null ? " (the default)" : ""));
            out.add(new Finding(Code.SHARE_STARTED_AT_LATEST, subject, "the share group begins at the latest offset:"
                    + " records written before it first read a partition are never delivered to it", evidence,
                    List.of("Admin.describeConfigs (GROUP), Admin.listShareGroupOffsets, Admin.listOffsets", describe,
                            config),
                    "share groups start at the latest offset by default (share.auto.offset.reset=latest), whatever"
                            + " the consumers' own settings; the records before the start offset were written before"
                            + " the group began there (or were delivered already)",
                    List.of("set it before the group first reads: " + config.replace("--describe", "--alter")
                                    + " --add-config share.auto.offset.reset=earliest",
                            "for a group that has begun: stop its consumers, then " + reset(describe))));
        } else if (!atEnd.isEmpty() && lag == 0) {
            out.add(new Finding(Code.AT_END, subject, "its start offsets are at the end: every record was delivered,"
                    + " so its consumers get nothing until new records are written", atEnd,
                    List.of("Admin.listShareGroupOffsets, Admin.listOffsets(latest)", describe),
                    "nothing new was written since its consumers read", List.of("write new records")));
        } else if (lag > 0 && g.members().isEmpty()) {
            out.add(new Finding(Code.NO_MEMBERS, subject, lag + " record(s) wait for this share group and no"
                    + " consumer of it runs", List.of("share.auto.offset.reset=" + reset, "records to deliver: " + lag),
                    List.of("Admin.describeShareGroups, Admin.listShareGroupOffsets", describe),
                    "its consumers are stopped", List.of("start a share consumer with group.id=" + g.id())));
        }
        if (out.isEmpty()) {
            out.add(Finding.healthy(subject, g.state() + ", " + g.members().size() + " member(s), "
                    + "share.auto.offset.reset=" + reset + ", " + lag + " record(s) to deliver"));
        }
        return out;
    }

    // ---------------------------------------------------------------- topics

    private static List<Finding> topic(Evidence e, Topic t, Set<String> reportedTransactions) {
        String subject = "topic " + t.name();
        String describe = "bin/kafka-topics --bootstrap-server " + e.bootstrapServers() + " --describe --topic "
                + t.name();
        List<Finding> out = new ArrayList<>();
        List<String> leaderless = new ArrayList<>();
        List<String> underMin = new ArrayList<>();
        Set<Integer> missing = new TreeSet<>();
        for (Partition p : t.partitions()) {
            p.replicas().stream().filter(r -> !e.brokers().contains(r)).forEach(missing::add);
            String replicas = "replicas " + p.replicas() + ", in sync " + p.inSync();
            if (p.leader() < 0) {
                leaderless.add(t.name() + "-" + p.partition() + ": no leader; " + replicas);
            } else if (p.inSync().size() < Math.min(t.minInsyncReplicas(), p.replicas().size())) {
                // Kafka 4 asks for at most as many in-sync copies as there are copies: on a topic of one
                // replica with min.insync.replicas=2, an acks=all send succeeds (seen on the local broker).
                underMin.add(t.name() + "-" + p.partition() + ": " + replicas + ", min.insync.replicas="
                        + t.minInsyncReplicas());
            }
        }
        String brokers = "brokers answering: " + new TreeSet<>(e.brokers()) + (missing.isEmpty() ? ""
                : "; replicas on brokers that do not answer: " + missing);
        if (!leaderless.isEmpty()) {
            leaderless.add(brokers);
            out.add(new Finding(Code.NO_LEADER, subject, leaderless.size() - 1 + " partition(s) have no leader:"
                    + " nothing can be written to or read from them", leaderless,
                    List.of("Admin.describeTopics, Admin.describeCluster", describe + " --unavailable-partitions"),
                    missing.isEmpty() ? "every replica of these partitions is out of sync or offline"
                            : "the brokers holding their replicas are down: " + missing,
                    List.of("start the broker(s) again: the partition gets a leader when an in-sync replica returns",
                            "see docs/replication.md (a broker killed, a leader elected)")));
        }
        if (!underMin.isEmpty()) {
            underMin.add(brokers);
            out.add(new Finding(Code.UNDER_MIN_ISR, subject, underMin.size() - 1 + " partition(s) have fewer in-sync"
                    + " replicas than min.insync.replicas=" + t.minInsyncReplicas() + ": a producer with acks=all"
                    + " gets NOT_ENOUGH_REPLICAS (its sends fail after retrying)", underMin,
                    List.of("Admin.describeTopics, Admin.describeConfigs, Admin.describeCluster", describe,
                            "bin/kafka-configs --bootstrap-server " + e.bootstrapServers() + " --describe --entity-type"
                                    + " topics --entity-name " + t.name()),
                    !missing.isEmpty() ? "a broker is down: " + missing
                            : "replicas fell behind their leader (out of sync)",
                    List.of(!missing.isEmpty() ? "start the broker(s) again: their replicas catch up and rejoin the ISR"
                                    : "lower it where the cluster is small: bin/kafka-configs --bootstrap-server "
                                    + e.bootstrapServers() + " --alter --entity-type topics --entity-name " + t.name()
                                    + " --add-config min.insync.replicas=1",
                            "consumers still read what was written; acks=1 producers still write, at the risk of"
                                    + " losing records (docs/replication.md)")));
        }
        List<String> open = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        boolean anyOpen = false;
        for (Partition p : t.partitions()) {
            if (p.lastStable() >= p.end()) {
                continue;
            }
            List<OpenTransaction> mine = p.open().stream()
                    .filter(o -> o.transactionalId() == null || !reportedTransactions.contains(o.transactionalId())).toList();
            if (!p.open().isEmpty() && mine.isEmpty()) {
                continue; // said under its transactional id
            }
            anyOpen = true;
            open.add(t.name() + "-" + p.partition() + ": last stable offset " + p.lastStable() + " < end " + p.end()
                    + ": " + (p.end() - p.lastStable()) + " offset(s) from " + p.lastStable()
                    + " wait for a transaction's end");
            if (mine.isEmpty()) {
                open.add("  no producer listed with an open transaction (Admin.describeProducers answered none)");
            }
            for (OpenTransaction o : mine) {
                open.add("  producer id " + o.producerId() + " epoch " + o.producerEpoch() + (o.transactionalId() == null
                        ? ", known to no transaction coordinator" : " (transactional id " + o.transactionalId() + ", "
                        + o.state() + (o.startTimeMs() > 0 ? " since " + clock(e, o.startTimeMs()) : "")
                        + ", timeout " + duration(o.timeoutMs()) + ")") + ": its transaction began at offset "
                        + o.firstOffset() + ", last write " + clock(e, o.lastTimestamp()));
                if (o.transactionalId() == null || (o.startTimeMs() > 0 && e.nowMs() - o.startTimeMs() > o.timeoutMs())) {
                    fixes.add("it looks hanging (past its timeout, or unknown to the coordinators): "
                            + transactionsTool(e) + " find-hanging --broker-id " + p.leader() + ", then "
                            + transactionsTool(e) + " abort --topic " + t.name() + " --partition " + p.partition()
                            + " --start-offset " + o.firstOffset());
                }
            }
        }
        if (anyOpen) {
            List<String> all = new ArrayList<>(List.of("the producer commits or aborts it (commitTransaction,"
                    + " abortTransaction); a producer that died is aborted by its coordinator after"
                    + " transaction.timeout.ms (1 min by default)", "or start the producer again with the same"
                    + " transactional.id: initTransactions() aborts the open transaction"));
            all.addAll(fixes);
            out.add(new Finding(Code.OPEN_TRANSACTION, subject, "an open transaction holds the last stable offset:"
                    + " read_committed consumers get nothing past it until it ends", open,
                    List.of("Admin.listOffsets (read_committed: the last stable offset), Admin.describeProducers,"
                            + " Admin.describeTransactions", transactionsTool(e) + " describe-producers --topic "
                            + t.name() + " --partition N"),
                    "a transactional producer began a transaction and has not committed or aborted it yet",
                    all));
        }
        return out;
    }

    private static Finding transaction(Evidence e, Transaction t) {
        String subject = "transactional id " + t.transactionalId();
        String see = transactionsTool(e) + " describe --transactional-id " + t.transactionalId();
        if (!t.state().equalsIgnoreCase("Ongoing")) {
            return Finding.healthy(subject, t.state() + " (producer id " + t.producerId() + ", epoch "
                    + t.producerEpoch() + "): no transaction open");
        }
        List<String> evidence = new ArrayList<>();
        evidence.add("state Ongoing" + (t.startTimeMs() > 0 ? " since " + clock(e, t.startTimeMs()) : "")
                + ", timeout " + duration(t.timeoutMs()) + ", producer id " + t.producerId() + " epoch "
                + t.producerEpoch());
        Map<TopicPartition, Partition> partitions = partitions(e);
        for (TopicPartition tp : sorted(t.partitions())) {
            Partition p = partitions.get(tp);
            evidence.add(tp + (p == null ? "" : ": last stable offset " + p.lastStable() + ", end " + p.end()));
        }
        boolean late = t.startTimeMs() > 0 && e.nowMs() - t.startTimeMs() > t.timeoutMs();
        return new Finding(Code.OPEN_TRANSACTION, subject, "its transaction is open on " + t.partitions().size()
                + " partition(s): read_committed consumers get nothing past its first record until it ends", evidence,
                List.of("Admin.describeTransactions, Admin.listOffsets (read_committed)", see),
                late ? "the transaction is older than its timeout: its producer is gone and the coordinator has not"
                        + " aborted it yet, or it hangs" : "its producer has not committed or aborted it yet",
                List.of("the producer commits or aborts it; a producer that died is aborted after its timeout",
                        "or start the producer again with this transactional.id: initTransactions() aborts it",
                        "if it hangs: " + transactionsTool(e) + " find-hanging --broker-id N, then abort"));
    }

    // ---------------------------------------------------------------- not found, not allowed

    private static Finding notFound(Code code, String subject, String name, Collection<String> known, String call,
            String command, String cause) {
        List<String> close = closeNames(name, known);
        List<String> evidence = new ArrayList<>();
        evidence.add(known.isEmpty() ? "the cluster lists no such name" : "the cluster lists " + known.size()
                + " name(s); none is " + name);
        if (!close.isEmpty()) {
            evidence.add("close names: " + String.join(", ", close));
        }
        return new Finding(code, subject, subject + " does not exist" + (close.isEmpty() ? ""
                : " (did you mean " + String.join(" or ", close) + "?)"), evidence, List.of(call, command),
                close.isEmpty() ? cause : "a typo: the name differs from " + String.join(", ", close)
                        + " by case, a separator (-, _ or .) or a letter or two",
                close.isEmpty() ? List.of("check the name the program uses (its --topic, --group or settings)")
                        : List.of("use " + close.get(0) + " (if " + name + " is meant to be new: "
                        + (code == Code.TOPIC_NOT_FOUND ? "create it" : code == Code.GROUP_NOT_FOUND
                        ? "a consumer that joins with it begins at auto.offset.reset" : "initTransactions() makes it")
                        + ")"));
    }

    private static Finding notAuthorized(Evidence e, List<Evidence.Denied> same) {
        Evidence.Denied d = same.get(0);
        String[] resource = d.resource().split(" ", 2);
        String option = switch (resource[0]) {
            case "TOPIC" -> "--topic " + resource[1];
            case "GROUP" -> "--group " + resource[1];
            case "TRANSACTIONAL_ID" -> "--transactional-id " + resource[1];
            default -> "--cluster";
        };
        String calls = same.stream().map(Evidence.Denied::call).distinct().collect(Collectors.joining(", "));
        return new Finding(Code.NOT_AUTHORIZED, d.resource().toLowerCase(Locale.ROOT).replace('_', ' ')
                        .replaceFirst(" .*", "") + (resource.length > 1 ? " " + resource[1] : ""),
                "the cluster refused " + calls + ": " + d.principal() + " may not " + d.operation() + " "
                        + d.resource(),
                same.stream().map(one -> one.call() + " failed: " + one.message()).distinct().toList(),
                List.of(same.stream().map(one -> "Admin." + one.call()).distinct().collect(Collectors.joining(", ")),
                        "bin/kafka-acls --bootstrap-server " + e.bootstrapServers()
                        + " --command-config ADMIN_CLIENT_FILE --list " + option),
                "no ACL allows this user that operation on that resource (a secured cluster denies what no ACL"
                        + " allows); what it hides stays unknown to the doctor",
                List.of("an administrator adds the rule: bin/kafka-acls --bootstrap-server " + e.bootstrapServers()
                        + " --command-config ADMIN_CLIENT_FILE --add --allow-principal " + d.principal() + " --operation "
                        + d.operation() + " " + option + " (docs/security.md)",
                        "or run the doctor as a user allowed to describe it (--client-config FILE)"));
    }

    private static boolean deniedAbout(Evidence e, String name) {
        return e.denied().stream().anyMatch(d -> d.resource().endsWith(" " + name) || d.resource().startsWith("CLUSTER"));
    }

    // ---------------------------------------------------------------- names, times and sorting

    /**
     * Names a person may have meant: the same but for case and the separators - _ . ; or at most two letters
     * different (one for names of up to four letters).
     */
    static List<String> closeNames(String name, Collection<String> names) {
        String plain = plain(name);
        int most = name.length() <= 4 ? 1 : 2;
        return names.stream().filter(n -> !n.equals(name)).filter(n -> plain(n).equals(plain)
                || distance(n.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT)) <= most).sorted().toList();
    }

    private static String plain(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]", "");
    }

    /** Levenshtein distance: letters inserted, removed or changed. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int change = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + change);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * The program behind a client id: the id without a copy's number (basic-consumer-8474-2: basic-consumer);
     * a Kafka Streams consumer's id without its process id and thread (word-count-0f1e...-StreamThread-2-consumer:
     * word-count), so that the instances and threads of one application are one program.
     */
    static String program(String clientId) {
        return clientId.replaceAll("-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-StreamThread-\\d+-consumer$", "")
                .replaceAll("([-_.]\\d+)+$", "");
    }

    private static boolean stable(String state) {
        return state.equalsIgnoreCase("Stable") || state.equalsIgnoreCase("Empty");
    }

    private static Set<String> topicsOf(Group g) {
        Set<String> topics = new TreeSet<>();
        g.committed().keySet().forEach(tp -> topics.add(tp.topic()));
        g.members().forEach(m -> m.assigned().forEach(tp -> topics.add(tp.topic())));
        return topics;
    }

    private static Map<TopicPartition, Partition> partitions(Evidence e) {
        Map<TopicPartition, Partition> all = new HashMap<>();
        e.topics().forEach(t -> t.partitions().forEach(p -> all.put(new TopicPartition(t.name(), p.partition()), p)));
        return all;
    }

    private static <V> Map<TopicPartition, V> byName(Map<TopicPartition, V> map) {
        Map<TopicPartition, V> sorted = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        sorted.putAll(map);
        return sorted;
    }

    private static List<TopicPartition> sorted(Collection<TopicPartition> partitions) {
        return partitions.stream().sorted(java.util.Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition)).toList();
    }

    private static String records(Topic t) {
        long stored = t.partitions().stream().mapToLong(p -> p.end() - p.logStart()).sum();
        return stored + " offset(s) stored";
    }

    private static String newest(Evidence e, Partition p) {
        return p.newestTimestamp() < 0 ? "" : "; newest record written " + clock(e, p.newestTimestamp());
    }

    /** A time as a clock and how long ago: "18:02:11 UTC, 3 min ago". */
    static String clock(Evidence e, long epochMs) {
        return CLOCK.format(Instant.ofEpochMilli(epochMs)) + " (" + duration(Math.max(0, e.nowMs() - epochMs)) + " ago)";
    }

    /** A duration in the largest whole unit: "45 s", "3 min", "2 h", "7 d". */
    static String duration(long ms) {
        if (ms < 0) {
            return "unlimited";
        }
        long s = ms / 1000;
        return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s < 172_800 ? s / 3600 + " h" : s / 86_400 + " d";
    }

    /** The describe command of a group turned into its reset to the earliest offsets. */
    private static String reset(String describe) {
        return describe.replace(" --describe", "") + " --reset-offsets --to-earliest --all-topics --execute";
    }

    private static String transactionsTool(Evidence e) {
        return "bin/kafka-run-class org.apache.kafka.tools.TransactionsCommand --bootstrap-server " + e.bootstrapServers();
    }
}
