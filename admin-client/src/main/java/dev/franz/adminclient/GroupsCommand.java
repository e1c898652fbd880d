package dev.franz.adminclient;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;

import dev.franz.common.cli.TopicName;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code admin-client groups}: the options and the printing; the Admin calls are in {@link GroupAdmin}. */
@Command(name = "groups", description = "List and describe consumer groups (with lag), reset their offsets.",
        mixinStandardHelpOptions = true)
final class GroupsCommand {
    @ParentCommand
    AdminLesson lesson;

    @Command(name = "list", description = "Ids of all groups.")
    int list() throws InterruptedException {
        new GroupAdmin(lesson.connection()).list().forEach(lesson.out::println);
        return 0;
    }

    @Command(name = "describe", description = "State, members, and per partition: committed offset, end offset, lag.")
    int describe(@Option(names = "--group", paramLabel = "GROUP", required = true, description = "Consumer group to describe.") String group) throws InterruptedException {
        GroupAdmin.GroupInfo info = new GroupAdmin(lesson.connection()).describe(group);
        PrintStream out = lesson.out;
        out.printf("Group %s: %s, %d active member(s), total lag %d%n", info.group(), info.state(), info.members(),
                info.totalLag());
        out.printf("  %-28s  %-9s  %-9s  %s%n", "partition", "committed", "end", "lag");
        for (GroupAdmin.PartitionLag p : info.partitions()) {
            out.printf("  %-28s  %-9d  %-9d  %d%n", p.partition(), p.committed(), p.end(), p.lag());
        }
        if (!info.streamsMembers().isEmpty()) {
            out.println("  Kafka Streams group (streams protocol): tasks SUBTOPOLOGY_PARTITION as the broker assigned them");
            for (GroupAdmin.StreamsMember member : info.streamsMembers()) {
                out.printf("  member at %s: active %s, standby %s%s%n", member.endpoint(), member.active(),
                        member.standby(), member.warmup().isEmpty() ? "" : ", warming up " + member.warmup());
            }
        }
        return 0;
    }

    static final class Target {
        @Option(names = "--to-earliest", required = true, description = "The first record still stored.")
        boolean earliest;

        @Option(names = "--to-latest", required = true, description = "The end: skip everything there is.")
        boolean latest;

        @Option(names = "--to-datetime", paramLabel = "ISO-8601", required = true,
                description = "The first record at or after this time, e.g. 2026-11-26T18:00:00Z.")
        Instant time;

        GroupAdmin.ResetTarget target() {
            if (earliest) {
                return new GroupAdmin.ResetTarget.Earliest();
            }
            return latest ? new GroupAdmin.ResetTarget.Latest() : new GroupAdmin.ResetTarget.AtTime(time);
        }
    }

    @Command(name = "reset", description = "Move a stopped group's committed offsets on a topic.")
    int reset(@Option(names = "--group", paramLabel = "GROUP", required = true, description = "Consumer group whose offsets to move.") String group,
              @Option(names = "--topic", paramLabel = "TOPIC", converter = TopicName.class, required = true, description = "Topic to move them on.") String topic,
              @ArgGroup(exclusive = true, multiplicity = "1") Target target) throws InterruptedException {
        Map<TopicPartition, Long> offsets = new GroupAdmin(lesson.connection()).reset(group, topic, target.target());
        lesson.out.printf("Reset group %s on %s:%n", group, topic);
        Map<Integer, Long> byPartition = new TreeMap<>();
        offsets.forEach((partition, offset) -> byPartition.put(partition.partition(), offset));
        byPartition.forEach((partition, offset) -> lesson.out.printf("  partition %d -> offset %d%n", partition, offset));
        return 0;
    }
}
