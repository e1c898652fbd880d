package dev.franz.adminclient;

import java.io.PrintStream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code admin-client share-groups}: the options and the printing; the Admin calls are in {@link ShareGroupAdmin}. */
@Command(name = "share-groups", description = "List and describe share groups: members, start offset, lag.",
        mixinStandardHelpOptions = true)
final class ShareGroupsCommand {
    @ParentCommand
    AdminLesson lesson;

    @Command(name = "list", description = "Ids of all share groups.")
    int list() throws InterruptedException {
        new ShareGroupAdmin(lesson.connection()).list().forEach(lesson.out::println);
        return 0;
    }

    @Command(name = "describe", description = "State, members with their partitions, and per partition: the"
            + " start offset and the records not yet acknowledged (lag).")
    int describe(@Option(names = "--group", paramLabel = "GROUP", required = true, description = "Share group to describe.") String group) throws InterruptedException {
        ShareGroupAdmin.ShareGroupInfo info = new ShareGroupAdmin(lesson.connection()).describe(group);
        PrintStream out = lesson.out;
        out.printf("Share group %s: %s, %d member(s)%n", info.group(), info.state(), info.members().size());
        for (ShareGroupAdmin.Member member : info.members()) {
            out.printf("  member %-20s fetches from %s%n", member.clientId(),
                    member.partitions().isEmpty() ? "(nothing assigned yet)" : member.partitions());
        }
        out.printf("  %-28s  %-12s  %s%n", "partition", "start offset", "lag");
        for (ShareGroupAdmin.PartitionState p : info.partitions()) {
            out.printf("  %-28s  %-12s  %s%n", p.partition(), p.startOffset() == null ? "-" : p.startOffset(),
                    p.lag() == null ? "-" : p.lag());
        }
        return 0;
    }
}
