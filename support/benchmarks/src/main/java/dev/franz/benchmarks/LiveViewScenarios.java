package dev.franz.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The live view as a learner keeps it open: its own JVM ({@code LiveView}, as {@code bin/run live-view}
 * starts it) and a page in Debian's Chromium. Measured: how long after its acknowledgement a record
 * shows on the page, what the live view costs (CPU, memory) idle and while basic-producer sends at
 * full speed, and basic-producer's throughput with the live view open against without it, in
 * alternated rounds.
 */
final class LiveViewScenarios {

    private static final String LIVE_VIEW = "dev.franz.liveview.LiveView";
    private static final String PRODUCER = "dev.franz.basicproducer.BasicProducer";
    private static final String CONSUMER = "dev.franz.basicconsumer.BasicConsumer";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final Path CHROMIUM = Path.of(System.getProperty("franz.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("franz.chromedriver", "/usr/bin/chromedriver"));
    /** Records the page sees, keyed "lat-N", with the browser's clock (the same as this JVM's). */
    private static final String WATCH_KEYS = """
            window.firstSeen = {};
            window.pageErrors = [];
            window.addEventListener('error', e => window.pageErrors.push(String(e.message)));
            const note = node => {
              if (node.nodeType !== 1) return;
              for (const e of [node, ...node.querySelectorAll('[data-key]')]) {
                const key = e.getAttribute && e.getAttribute('data-key');
                if (key && key.startsWith('lat-') && !(key in window.firstSeen)) window.firstSeen[key] = Date.now();
              }
            };
            new MutationObserver(changes => changes.forEach(c => c.addedNodes.forEach(note)))
              .observe(document.body, { childList: true, subtree: true });
            """;

    private final String bootstrapServers;
    private final long records;
    private final int rounds;
    private final int latencyRecords;
    private final Duration idleWindow;
    private final ChildJvm jvm;
    private final boolean withConsumerArm;
    private final int manyTopics;
    private final long longTopicRecords;
    private int runNumber;

    LiveViewScenarios(String bootstrapServers, long records, int rounds, boolean quick, ChildJvm jvm) {
        this.bootstrapServers = bootstrapServers;
        this.records = records;
        this.rounds = rounds;
        this.latencyRecords = quick ? 20 : 600;
        this.idleWindow = Duration.ofSeconds(quick ? 2 : 10);
        this.withConsumerArm = !quick; // the comparison needs real rounds; a quick run checks the rest
        this.manyTopics = 500;
        this.longTopicRecords = 1_000_000;
        this.jvm = jvm;
    }

    List<Measurement> measure() throws Exception {
        Measurement latency = Measurement.of("record acknowledged -> on the live view's page (Chromium), p99", "",
                "ms", false, Double.NaN).withAbsoluteGoal("<= 500 ms (records reach the page at most five times a second)");
        Measurement throughput = Measurement.of("basic-producer with the live view open", "basic-producer alone",
                "records/s", true, 0.9);
        List<Double> latencies = new ArrayList<>();
        List<Double> idleCpu = new ArrayList<>();
        List<Double> busyCpu = new ArrayList<>();
        List<Double> idleBrowserCpu = new ArrayList<>();
        List<Double> busyBrowserCpu = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        List<Double> withConsumer = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            // Alone, with the live view open, with basic-consumer following: each round in another order.
            List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
            java.util.Collections.rotate(order, round);
            for (int arm : order) {
                if (arm == 0) {
                    Summary alone = produceAtFullSpeed(newTopic("bench-view-alone"));
                    throughput.references().add(alone.perSecond());
                    throughput.referenceRssMb().add(alone.result().peakRssMb());
                } else if (arm == 2) {
                    if (withConsumerArm) {
                        withConsumer.add(produceWithBasicConsumerFollowing().perSecond());
                    }
                } else {
                    try (OpenLiveView view = OpenLiveView.start(bootstrapServers, jvm)) {
                        if (latencies.isEmpty()) {
                            latencies.addAll(view.latencies(bootstrapServers, newTopic("bench-lat"), latencyRecords));
                        }
                        double[] idle = view.cpuShares(() -> waitFor(idleWindow));
                        idleCpu.add(idle[0]);
                        idleBrowserCpu.add(idle[1]);
                        Summary[] withView = new Summary[1];
                        String topic = newTopic("bench-view-open");
                        double[] busy = view.cpuShares(() -> withView[0] = produceAtFullSpeed(topic));
                        busyCpu.add(busy[0]);
                        busyBrowserCpu.add(busy[1]);
                        throughput.ours().add(withView[0].perSecond());
                        throughput.oursRssMb().add(withView[0].result().peakRssMb());
                        rss.add(view.peakRssMb());
                    }
                }
            }
        }
        latency.ours().add(Level3Scenarios.percentile(latencies, 0.99));
        latency = latency.withNote(String.format("%d records at 20/s on 3 partitions, keys shown on the page; p50 %.0f ms,"
                        + " p99 %.0f ms, max %.0f ms, from the producer's acknowledgement to the key's cell in the page",
                latencies.size(), Level3Scenarios.percentile(latencies, 0.5), Level3Scenarios.percentile(latencies, 0.99),
                Level3Scenarios.percentile(latencies, 1.0)));
        throughput = throughput.withNote(String.format("%,d records per run, basic-producer's own settings; with the page"
                        + " open the live view's JVM used %s of one core idle and %s while basic-producer ran (Chromium:"
                        + " %s idle, %s), its peak memory (RSS) %s MB; %d cores. For comparison, with basic-consumer"
                + " following the topic instead (in its group, --print-every 0): %s", records,
                percent(idleCpu),
                percent(busyCpu), percent(idleBrowserCpu), percent(busyBrowserCpu),
                rss.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("?"),
                Runtime.getRuntime().availableProcessors(), withConsumer.isEmpty() ? "not measured in a quick run"
                        : String.format("%s records/s, %.2fx alone", rates(withConsumer),
                                Measurement.median(withConsumer) / throughput.referenceMedian())));
        // At scale only in a real run: a quick run (in ./mvnw verify) would pay a third JVM and browser
        // start for sizes too small to say anything.
        return withConsumerArm ? List.of(latency, throughput, atScale()) : List.of(latency, throughput);
    }

    /**
     * The page on a cluster with many topics, one of them long: records still show within the
     * page's second, and the live view's memory stays bounded (it keeps a window per partition).
     */
    private Measurement atScale() throws Exception {
        String prefix = "bench-many-" + (++runNumber) + "-";
        List<NewTopic> many = new ArrayList<>();
        for (int n = 0; n < manyTopics; n++) {
            many.add(new NewTopic(String.format("%s%03d", prefix, n), 1, (short) 1));
        }
        String longTopic = newTopic("bench-long");
        try (Admin admin = Admin.create(props(bootstrapServers))) {
            for (int from = 0; from < many.size(); from += 100) {
                admin.createTopics(many.subList(from, Math.min(many.size(), from + 100))).all().get();
            }
        }
        fill(longTopic, longTopicRecords);
        String latencyTopic = newTopic("bench-lat-scale"); // before the page opens: no time to discover it counted
        List<Double> latencies;
        double[] idle;
        long rss;
        Map<?, ?> page;
        double firstRecordsSeconds;
        long openedAt = System.nanoTime();
        double connectedSeconds;
        try (OpenLiveView view = OpenLiveView.start(bootstrapServers, jvm)) {
            connectedSeconds = (System.nanoTime() - openedAt) / 1e9;
            // Steady state first: the page has drawn the long topic's newest records.
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (((Number) view.browser().executeScript("return document.querySelectorAll('[data-topic=\"" + longTopic
                    + "\"] [data-key]').length")).intValue() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The page did not show " + longTopic + "'s records within 120 s");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            firstRecordsSeconds = (System.nanoTime() - openedAt) / 1e9;
            latencies = view.latencies(bootstrapServers, latencyTopic, Math.max(20, latencyRecords / 3));
            idle = view.cpuShares(() -> waitFor(idleWindow));
            rss = view.peakRssMb();
            page = (Map<?, ?>) view.browser().executeScript("return { elements: document.getElementsByTagName('*')"
                    + ".length, heapMb: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1048576) : -1,"
                    + " topics: document.querySelectorAll('#topics > .topic').length }");
        } finally {
            try (Admin admin = Admin.create(props(bootstrapServers))) {
                List<String> names = new ArrayList<>(many.stream().map(NewTopic::name).toList());
                names.add(longTopic);
                names.add(latencyTopic);
                admin.deleteTopics(names).all().get();
            }
        }
        Measurement scale = Measurement.of(String.format("record acknowledged -> on the page with %d more topics and one"
                + " of %,d records, p99", manyTopics, longTopicRecords), "", "ms", false, Double.NaN)
                .withAbsoluteGoal("<= 1,000 ms (with 500 topics)");
        scale.ours().add(Level3Scenarios.percentile(latencies, 0.99));
        return scale.withNote(String.format("%d records at 20/s, once the page showed the long topic's newest records ("
                        + "%.1f s after the live view started, its page connected after %.1f s); p50 %.0f ms, p99 %.0f ms, max %.0f ms; the page showed %s"
                        + " topics in %s elements (Chromium's script heap %s MB); the live view's JVM used %.0f%% of one"
                        + " core with nothing produced (Chromium %.0f%%), its peak memory (RSS) %d MB", latencies.size(),
                firstRecordsSeconds, connectedSeconds, Level3Scenarios.percentile(latencies, 0.5), Level3Scenarios.percentile(latencies, 0.99),
                Level3Scenarios.percentile(latencies, 1.0), page.get("topics"), page.get("elements"), page.get("heapMb"),
                idle[0] * 100, idle[1] * 100, rss));
    }

    /** Writes {@code count} small records fast (not a lesson: only the topic's length matters here). */
    private void fill(String topic, long count) throws Exception {
        Properties props = props(bootstrapServers);
        props.put("linger.ms", 20);
        props.put("batch.size", 262_144);
        props.put("compression.type", "lz4");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            AtomicReference<Exception> failed = new AtomicReference<>();
            for (long n = 0; n < count && failed.get() == null; n++) {
                producer.send(new ProducerRecord<>(topic, "user-" + (n % 100), "{\"n\":" + n + ",\"page\":\"/products/"
                        + (n % 50) + "\"}"), (metadata, error) -> {
                            if (error != null) {
                                failed.compareAndSet(null, error);
                            }
                        });
            }
            producer.flush();
            if (failed.get() != null) {
                throw new IllegalStateException("Filling " + topic + " failed", failed.get());
            }
        }
    }

    private Summary produceAtFullSpeed(String topic) throws Exception {
        Summary summary = Summary.run(jvm, PRODUCER, List.of("--bootstrap-servers", bootstrapServers, "--topic", topic,
                "-n", String.valueOf(records), "--interval", "0", "--mode", "async", "--print-every", "0"), RUN_TIMEOUT);
        try (Admin admin = Admin.create(props(bootstrapServers))) {
            admin.deleteTopics(List.of(topic)).all().get();
        }
        return summary;
    }

    /** basic-producer while basic-consumer reads the same topic in its group, as Level 1 runs them. */
    private Summary produceWithBasicConsumerFollowing() throws Exception {
        String topic = newTopic("bench-view-consumer");
        String group = "bench-follower-" + runNumber;
        Process consumer = jvm.start(CONSUMER, List.of("--bootstrap-servers", bootstrapServers, topic, group,
                "--print-every", "0"));
        try (Admin admin = Admin.create(props(bootstrapServers))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!assigned(admin, group)) {
                if (System.nanoTime() > deadline || !consumer.isAlive()) {
                    throw new IllegalStateException("basic-consumer did not get its partitions within 60 s");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            return produceAtFullSpeed(topic);
        } finally {
            consumer.destroy();
            if (!consumer.waitFor(15, TimeUnit.SECONDS)) {
                consumer.destroyForcibly();
            }
        }
    }

    private static boolean assigned(Admin admin, String group) throws InterruptedException {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
                    .mapToInt(m -> m.assignment().topicPartitions().size()).sum() == 3;
        } catch (java.util.concurrent.ExecutionException notYet) {
            return false;
        }
    }

    private static String rates(List<Double> rates) {
        return rates.stream().map(r -> String.format("%,.0f", r)).reduce((a, b) -> a + ", " + b).orElse("?");
    }

    private String newTopic(String prefix) throws Exception {
        String topic = prefix + "-" + (++runNumber);
        try (Admin admin = Admin.create(props(bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        return topic;
    }

    private static String percent(List<Double> shares) {
        return shares.stream().map(s -> String.format("%.0f%%", s * 100)).reduce((a, b) -> a + ", " + b).orElse("?");
    }

    private static void waitFor(Duration window) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(window.toMillis()); // a measurement window, not a wait for Kafka
    }

    static Properties props(String bootstrapServers) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    interface Work {
        void run() throws Exception;
    }

    /** The live view's JVM and a Chromium page on it. */
    record OpenLiveView(Process process, ChromeDriver browser, Path profile) implements AutoCloseable {

        static OpenLiveView start(String bootstrapServers, ChildJvm jvm) throws Exception {
            return start(List.of("--bootstrap-servers", bootstrapServers), jvm);
        }

        /** With {@code configuration}: the live view's --bootstrap-servers and --set arguments. */
        static OpenLiveView start(List<String> configuration, ChildJvm jvm) throws Exception {
            if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
                throw new IllegalStateException("The live view's benchmark runs a real browser: " + CHROMIUM + " and "
                        + CHROMEDRIVER + " are needed (Debian: apt-get install chromium chromium-driver).");
            }
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            List<String> arguments = new ArrayList<>(configuration);
            arguments.addAll(List.of("--port", String.valueOf(port)));
            Process process = jvm.start(LIVE_VIEW, arguments);
            URI url = URI.create("http://127.0.0.1:" + port + "/");
            awaitAnswer(process, url);
            return open(process, url);
        }

        /**
         * A page in Chromium on a live view already answering at {@code url}; closing it ends
         * {@code process} and every process it started.
         */
        static OpenLiveView open(Process process, URI url) throws Exception {
            if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
                killTree(process);
                throw new IllegalStateException("The live view's benchmark runs a real browser: " + CHROMIUM + " and "
                        + CHROMEDRIVER + " are needed (Debian: apt-get install chromium chromium-driver).");
            }
            Path profile = Files.createTempDirectory("franz-bench-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--user-data-dir=" + profile, "--window-size=1400,1000");
            ChromeDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build(), options);
            OpenLiveView view = new OpenLiveView(process, browser, profile);
            browser.get(url.toString());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!"up".equals(browser.executeScript(
                    "const e = document.querySelector('#broker-status'); return e && e.getAttribute('data-state')"))) {
                if (System.nanoTime() > deadline) {
                    view.close();
                    throw new IllegalStateException("The live view's page did not connect within 30 s");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            return view;
        }

        /** Produces {@code count} records keyed lat-N at 20/s; for each, its acknowledgement to its cell on the page. */
        List<Double> latencies(String bootstrapServers, String topic, int count) throws Exception {
            browser.executeScript(WATCH_KEYS);
            // The page shows a new topic at the live view's next look at the cluster; records sent before that
            // may have left its window (the newest 20 per partition) when it starts reading: they are never
            // drawn, which is not latency. Measured from when the page has the topic.
            long shownBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Boolean.TRUE.equals(browser.executeScript(
                    "return document.querySelector(arguments[0]) !== null", "#topics [data-topic='" + topic + "']"))) {
                if (System.nanoTime() > shownBy) {
                    throw new IllegalStateException("The live view's page did not show topic " + topic + " within 30 s");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            Map<String, Long> acknowledged = new ConcurrentHashMap<>();
            Properties props = props(bootstrapServers);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new StringSerializer())) {
                long next = System.nanoTime();
                for (int n = 0; n < count; n++) {
                    // Unique per topic (its name ends with a run number): another topic's window may show lat- keys too.
                    String key = "lat-" + topic.substring(topic.lastIndexOf('-') + 1) + "-" + n;
                    producer.send(new ProducerRecord<>(topic, key, "{\"n\":" + n + "}"), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.put(key, System.currentTimeMillis());
                        }
                    });
                    next += TimeUnit.MILLISECONDS.toNanos(50);
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime())); // the pace: 20 records/s
                }
                producer.flush();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Map<?, ?> seen = Map.of();
            while (System.nanoTime() < deadline) {
                seen = (Map<?, ?>) browser.executeScript("return window.firstSeen");
                if (seen.keySet().containsAll(acknowledged.keySet())) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            List<Double> latencies = new ArrayList<>();
            List<Map.Entry<String, Long>> inOrder = new ArrayList<>(acknowledged.entrySet());
            inOrder.sort(Map.Entry.comparingByValue()); // in the order of their acknowledgements
            for (Map.Entry<String, Long> ack : inOrder) {
                Object shown = seen.get(ack.getKey());
                if (shown == null) {
                    throw new IllegalStateException("Record " + ack.getKey() + " never showed on the page (" + seen.size()
                            + " of " + acknowledged.size() + " did; the page's script errors: "
                            + browser.executeScript("return window.pageErrors") + ")");
                }
                latencies.add((double) (((Number) shown).longValue() - ack.getValue()));
            }
            if (acknowledged.size() != count) {
                throw new IllegalStateException((count - acknowledged.size()) + " records were not acknowledged");
            }
            return latencies;
        }

        /**
         * The CPU time of the live view's JVM and of the browser's processes while {@code work} runs,
         * each as a share of one core.
         */
        double[] cpuShares(Work work) throws Exception {
            List<Long> browserPids = browserPids();
            double view = cpuSeconds(List.of(process.pid()));
            double page = cpuSeconds(browserPids);
            long startedAt = System.nanoTime();
            work.run();
            double seconds = (System.nanoTime() - startedAt) / 1e9;
            return new double[] {(cpuSeconds(List.of(process.pid())) - view) / seconds,
                    (cpuSeconds(browserPids) - page) / seconds};
        }

        /** Chromium's processes: each has this page's profile folder on its command line. */
        private List<Long> browserPids() throws IOException {
            List<Long> pids = new ArrayList<>();
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        if (Files.readString(proc.resolve("cmdline")).contains(profile.toString())) {
                            pids.add(Long.parseLong(proc.getFileName().toString()));
                        }
                    } catch (IOException gone) {
                        // ended meanwhile
                    }
                }
            }
            return pids;
        }

        private static double cpuSeconds(List<Long> pids) {
            double seconds = 0;
            for (long pid : pids) {
                try {
                    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    seconds += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime + stime
                } catch (IOException gone) {
                    // a browser process that ended: its time is not counted
                }
            }
            return seconds;
        }

        /** The largest peak RSS of the live view's process and those it started (Maven's JVM under ./mvnw). */
        long peakRssMb() {
            long peakKb = ChildJvm.peakRssKb(process.pid());
            for (ProcessHandle child : process.descendants().toList()) {
                peakKb = Math.max(peakKb, ChildJvm.peakRssKb(child.pid()));
            }
            return peakKb / 1024;
        }

        private static void awaitAnswer(Process process, URI url) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The live view ended with status " + process.exitValue()
                            + " (bin/run live-view shows why)");
                }
                try {
                    if (http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            throw new IllegalStateException("The live view did not answer at " + url + " within 60 s");
        }

        /** Ends {@code process} and what it started (a shell script's JVM), each within 15 s or forcibly. */
        static void killTree(Process process) throws InterruptedException {
            List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
            all.add(process.toHandle());
            all.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            for (ProcessHandle handle : all) {
                while (handle.isAlive() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                if (handle.isAlive()) {
                    handle.destroyForcibly();
                }
            }
        }

        @Override
        public void close() throws Exception {
            browser.quit();
            killTree(process);
            try (Stream<Path> paths = Files.walk(profile)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
