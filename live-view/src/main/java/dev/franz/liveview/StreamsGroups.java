package dev.franz.liveview;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberAssignment;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;
import org.apache.kafka.clients.admin.StreamsGroupSubtopologyDescription;

import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.StreamsMemberView;
import dev.franz.liveview.Views.SubtopologyView;
import dev.franz.liveview.Views.TaskView;
import dev.franz.liveview.Views.TopicView;
import dev.franz.liveview.Views.TopologyRefView;
import dev.franz.liveview.Views.TopologyView;

/**
 * Kafka Streams applications as the broker knows them, asked of the Admin client once a look with
 * {@code describeStreamsGroups} for the groups {@link GroupLag} found to be streams groups. On the
 * streams protocol (KIP-1071) each member sends the broker its topology, so the broker knows each
 * subtopology's source topics, the repartition topics it writes and reads and the changelog topics of
 * its state stores ({@code StreamsGroupDescription.subtopologies()}), and it assigns the tasks (a
 * subtopology and a partition number) itself: each member's active, standby and warm-up tasks
 * ({@code members()}, {@code assignment()}). A Streams application on the classic protocol is, to the
 * broker, a consumer group whose partition assignor is Streams' own ("stream"): its topology and tasks
 * travel in the members' own data, which the broker does not read, so only that is reported of it.
 */
final class StreamsGroups {

    /** Kafka Streams' partition assignor, as a classic group reports it. */
    static final String CLASSIC_STREAMS_ASSIGNOR = "stream";

    private static final Pattern THREAD = Pattern.compile("StreamThread-(\\d+)");

    private StreamsGroups() {
    }

    /**
     * The Streams applications among {@code groups}, sorted as they are; {@code topics}: this look's
     * topics, for the number of partitions (so of tasks) of each subtopology.
     */
    static List<TopologyView> look(Admin admin, List<GroupView> groups, List<TopicView> topics) throws InterruptedException {
        List<String> streamsGroups = groups.stream().filter(g -> g.type().equals("streams")).map(GroupView::id).toList();
        Map<String, StreamsGroupDescription> described = new HashMap<>();
        if (!streamsGroups.isEmpty()) {
            var descriptions = admin.describeStreamsGroups(streamsGroups).describedGroups();
            for (String id : streamsGroups) {
                StreamsGroupDescription d = KafkaWatcher.getOrNull(descriptions.get(id));
                if (d != null) {
                    described.put(id, d);
                }
            }
        }
        Map<String, Integer> partitions = new HashMap<>();
        topics.forEach(t -> partitions.put(t.name(), t.partitions().size()));
        List<TopologyView> views = new ArrayList<>();
        for (GroupView group : groups) {
            StreamsGroupDescription d = described.get(group.id());
            if (d != null) {
                views.add(view(d, partitions));
            } else if (group.type().equals("classic") && CLASSIC_STREAMS_ASSIGNOR.equals(group.protocol())) {
                views.add(new TopologyView(group.id(), "classic", group.state(), group.epoch(), group.members().size(),
                        List.of(), List.of()));
            }
        }
        return views;
    }

    /**
     * A streams group's topology and tasks, from its description; {@code partitions}: topic -> its
     * number of partitions, for the source topics (the description gives them for the internal topics only).
     */
    static TopologyView view(StreamsGroupDescription d, Map<String, Integer> partitions) {
        List<StreamsGroupSubtopologyDescription> subs = d.subtopologies().stream()
                .sorted(Comparator.comparing(StreamsGroupSubtopologyDescription::subtopologyId, StreamsGroups::byNumber))
                .toList();
        // Who writes and who reads each repartition topic: the edges between subtopologies.
        Map<String, List<String>> writers = new HashMap<>();
        Map<String, List<String>> readers = new HashMap<>();
        for (StreamsGroupSubtopologyDescription sub : subs) {
            sub.repartitionSinkTopics().forEach(t -> writers.computeIfAbsent(t, k -> new ArrayList<>()).add(sub.subtopologyId()));
            sub.repartitionSourceTopics().keySet().forEach(t -> readers.computeIfAbsent(t, k -> new ArrayList<>())
                    .add(sub.subtopologyId()));
        }
        List<StreamsMemberView> members = members(d.members());
        Map<String, String> labelOf = new HashMap<>();
        members.forEach(m -> labelOf.put(m.memberId(), m.label()));
        // task id -> role -> labels of the members that hold it so
        Map<String, Map<String, List<String>>> holders = new HashMap<>();
        for (StreamsGroupMemberDescription m : d.members()) {
            String label = labelOf.get(m.memberId());
            StreamsGroupMemberAssignment a = m.assignment();
            hold(holders, a.activeTasks(), "active", label);
            hold(holders, a.standbyTasks(), "standby", label);
            hold(holders, a.warmupTasks(), "warmup", label);
        }

        List<SubtopologyView> views = new ArrayList<>();
        for (StreamsGroupSubtopologyDescription sub : subs) {
            String id = sub.subtopologyId();
            List<TopologyRefView> inputs = new ArrayList<>();
            int tasks = 0;
            for (String topic : sub.sourceTopics().stream().sorted().toList()) {
                Integer n = partitions.get(topic);
                inputs.add(new TopologyRefView(topic, "source", n, List.of()));
                tasks = Math.max(tasks, n == null ? 0 : n);
            }
            for (var topic : new TreeMap<>(sub.repartitionSourceTopics()).entrySet()) {
                Integer n = partitions(topic.getKey(), topic.getValue(), partitions);
                inputs.add(new TopologyRefView(topic.getKey(), "repartition", n, writers.getOrDefault(topic.getKey(), List.of())));
                tasks = Math.max(tasks, n == null ? 0 : n);
            }
            List<TopologyRefView> outputs = sub.repartitionSinkTopics().stream().sorted().map(topic ->
                    new TopologyRefView(topic, "repartition", partitions.get(topic), readers.getOrDefault(topic, List.of()))).toList();
            List<TopologyRefView> changelogs = new TreeMap<>(sub.stateChangelogTopics()).entrySet().stream()
                    .map(e -> new TopologyRefView(e.getKey(), "changelog", partitions(e.getKey(), e.getValue(), partitions),
                            List.of())).toList();
            // One task per partition of its input topics, and any the broker assigned beyond them.
            TreeSet<Integer> numbers = new TreeSet<>();
            for (int p = 0; p < tasks; p++) {
                numbers.add(p);
            }
            holders.keySet().stream().filter(task -> task.startsWith(id + "_"))
                    .map(task -> task.substring(id.length() + 1)).filter(partition -> partition.matches("\\d{1,9}"))
                    .forEach(partition -> numbers.add(Integer.parseInt(partition)));
            List<TaskView> taskViews = numbers.stream().map(p -> {
                Map<String, List<String>> roles = holders.getOrDefault(id + "_" + p, Map.of());
                return new TaskView(id + "_" + p, p, sorted(roles.get("active")), sorted(roles.get("standby")),
                        sorted(roles.get("warmup")));
            }).toList();
            views.add(new SubtopologyView(id, inputs, outputs, changelogs, taskViews));
        }
        return new TopologyView(d.groupId(), "streams", d.groupState().toString(), d.groupEpoch(), members.size(), views,
                members);
    }

    /** An internal topic's partitions: as the description gives them, else (0: not set) as the topic has, else null. */
    private static Integer partitions(String topic, StreamsGroupSubtopologyDescription.TopicInfo info,
                                      Map<String, Integer> partitions) {
        return info.partitions() > 0 ? Integer.valueOf(info.partitions()) : partitions.get(topic);
    }

    private static void hold(Map<String, Map<String, List<String>>> holders, List<StreamsGroupMemberAssignment.TaskIds> tasks,
                             String role, String label) {
        for (StreamsGroupMemberAssignment.TaskIds task : tasks) {
            for (int p : task.partitions()) {
                holders.computeIfAbsent(task.subtopologyId() + "_" + p, k -> new HashMap<>())
                        .computeIfAbsent(role, k -> new ArrayList<>()).add(label);
            }
        }
    }

    /**
     * The members, each with a short label the page names it by: where it answers queries
     * (application.server) if it says, else the first 8 characters of its process id (one per Kafka
     * Streams instance); with its stream thread when one instance has several members.
     */
    static List<StreamsMemberView> members(Collection<StreamsGroupMemberDescription> described) {
        Function<StreamsGroupMemberDescription, String> base = m -> m.userEndpoint().map(e -> e.host() + ":" + e.port())
                .orElse(m.processId().length() > 8 ? m.processId().substring(0, 8) : m.processId());
        Function<StreamsGroupMemberDescription, String> withThread = m -> {
            Matcher thread = THREAD.matcher(m.clientId());
            return base.apply(m) + (thread.find() ? " thread " + thread.group(1) : " member " + m.memberId());
        };
        Map<String, Long> sameBase = new HashMap<>();
        Map<String, Long> sameThread = new HashMap<>();
        described.forEach(m -> {
            sameBase.merge(base.apply(m), 1L, Long::sum);
            sameThread.merge(withThread.apply(m), 1L, Long::sum);
        });
        List<StreamsMemberView> members = new ArrayList<>();
        for (StreamsGroupMemberDescription m : described) {
            String label = sameBase.get(base.apply(m)) == 1 ? base.apply(m)
                    : sameThread.get(withThread.apply(m)) == 1 ? withThread.apply(m) : base.apply(m) + " member " + m.memberId();
            StreamsGroupMemberAssignment a = m.assignment();
            members.add(new StreamsMemberView(m.memberId(), label, m.clientId(), m.clientHost(), m.processId(),
                    m.userEndpoint().map(e -> e.host() + ":" + e.port()).orElse(null), count(a.activeTasks()),
                    count(a.standbyTasks()), count(a.warmupTasks())));
        }
        members.sort(Comparator.comparing(StreamsMemberView::label));
        return members;
    }

    private static int count(List<StreamsGroupMemberAssignment.TaskIds> tasks) {
        return tasks.stream().mapToInt(t -> t.partitions().size()).sum();
    }

    private static List<String> sorted(List<String> labels) {
        return labels == null ? List.of() : labels.stream().sorted().toList();
    }

    /** Subtopology ids are numbers ("0", "1", ... "10"), in the order Kafka Streams numbered them. */
    private static int byNumber(String a, String b) {
        try {
            return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        } catch (NumberFormatException named) {
            return a.compareTo(b);
        }
    }
}
