package dev.franz.liveview;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.MemberView;
import dev.franz.liveview.Views.TimelineEvent;

/**
 * The rebalance timeline: what changed in each group from one look to the next (members joined or
 * left, epoch, state, which member owns which partition). It compares what {@link GroupLag} found;
 * it makes no Kafka call of its own.
 */
final class GroupTimeline {

    static final int TIMELINE_EVENTS = 200;

    private final ArrayDeque<TimelineEvent> timeline = new ArrayDeque<>();
    private Map<String, GroupView> previousGroups = Map.of();

    /**
     * What changed in each group since the last look, as lines of the rebalance timeline, newest first.
     * {@code brokerWasUp}: the look before this one reached the broker. At the first look (or the first
     * one since the broker came back, with no group known before) the groups found were there already:
     * none of them "appeared".
     */
    List<TimelineEvent> update(List<GroupView> groups, boolean brokerWasUp) {
        long now = System.currentTimeMillis();
        Map<String, GroupView> current = new LinkedHashMap<>();
        groups.forEach(g -> current.put(g.id(), g));
        for (GroupView group : groups) {
            GroupView before = previousGroups.get(group.id());
            List<String> changes = new ArrayList<>();
            if (before == null) {
                if (!previousGroups.isEmpty() || brokerWasUp) {
                    changes.add("appeared (" + group.type() + " group, " + group.state() + ")");
                }
            } else {
                Map<String, MemberView> was = members(before);
                Map<String, MemberView> is = members(group);
                is.keySet().stream().filter(id -> !was.containsKey(id))
                        .forEach(id -> changes.add(is.get(id).name() + " joined"));
                was.keySet().stream().filter(id -> !is.containsKey(id))
                        .forEach(id -> changes.add(was.get(id).name() + " left"));
                if (!Objects.equals(before.epoch(), group.epoch())) {
                    changes.add("epoch " + before.epoch() + " -> " + group.epoch());
                }
                if (!before.state().equals(group.state())) {
                    changes.add("state " + before.state() + " -> " + group.state());
                }
                Map<String, String> ownerBefore = owners(before);
                Map<String, String> ownerNow = owners(group);
                Set<String> partitions = new HashSet<>(ownerBefore.keySet());
                partitions.addAll(ownerNow.keySet());
                for (String tp : partitions.stream().sorted().toList()) {
                    String a = ownerBefore.get(tp);
                    String b = ownerNow.get(tp);
                    if (!Objects.equals(a, b)) {
                        changes.add(tp + ": " + (a == null ? "nobody" : a) + " -> " + (b == null ? "nobody" : b));
                    }
                }
            }
            if (!changes.isEmpty()) {
                timeline.addFirst(new TimelineEvent(now, group.id(), String.join("; ", changes)));
            }
        }
        for (String gone : previousGroups.keySet()) {
            if (!current.containsKey(gone)) {
                timeline.addFirst(new TimelineEvent(now, gone, "deleted"));
            }
        }
        while (timeline.size() > TIMELINE_EVENTS) {
            timeline.removeLast();
        }
        previousGroups = current;
        return List.copyOf(timeline);
    }

    private static Map<String, MemberView> members(GroupView group) {
        Map<String, MemberView> byId = new HashMap<>();
        group.members().forEach(m -> byId.put(m.memberId(), m));
        return byId;
    }

    private static Map<String, String> owners(GroupView group) {
        Map<String, String> byPartition = new HashMap<>();
        for (MemberView member : group.members()) {
            member.partitions().forEach(tp -> byPartition.merge(tp, member.name(), (a, b) -> a + ", " + b));
        }
        return byPartition;
    }
}
