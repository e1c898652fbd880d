package dev.franz.streamprocessing;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

import dev.franz.common.UserFacingException;
import dev.franz.common.cli.RunSummary;
import dev.franz.common.config.ConfigKey;
import dev.franz.common.config.FranzConfig;
import dev.franz.common.kafka.ConnectionLines;
import dev.franz.common.kafka.GracefulShutdown;

/**
 * The Kafka Streams engine, top to bottom: the application's settings ({@link #config}, with the
 * handlers that skip and dead-letter a bad record), then {@link #run}: start, watch, stop on Ctrl-C,
 * on an uncaught error or after --idle-timeout, and close. What it computes is declared in
 * {@link StreamsTopologies}; with --serve, {@link QueryServer} answers queries through {@link StateQueries}.
 */
final class StreamsEngine {

    /** Ctrl-C ends the program within seconds, broker or no broker. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** How long a rebalance may take before the program says why it waits. */
    private static final Duration REBALANCING_SAY_AFTER = Duration.ofSeconds(10);
    /** The Streams consumers' session.timeout.ms: Kafka's default, 45 s (not set). */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);
    /** Where --serve answers: this machine only. */
    private static final String SERVE_HOST = "localhost";
    /** The streams group's standby replicas, a group config (capped by group.streams.max.standby.replicas). */
    private static final String STREAMS_GROUP_STANDBYS = "streams.num.standby.replicas";

    private StreamsEngine() {
    }

    /** The settings of the Streams application, each with why; the local stores under {@code .kafka-streams/}. */
    static Properties config(FranzConfig config, String applicationId, String offsetReset) {
        return config(config, applicationId, offsetReset,
                FranzConfig.repositoryRoot().resolve(".kafka-streams").toString());
    }

    /** @param stateDir where the local stores live */
    static Properties config(FranzConfig config, String applicationId, String offsetReset, String stateDir) {
        Properties props = config.clientProperties();
        // Names the consumer group, the internal topics and the local state: same id = same state.
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        // Outputs, state changes and input offsets are committed together, as in Level 3.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Internal topics (repartition, changelog) get the replication factor of the lesson's topics
        // when TOPIC_REPLICATION_FACTOR is set; else Streams' default, -1: the cluster's default.
        config.topicReplicationFactor().ifPresent(copies -> props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) copies));
        // A record the topology cannot use (not JSON, or an event it cannot compute with, or a result too
        // large to write) is reported in one line, counted and dead-lettered, like the plain engine does,
        // instead of stopping the application: Streams' three handlers (the processing one is KIP-1033) and
        // the dead letters they return (KIP-1034), written in the same transaction as the results.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipAndDeadLetter.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipAndDeadLetter.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipAndDeadLetter.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topic(ConfigKey.TOPIC_USER_EVENTS_DLT));
        // The local stores live here, beside the project (git-ignored), not in /tmp: they are a cache
        // of the changelog topics that saves rebuilding the state at each start.
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        // Where a new application starts: earliest replays the topic, latest sees only new events.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        return props;
    }

    /**
     * The lesson's settings; the group protocol and standbys when asked for; with --serve, where this
     * instance answers queries and keeps its state.
     */
    private static Properties config(FranzConfig config, StreamProcessing.Settings run) {
        Properties props = run.servePort() == null ? config(config, run.name(), run.offsetReset())
                : config(config, run.name(), run.offsetReset(), FranzConfig.repositoryRoot().resolve(".kafka-streams")
                        .resolve("serve-" + run.servePort()).toString());
        if (run.groupProtocol() == StreamProcessing.GroupProtocol.STREAMS) {
            // KIP-1071: the group coordinator on the broker assigns the tasks, in heartbeats, instead of
            // one instance computing the assignment in a rebalance of the whole group (classic).
            props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        } else if (run.standbys() > 0) {
            // Classic: each instance's setting; with the streams protocol it is the group's, on the broker.
            props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, (int) run.standbys());
        }
        if (run.servePort() != null) {
            // Every instance tells the others, through the group, where it answers: queryMetadataForKey()
            // then says which instance holds a key. (localhost: the course's instances share one machine.)
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, SERVE_HOST + ":" + run.servePort());
        }
        return props;
    }

    /** Runs the application until Ctrl-C, an uncaught error or --idle-timeout; 0, or 1 after an error. */
    static int run(FranzConfig config, StreamTopics topics, StreamProcessing.Settings run, PrintStream out)
            throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        GracefulShutdown shutdown = new GracefulShutdown();
        // The shutdown hook waits for this block: the application closed and the last line printed.
        try (shutdown) {
            long startedAt = System.nanoTime();
            double processed;
            if (run.groupProtocol() == StreamProcessing.GroupProtocol.STREAMS) {
                configureStreamsGroup(config, run.name(), run.standbys(), out);
            }
            // Each store has one partition per partition of the input topic: what a query of all keys must cover.
            int inputPartitions = run.servePort() == null ? 0 : partitionsOf(config, topics.events());
            // Not in try-with-resources: KafkaStreams.close() without a timeout can wait for ever for a
            // broker that is gone. It is closed below, with a timeout, whatever happens.
            Topology topology = StreamsTopologies.of(run.mode(), topics, run.windowSize(), run.grace(), out);
            KafkaStreams streams = new KafkaStreams(topology, config(config, run));
            QueryServer queryServer = null;
            try {
                // Ctrl-C: the hook counts the latch down, the loop below ends and the application closes.
                shutdown.onExit(stopped::countDown);
                // An exception no handler took stops the application (and says so) rather than replace the thread.
                streams.setUncaughtExceptionHandler(error -> {
                    failure.set(error);
                    stopped.countDown();
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                });
                ConnectionLines connection = new ConnectionLines(out, config.bootstrapServers());
                streams.start();
                if (run.servePort() != null) {
                    StateQueries queries = new StateQueries(streams, topology.describe(), SERVE_HOST + ":"
                            + run.servePort(), run.windowSize(), inputPartitions);
                    queryServer = QueryServer.start(queries, run.mode() == Mode.WINDOWED, SERVE_HOST, run.servePort());
                    out.printf("Answering queries at http://%s:%d%s%n", SERVE_HOST, run.servePort(),
                            run.mode() == Mode.WINDOWED ? "/windows/TYPE and /windows (?from=&to=: window start times,"
                                    + " ISO-8601); its topology at /topology" : "/users/USER, /users and /event-types; its"
                                    + " topology at /topology");
                }
                String lastReport = "";
                long nextReportAt = System.nanoTime() + run.reportInterval().toNanos();
                double consumedSoFar = 0;
                long lastEventAt = System.nanoTime();
                long rebalancingSince = -1;
                boolean saidWhy = false;
                while (!stopped.await(500, TimeUnit.MILLISECONDS)) {
                    connection.check(streams.metrics()); // one line when the broker goes, one when it is back
                    // Rebalancing for long says nothing by itself: say what it waits for, once.
                    if (streams.state() == KafkaStreams.State.REBALANCING) {
                        rebalancingSince = rebalancingSince < 0 ? System.nanoTime() : rebalancingSince;
                        if (!saidWhy && System.nanoTime() - rebalancingSince > REBALANCING_SAY_AFTER.toNanos()) {
                            out.printf("Kafka Streams has waited %d s for its group (REBALANCING). The group still counts"
                                    + " the member of a run that stopped without leaving it (the broker was away then, or"
                                    + " it was killed) until that member's session timeout, %d s, ends; then it goes on"
                                    + " by itself.%n", REBALANCING_SAY_AFTER.toSeconds(), SESSION_TIMEOUT.toSeconds());
                            saidWhy = true;
                        }
                    } else if (streams.state() == KafkaStreams.State.RUNNING && rebalancingSince >= 0) {
                        if (saidWhy) {
                            out.printf("Kafka Streams is running, after %.1f s of rebalancing.%n",
                                    (System.nanoTime() - rebalancingSince) / 1e9);
                        }
                        rebalancingSince = -1;
                        saidWhy = false;
                    }
                    if (System.nanoTime() >= nextReportAt) {
                        lastReport = printIfChanged(StateQueries.report(streams, run.mode()), lastReport, out);
                        nextReportAt += run.reportInterval().toNanos();
                    }
                    // --idle-timeout, as for the plain engine: the Streams threads' consumers say how many
                    // events they have read; none for that long after the last one ends the run.
                    double consumed = StreamsMetrics.consumedFrom(streams.metrics(), topics.events());
                    if (consumed > consumedSoFar) {
                        consumedSoFar = consumed;
                        lastEventAt = System.nanoTime();
                    } else if (consumedSoFar > 0 && run.idleTimeout().exceededBy(System.nanoTime() - lastEventAt)) {
                        out.println(run.idleTimeout().stoppingLine("events"));
                        break;
                    }
                }
                printIfChanged(StateQueries.report(streams, run.mode()), lastReport, out);
                processed = StreamsMetrics.consumedFrom(streams.metrics(), topics.events());
            } finally {
                if (queryServer != null) {
                    queryServer.close();
                }
                // Commits, flushes the stores and leaves the group now: a restart gets its partitions at
                // once instead of after the session timeout (45 s). The state stays for the next start.
                boolean closed = streams.close(CloseOptions.groupMembershipOperation(
                        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
                if (!closed) {
                    out.printf("Kafka Streams did not finish closing within %d s (is the broker reachable?): what it"
                            + " did not commit is processed again at the next start.%n", CLOSE_TIMEOUT.toSeconds());
                }
            }
            if (failure.get() != null) {
                out.printf("%nKafka Streams stopped because of an error: %s%n", failure.get());
            }
            // The consumers' count includes the bad records the handlers skipped: the events are the rest.
            new RunSummary(run.name(), "processed", Math.round(processed) - SkipAndDeadLetter.skipped(), "events",
                    Duration.ofNanos(System.nanoTime() - startedAt))
                    .count("bad records skipped (dead-lettered to " + topics.deadLetters() + ")",
                            SkipAndDeadLetter.skipped())
                    .detail("state", "in local stores backed by changelog topics: the next start with application"
                            + " id " + run.name() + " continues from it")
                    .report(out, run.summaryFile());
            return failure.get() == null ? 0 : 1;
        }
    }

    private static String printIfChanged(String report, String lastReport, PrintStream out) {
        if (!report.equals(lastReport)) {
            out.print(report);
        }
        return report;
    }

    /**
     * With the streams protocol a group's settings live on the broker, like a share group's (Admin
     * API, like kafka-configs --entity-type groups): the client's num.standby.replicas is ignored, with
     * a warning. Only what differs is changed: every instance of the application starts here.
     */
    private static void configureStreamsGroup(FranzConfig config, String applicationId, long standbys, PrintStream out)
            throws InterruptedException {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, applicationId);
        String wanted = Long.toString(standbys);
        try (Admin admin = Admin.create(config.clientProperties())) {
            Config current = admin.describeConfigs(List.of(group)).all().get().get(group);
            ConfigEntry now = current == null ? null : current.get(STREAMS_GROUP_STANDBYS);
            if (now == null || !wanted.equals(now.value())) {
                admin.incrementalAlterConfigs(Map.of(group, List.of(new AlterConfigOp(
                        new ConfigEntry(STREAMS_GROUP_STANDBYS, wanted), AlterConfigOp.OpType.SET)))).all().get();
                out.printf("Set %s=%s on group %s (the broker's assignor reads it)%n", STREAMS_GROUP_STANDBYS, wanted,
                        applicationId);
            }
        } catch (ExecutionException e) {
            throw new UserFacingException("Could not set " + STREAMS_GROUP_STANDBYS + " on group " + applicationId + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    private static int partitionsOf(FranzConfig config, String topic) throws InterruptedException {
        try (Admin admin = Admin.create(config.clientProperties())) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        } catch (ExecutionException e) {
            throw new UserFacingException("Could not describe " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
