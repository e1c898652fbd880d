package dev.franz.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.franz.common.cli.Numbers;
import dev.franz.embedded.EmbeddedKafkaBroker;
import dev.franz.embedded.TemporaryDirectory;
import dev.franz.embedded.KafkaVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/benchmark}: starts its own broker, runs each scenario (ours vs Kafka's tool, alternated),
 * prints a table of medians and ratios, and writes docs/benchmarks.md and docs/benchmarks.png.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures Franz's programs against references doing the same work and Kafka's own perf"
                + " tools, on one fresh local broker, and how long lessons take to start.")
public final class BenchmarkHarness implements Callable<Integer> {

    @Option(names = "--quick", description = "Small sizes, one round, fewer scenarios: checks the harness works"
            + " (what CI runs). Figures from it mean little.")
    boolean quick;

    @Option(names = "--records", paramLabel = "N", converter = Numbers.Positive.class, description = "Records per run (default: 1000000; quick: 20000).")
    Long records;

    @Option(names = "--rounds", paramLabel = "N", converter = Numbers.PositiveInt.class, description = "A/B rounds per scenario (default: 3; quick: 1).")
    Integer rounds;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write benchmarks.md and benchmarks.png"
            + " (default: docs at the repository root; quick or --only: target/benchmarks).")
    Path outDir;

    @Option(names = "--only", paramLabel = "GROUP", split = ",", description = "Run only these groups of scenarios:"
            + " ${COMPLETION-CANDIDATES} (comma-separated; default: all). liveviewstart: only the live view started by"
            + " bin/run and by ./mvnw, which liveview also runs (not with --quick).")
    List<Group> only = new ArrayList<>();

    enum Group { level1, level2, level3, share, schemas, liveview, liveviewstart, security, connect, clientmetrics, startup }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchmarkHarness()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        long recordsPerRun = records != null ? records : quick ? 20_000 : 1_000_000;
        int roundsPerScenario = rounds != null ? rounds : quick ? 1 : 3;
        Path root = Path.of(System.getProperty("franz.root", "")).toAbsolutePath();
        // A partial run never overwrites the full report in docs/.
        Path out = outDir != null ? outDir
                : quick || !only.isEmpty() ? root.resolve("target/benchmarks") : root.resolve("docs");
        long startedAt = System.nanoTime();

        List<Measurement> results = new ArrayList<>();
        try (TemporaryDirectory dataDir = TemporaryDirectory.create("franz-bench-kafka");
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePorts(dataDir.path(), Map.of())) {
            System.out.printf("Broker at %s; %,d records per run, %d round(s)%n", broker.bootstrapServers(),
                    recordsPerRun, roundsPerScenario);
            Scenarios scenarios = new Scenarios(broker.bootstrapServers(), recordsPerRun, roundsPerScenario,
                    new ChildJvm("256m"), !quick);
            if (runs(Group.level1)) {
                List<ProducerSetting> producerSettings = quick
                        ? List.of(new ProducerSetting("all", "none"))
                        : List.of(new ProducerSetting("all", "none"), new ProducerSetting("1", "none"),
                                new ProducerSetting("all", "lz4"), new ProducerSetting("all", "zstd"));
                for (ProducerSetting setting : producerSettings) {
                    Measurement m = scenarios.producer(setting.acks(), setting.compression());
                    if (!m.meetsGoal() && !quick) { // a profile of a quick run's few records says little
                        m = m.withNote("under its goal; "
                                + scenarios.profileProducer(setting.acks(), setting.compression()));
                    }
                    results.add(progress(m, Group.level1));
                }
                Measurement consumer = scenarios.consumer();
                if (!consumer.meetsGoal() && !quick) {
                    consumer = consumer.withNote("under its goal; " + scenarios.profileConsumer());
                }
                results.add(progress(consumer, Group.level1));
            }
            if (runs(Group.level2)) {
                results.addAll(new Level2Scenarios(broker.bootstrapServers(), recordsPerRun, roundsPerScenario,
                        new ChildJvm("256m")).statefulEngines().stream().map(m -> progress(m, Group.level2)).toList());
            }
            if (runs(Group.level3)) {
                Level3Scenarios level3 = new Level3Scenarios(broker.bootstrapServers(), roundsPerScenario,
                        new ChildJvm("256m"));
                results.add(progress(level3.exactlyOnceDrain(quick ? 5_000 : 100_000), Group.level3));
                results.add(progress(level3.endToEndAgainstReference(quick ? 1_000 : 20_000), Group.level3));
                if (!quick) {
                    // Real runs only: two flows and a browser per round, minutes that a quick check need not spend.
                    results.add(progress(level3.endToEndLatencyWithLiveView(20_000), Group.level3));
                }
            }
            if (runs(Group.schemas)) {
                SchemaScenarios schemas = new SchemaScenarios(broker.bootstrapServers(), quick ? 5_000 : 100_000,
                        roundsPerScenario, new ChildJvm("256m"));
                schemas.avroVersusJson().forEach(m -> results.add(progress(m, Group.schemas)));
                results.add(progress(schemas.registryStart(), Group.schemas));
                if (!quick) { // quick mode (CI) does not run Maven from inside the build
                    results.add(progress(schemas.registryCommandStart(root), Group.schemas));
                }
            }
            if (runs(Group.startup) && !quick) {
                // Not in quick mode (CI): it runs Maven from inside the build.
                new LessonStartup(broker.bootstrapServers(), root, roundsPerScenario).measure()
                        .forEach(m -> results.add(progress(m, Group.startup)));
            }
            if (runs(Group.liveview)) {
                new LiveViewScenarios(broker.bootstrapServers(), quick ? 5_000 : 200_000, roundsPerScenario, quick,
                        new ChildJvm("256m")).measure().forEach(m -> results.add(progress(m, Group.liveview)));
            }
            if ((runs(Group.liveview) || runs(Group.liveviewstart)) && !quick) {
                // Not in quick mode (CI): it runs Maven from inside the build.
                Group group = only.contains(Group.liveviewstart) ? Group.liveviewstart : Group.liveview;
                new LiveViewAsStarted(broker.bootstrapServers(), root, 600, new ChildJvm("256m")).measure()
                        .forEach(m -> results.add(progress(m, group)));
            }
            if (runs(Group.security)) {
                new SecurityScenarios(broker.bootstrapServers(), recordsPerRun, roundsPerScenario,
                        new ChildJvm("256m")).tlsAndScramAgainstPlaintext()
                        .forEach(m -> results.add(progress(m, Group.security)));
            }
            if (runs(Group.connect)) {
                new ConnectScenarios(broker.bootstrapServers(), quick ? 500 : 20_000, quick ? 100 : 1_000,
                        roundsPerScenario, new ChildJvm("256m")).outboxAgainstOrderProducer()
                        .forEach(m -> results.add(progress(m, Group.connect)));
            }
            if (runs(Group.clientmetrics)) {
                new ClientMetricsScenarios(broker.bootstrapServers(), recordsPerRun, roundsPerScenario, quick ? 15 : 60,
                        !quick, new ChildJvm("256m")).measure().forEach(m -> results.add(progress(m, Group.clientmetrics)));
            }
            if (runs(Group.share)) {
                results.add(progress(new ShareGroupScenarios(broker.bootstrapServers(), quick ? 5_000 : 200_000,
                        roundsPerScenario, new ChildJvm("256m")).shareVersusConsumerGroup(), Group.share));
            }
        }
        if (runs(Group.startup)) {
            BrokerStartup.Launcher launcher = quick ? BrokerStartup.Launcher.JAVA : BrokerStartup.Launcher.MAVEN;
            results.add(progress(new BrokerStartup(launcher, root).measure(roundsPerScenario), Group.startup));
        }

        double minutes = (System.nanoTime() - startedAt) / 60e9;
        System.out.println();
        System.out.println(Report.table(results));
        Report.writeMarkdown(out.resolve("benchmarks.md"), results, header(recordsPerRun, roundsPerScenario),
                String.format("Run took %.1f minutes. Command: `%s`.%n%n## What comes next%n%n"
                        + "[Development](development.md) explains how the harness runs and how to run it; the"
                        + " [lesson map](../README.md#the-lessons) leads back to the lessons.", minutes, command()));
        Report.writeChart(out.resolve("benchmarks.png"), results);
        System.out.printf("Wrote %s and %s (%.1f minutes)%n", out.resolve("benchmarks.md"), out.resolve("benchmarks.png"),
                minutes);
        return 0;
    }

    private boolean runs(Group group) {
        return only.isEmpty() || only.contains(group);
    }

    private String command() {
        StringBuilder command = new StringBuilder("bin/benchmark");
        if (quick) {
            command.append(" --quick");
        }
        if (!only.isEmpty()) {
            command.append(" --only ").append(String.join(",", only.stream().map(Group::name).toList()));
        }
        return command.toString();
    }

    private record ProducerSetting(String acks, String compression) {
    }

    /** Prints the scenario's figures as they come, and adds to its note the command that reproduces it. */
    private static Measurement progress(Measurement measured, Group group) {
        String reproduce = "reproduce: `bin/benchmark --only " + group + "`";
        Measurement m = measured.withNote(measured.note().isEmpty() ? reproduce : measured.note() + "; " + reproduce);
        System.out.printf("  %-60s ours %s, reference %s%n", m.scenario(), m.ours(), m.references());
        if (!m.note().isEmpty()) {
            System.out.println("    " + m.note());
        }
        return m;
    }

    private static String header(long records, int rounds) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return String.format("# Benchmarks%n%n"
                        + "**What you will learn.** how fast each lesson's program is next to a reference doing the"
                        + " same work without the teaching, and next to Kafka's own tools (opaque bytes: the ceiling),"
                        + " as ratios measured in the same run on the same broker; how long a learner waits for a"
                        + " lesson to start; and where the time goes.%n%n"
                        + "**What you need first.** nothing; `bin/benchmark` reproduces every figure (see"
                        + " [development](development.md#benchmarks)).%n%n"
                        + "Measured on %s with %d cores and %.0f GiB of memory, %s %s, Java %s, Apache Kafka %s.%n"
                        + "One embedded broker on this machine; every program in its own JVM with -Xmx256m."
                        + " %,d records of about %d bytes per run, %d round(s) per scenario, the programs of a"
                        + " scenario rotated, after one uncounted warm-up set; medians shown. Peak RSS is the"
                        + " process's VmHWM. Each note ends with the command that reproduces its row.",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize() / 1073741824.0,
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"),
                KafkaVersion.get(), records, Scenarios.RECORD_SIZE, rounds);
    }
}
