package dev.franz.liveview;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Metric;

import dev.franz.diagnosis.ClusterLook;
import dev.franz.diagnosis.Diagnosis;
import dev.franz.diagnosis.Evidence;
import dev.franz.diagnosis.Finding;
import dev.franz.liveview.Views.GroupView;
import dev.franz.liveview.Views.TopicView;

/**
 * The doctor's findings on the groups' and topics' panels: the same look ({@link ClusterLook}, with an
 * Admin client of its own) and the same reasoning ({@link Diagnosis}) as {@code bin/run doctor} with no
 * option, on a thread of its own, every {@link #EVERY} and as soon as a new group or topic shows up. The
 * page's 1 s Admin loop and the records loop never wait for it: they attach its latest findings to the
 * groups and topics they send. One part of the doctor's look is left out, and the page says so: the
 * second look a few seconds later that catches a group rebalancing (the groups' timeline shows each
 * rebalance as it happens).
 */
final class PageDoctor implements AutoCloseable {

    /** How often the doctor looks again (one look costs about as much as 1 to 3 of the page's looks). */
    static final Duration EVERY = Duration.ofSeconds(10);
    /** A new group or topic is looked at at once, but not more often than this. */
    private static final Duration SOONEST = Duration.ofSeconds(1);
    /** How long closing waits for a look under way to end by itself (one takes 0.3 to 2 s with Level 3's topics). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    /**
     * One finding, as the page shows it: {@code code} (AT_END, OPEN_TRANSACTION...), {@code problem}
     * (something is wrong) or not (an explanation: AT_END, HEALTHY...), the rest as {@code bin/run doctor}
     * prints them; {@code lookedAt}: when the doctor looked; {@code everySeconds}: how often it looks.
     */
    record FindingView(String code, boolean problem, String subject, String found, List<String> evidence,
                       List<String> see, String cause, List<String> fixes, long lookedAt, long everySeconds) {
    }

    /** The latest look: the findings about each group and each topic the doctor looked at. */
    private record Look(Map<String, List<FindingView>> groups, Map<String, List<FindingView>> topics) {
    }

    private static final Pattern JAAS_USERNAME = Pattern.compile("username=\"([^\"]*)\"");

    private final Properties clientProperties;
    private final PrintStream out;
    private final BlockingQueue<Boolean> nudges = new ArrayBlockingQueue<>(1);
    private final Set<String> nudgedFor = new HashSet<>();
    private final Thread thread = new Thread(this::run, "live-view-doctor");
    private volatile boolean running = true;
    private volatile Look latest = new Look(Map.of(), Map.of());

    PageDoctor(Properties clientProperties, PrintStream out) {
        this.clientProperties = clientProperties;
        this.out = out;
    }

    void start() {
        thread.setDaemon(true);
        thread.start();
    }

    /** The topics with the doctor's findings about each: null for a topic it has not looked at yet. */
    List<TopicView> onTopics(List<TopicView> topics) {
        Look look = latest;
        nudgeForNew(topics.stream().filter(t -> !t.internal()).map(t -> "topic " + t.name()).toList(), look);
        return topics.stream().map(t -> new TopicView(t.name(), t.internal(), t.recordsRead(), t.partitions(),
                look.topics().get(t.name()))).toList();
    }

    /** The groups with the doctor's findings about each: null for a group it has not looked at yet. */
    List<GroupView> onGroups(List<GroupView> groups) {
        Look look = latest;
        nudgeForNew(groups.stream().map(g -> "group " + g.id()).toList(), look);
        return groups.stream().map(g -> new GroupView(g.id(), g.type(), g.protocol(), g.state(), g.epoch(), g.members(),
                g.partitions(), g.totalLag(), g.maxLagSeconds(), g.lagHistory(), look.groups().get(g.id()))).toList();
    }

    /** A group or topic the last look did not see: look again now (once per name). */
    private void nudgeForNew(List<String> names, Look look) {
        synchronized (nudgedFor) {
            for (String name : names) {
                String id = name.substring(name.indexOf(' ') + 1);
                boolean seen = name.startsWith("topic ") ? look.topics().containsKey(id) : look.groups().containsKey(id);
                if (!seen && nudgedFor.add(name)) {
                    nudges.offer(Boolean.TRUE);
                }
            }
            if (nudgedFor.size() > 10_000) {
                nudgedFor.clear();
            }
        }
    }

    private void run() {
        Admin admin = ClusterLook.admin(clientProperties, "franz-live-view-doctor");
        try {
            boolean first = true;
            while (running) {
                long started = System.nanoTime();
                double requestsBefore = requests(admin);
                try {
                    latest = look(admin);
                    if (first) {
                        first = false;
                        out.printf("The doctor's findings on the groups and topics: one look took %.1f s and %.0f"
                                + " Admin requests; again every %d s.%n", (System.nanoTime() - started) / 1e9,
                                requests(admin) - requestsBefore, EVERY.toSeconds());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // No broker, or an answer the look could not use: the findings stay unknown (the page
                    // says "not looked at yet") rather than old ones shown as if they were new.
                    latest = new Look(Map.of(), Map.of());
                }
                try {
                    if (running) {
                        Thread.sleep(SOONEST.toMillis());
                    }
                    if (running) {
                        nudges.poll(EVERY.minus(SOONEST).toMillis(), TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        } finally {
            // A call still waiting for a broker that is gone is dropped: the live view stops within seconds.
            admin.close(Duration.ofSeconds(1));
        }
    }

    /** One look, as {@code bin/run doctor --watch 0} takes it, and its findings by group and by topic. */
    private Look look(Admin admin) throws InterruptedException {
        Evidence evidence = ClusterLook.look(admin, clientProperties, principal(), Evidence.Asked.everything(),
                Duration.ZERO);
        List<Finding> findings = Diagnosis.diagnose(evidence);
        Map<String, List<FindingView>> groups = new HashMap<>();
        Map<String, List<FindingView>> topics = new HashMap<>();
        evidence.groupIds().forEach(id -> groups.put(id, new ArrayList<>()));
        evidence.topics().forEach(t -> topics.put(t.name(), new ArrayList<>()));
        for (Finding f : findings) {
            FindingView view = new FindingView(f.code().name(), f.code().problem, f.subject(), f.found(), f.evidence(),
                    f.see(), f.cause(), f.fixes(), evidence.nowMs(), EVERY.toSeconds());
            String subject = f.subject();
            if (subject.startsWith("group ") || subject.startsWith("share group ")) {
                groups.computeIfAbsent(subject.substring(subject.indexOf("group ") + 6), id -> new ArrayList<>()).add(view);
            } else if (subject.startsWith("topic ")) {
                topics.computeIfAbsent(subject.substring(6), name -> new ArrayList<>()).add(view);
            }
        }
        // A topic with nothing found: the doctor's own line for it (bin/run doctor --topic NAME says the same).
        for (Evidence.Topic t : evidence.topics()) {
            if (topics.get(t.name()).isEmpty()) {
                Finding f = Diagnosis.healthy(t);
                topics.get(t.name()).add(new FindingView(f.code().name(), false, f.subject(), f.found(), f.evidence(),
                        f.see(), f.cause(), f.fixes(), evidence.nowMs(), EVERY.toSeconds()));
            }
        }
        return new Look(groups, topics);
    }

    /** Who asks, as the broker sees it, for the ACL a refused call needs (as the doctor says it). */
    private String principal() {
        Matcher user = JAAS_USERNAME.matcher(clientProperties.getProperty("sasl.jaas.config", ""));
        return user.find() ? "User:" + user.group(1) : "User:NAME";
    }

    /** The requests this Admin client has sent (its own measure: request-total). */
    private static double requests(Admin admin) {
        for (Metric m : admin.metrics().values()) {
            if (m.metricName().name().equals("request-total") && m.metricName().group().equals("admin-client-metrics")) {
                return ((Number) m.metricValue()).doubleValue();
            }
        }
        return Double.NaN;
    }

    /**
     * Stops the looks: waits up to {@link #STOP_WAIT} for a look under way to end by itself (interrupted
     * while it closes its consumer, Kafka would log an error with a stack trace), then interrupts one
     * still waiting, for a broker that is gone.
     */
    @Override
    public void close() {
        running = false;
        nudges.offer(Boolean.TRUE); // wakes the wait between two looks
        try {
            thread.join(STOP_WAIT.toMillis());
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
