package dev.franz.liveview;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.franz.liveview.Views.GroupPartitionView;
import dev.franz.liveview.Views.MemberView;

/**
 * What the page says of a group that is worked out from {@link GroupLag}'s answers, with no Kafka call:
 * how its members are named, and how old its oldest unread record is.
 */
final class GroupFigures {

    private GroupFigures() {
    }

    /**
     * The members as the page names them ({@link MemberView#name()}): by client id, unless another
     * member has the same one (two copies of one program, with Kafka's default client id): then with
     * its host when their hosts differ, else with its member id, which is unique in the group.
     */
    static List<MemberView> named(List<MemberView> members) {
        Map<String, List<MemberView>> byClientId = members.stream().collect(Collectors.groupingBy(MemberView::clientId));
        List<MemberView> named = new ArrayList<>();
        for (MemberView m : members) {
            List<MemberView> same = byClientId.get(m.clientId());
            String name = same.size() == 1 ? m.clientId()
                    : same.stream().map(MemberView::host).distinct().count() == same.size() ? m.clientId() + " on " + m.host()
                    : m.clientId() + " (member " + m.memberId() + ")";
            named.add(new MemberView(m.memberId(), m.clientId(), m.host(), m.instanceId(), m.partitions(), name));
        }
        return named;
    }

    /**
     * How old the group's oldest unread record is, in seconds: the oldest of its partitions' (the same
     * figures the page shows per partition). Only partitions with lag count; one of them whose age is
     * unknown makes the group's unknown (null): it may hold the oldest. 0 when nothing is unread.
     */
    static Double oldestUnreadSeconds(List<GroupPartitionView> partitions) {
        double oldest = 0;
        for (GroupPartitionView p : partitions) {
            if (p.lag() == null || p.lag() == 0) {
                continue;
            }
            if (p.lagSeconds() == null) {
                return null;
            }
            oldest = Math.max(oldest, p.lagSeconds());
        }
        return oldest;
    }
}
