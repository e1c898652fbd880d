package dev.franz.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.franz.common.events.Notification;
import dev.franz.common.events.NotificationKind;
import dev.franz.common.events.Order;
import dev.franz.common.json.JsonDeserializer;

/**
 * Level 3: payment-service draining a backlog with exactly-once on, and the order → notification latency at
 * a steady rate, hop by hop, each against minimal transactional loops ({@link TransactionalHop}) doing the
 * same Kafka work with the services' client settings.
 */
final class Level3Scenarios {

    private static final String ORDER_PRODUCER = "dev.franz.orderproducer.OrderProducer";
    private static final String PAYMENT_SERVICE = "dev.franz.paymentservice.PaymentService";
    private static final String NOTIFICATION_SERVICE = "dev.franz.notificationservice.NotificationService";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    /**
     * The services' client settings that TransactionalHop does not set itself (it sets read_committed, manual
     * offsets, earliest and a transactional id, as they do): the classic group protocol (Kafka's default,
     * written out in the services) and a 10 s session; each hop's static member id is added where it starts.
     * With them the reference and the services differ only in the work.
     */
    private static final List<String> SERVICE_SETTINGS = List.of("consumer.group.protocol=classic",
            "consumer.session.timeout.ms=10000");
    /**
     * payment-service's other settings that TransactionalHop does not set itself, for the backlog: with
     * gateway latency and failures off its max.poll.records is its most, 500 (Kafka's default, written out in
     * the service: the service sizes it to its gateway options); its transaction.timeout.ms is Kafka's default,
     * written out in the service as well.
     */
    private static final List<String> DRAIN_SETTINGS = List.of("consumer.max.poll.records=500",
            "producer.transaction.timeout.ms=60000");
    /**
     * What the backlog's reference shares with payment-service and what it lacks; and why the row has no
     * ceiling column.
     */
    private static final String DRAIN_NOTE = "the reference does the same Kafka work with the same client settings:"
            + " the same backlog (3 partitions) read by a new group from the earliest offset, read_committed, classic"
            + " group protocol, static membership (the transactional id as group.instance.id), session.timeout.ms"
            + " 10 s, max.poll.records 500, one transaction per poll holding one output record per order (same key)"
            + " and the polled orders' next offsets with the group's metadata, transaction.timeout.ms 60 s, Kafka's"
            + " defaults for every other setting (batch.size 16 KB among them); each in its own JVM, timed from"
            + " creating its clients until they are closed (so both count their start, initTransactions, the group"
            + " join and the close, about 2 s on 2 cores: a small backlog compares mostly those), stopping at the"
            + " backlog's last order. What it lacks:"
            + " payment-service reads each order as JSON, validates it, charges it (the simulated gateway, with"
            + " latency and failures off: no retries, no waits) and writes a new JSON payment result (the reference"
            + " writes the order's bytes back, with a header naming its input topic), would send what it cannot"
            + " charge to its dead letter topic (none here), keeps counts and prints a stats line every 5 s, keeps"
            + " each send's result to name a failed one, would retry a timed-out commit and rewind after an abort"
            + " (none here), prints its rebalances and watches its connections from a thread of its own. No"
            + " ceiling column: Kafka has no perf tool for a transactional read-process-write, and its system-test"
            + " tool TransactionalMessageCopier fixes other settings in its code (batch.size 512 bytes, for many"
            + " requests in flight per transaction; max.poll.interval.ms 180 s; no static membership; a JSON status"
            + " line per poll) and is slower than payment-service itself (6,127 against 17,144 records/s in the"
            + " run of 2026-12-01): no ceiling";
    private static final int WARM_UP_ORDERS = 5_000;

    private final String bootstrapServers;
    private final int rounds;
    private final ChildJvm jvm;
    private int runNumber;

    Level3Scenarios(String bootstrapServers, int rounds, ChildJvm jvm) {
        this.bootstrapServers = bootstrapServers;
        this.rounds = rounds;
        this.jvm = jvm;
    }

    /**
     * payment-service (gateway latency and failures off) draining a backlog, against {@link TransactionalHop}
     * draining the same backlog with payment-service's client settings: the same Kafka work, none of the
     * service's own (the row's note says which is which). Both are timed as payment-service times itself, from
     * creating their clients until they are closed, and stop at the backlog's last order.
     */
    Measurement exactlyOnceDrain(long orders) throws Exception {
        Measurement m = Measurement.of("payment-service, exactly-once, " + orders + " orders backlog",
                "a minimal transactional read-process-write loop (TransactionalHop)", "records/s", true, 0.8);
        String ordersTopic = topic("bench-orders");
        Scenarios.check(jvm.run(ORDER_PRODUCER, List.of("--count", String.valueOf(orders), "--interval", "0", "--print-every", "0",
                "--bootstrap-servers", bootstrapServers,
                "--set", "TOPIC_ORDERS=" + ordersTopic, "--seed", "1"), RUN_TIMEOUT));
        // Uncounted: one transaction, so that the seconds a fresh broker spends creating its internal topics
        // (__transaction_state, __consumer_offsets: 50 partitions each) fall on no measured run.
        drainWithHop(ordersTopic, topic("bench-warm-up"), "bench-warm-up-" + (++runNumber), 1);
        for (int round = 0; round < rounds; round++) {
            boolean oursFirst = round % 2 == 1;
            for (boolean ours : new boolean[] {oursFirst, !oursFirst}) {
                int run = ++runNumber;
                String output = topic("bench-payments");
                Summary summary;
                if (ours) {
                    summary = Summary.run(jvm, PAYMENT_SERVICE, List.of("--bootstrap-servers",
                            bootstrapServers, "--set", "TOPIC_ORDERS=" + ordersTopic, "--set", "TOPIC_PAYMENTS=" + output,
                            "--set", "TOPIC_ORDERS_DLT=" + output + ".DLT", "--group", "bench-pay-" + run,
                            "--instance", String.valueOf(run), "--max-messages", String.valueOf(orders),
                            "--failure-rate", "0", "--latency-ms", "0", "--print-every", "0"), RUN_TIMEOUT);
                } else {
                    summary = drainWithHop(ordersTopic, output, "bench-hop-" + run, orders);
                }
                if (summary.json().get("count").asLong() != orders) {
                    throw new IllegalStateException("Committed " + summary.json().get("count") + " of " + orders
                            + " orders:\n" + summary.result().output());
                }
                (ours ? m.ours() : m.references()).add(summary.perSecond());
                (ours ? m.oursRssMb() : m.referenceRssMb()).add(summary.result().peakRssMb());
            }
        }
        return m.withNote(DRAIN_NOTE);
    }

    /**
     * TransactionalHop until it has committed {@code records}; as payment-service, a group of its own, the
     * transactional id also the static member id.
     */
    private Summary drainWithHop(String ordersTopic, String output, String id, long records) throws Exception {
        List<String> hop = new ArrayList<>(List.of(bootstrapServers, id, id, output, ordersTopic,
                "consumer.group.instance.id=" + id));
        hop.addAll(SERVICE_SETTINGS);
        hop.addAll(DRAIN_SETTINGS);
        hop.addAll(List.of("--drain", String.valueOf(records)));
        return Summary.runWithFile(jvm, TransactionalHop.class.getName(), hop, RUN_TIMEOUT);
    }

    /**
     * The services against a reference doing the same work (two {@link TransactionalHop} JVMs: minimal
     * read-process-write transactional loops with the services' client settings), alternating in the same
     * run on the same broker, at about 1,000 orders/s: the time from an order's send to its payment
     * notification being visible to a read_committed reader, and where that time goes, hop by hop.
     */
    Measurement endToEndAgainstReference(long orders) throws Exception {
        Measurement m = Measurement.of("order sent -> payment notification visible (read_committed), p99 at ~1,000"
                + " orders/s", "two minimal transactional read-process-write loops (TransactionalHop)", "ms", false, 1.2);
        List<String> notes = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            boolean oursFirst = round % 2 == 1;
            for (boolean ours : new boolean[] {oursFirst, !oursFirst}) {
                FlowTimes times = flowTimes(orders, !ours);
                (ours ? m.ours() : m.references()).add(percentile(times.endToEnd(), 0.99));
                notes.add((ours ? "services: " : "reference: ") + times.describe());
            }
        }
        notes.add(0, String.format(Locale.ROOT, "end-to-end p99 medians: services %.0f ms, reference %.0f ms;"
                        + " both with the same client settings (the reference: %s, Kafka's defaults otherwise, as the"
                        + " services)", Measurement.median(m.ours()), Measurement.median(m.references()),
                String.join(", ", SERVICE_SETTINGS)));
        return m.withNote("per run, p50/p99/max in ms; hop 1 = orders -> payments, hop 2 = payments -> notifications;"
                + " \"to send\" = from the input record's send (its timestamp) to the output's send: the poll wait,"
                + " fetch and processing; \"to visible\" = from the output's send until a read_committed reader has"
                + " it: the transaction's commit and the reader's fetch. " + String.join("; ", notes));
    }

    /** Per measured order, each in ms: the two hops' parts and the whole. */
    record FlowTimes(String note, List<Double> hop1ToSend, List<Double> hop1ToVisible, List<Double> hop2ToSend,
                     List<Double> hop2ToVisible, List<Double> endToEnd) {

        String describe() {
            return String.format(Locale.ROOT, "%s; end to end %s; hop 1 to send %s, to visible %s; hop 2 to send %s,"
                            + " to visible %s", note, spread(endToEnd), spread(hop1ToSend), spread(hop1ToVisible),
                    spread(hop2ToSend), spread(hop2ToVisible));
        }

        private static String spread(List<Double> values) {
            return String.format(Locale.ROOT, "%.0f/%.0f/%.0f", percentile(values, 0.5), percentile(values, 0.99),
                    percentile(values, 1.0));
        }
    }

    /**
     * One flow on topics of its own: the services (or the reference) started and joined, a warm-up
     * burst, then {@code orders} at about 1,000/s, watched by a read_committed reader of its own.
     */
    private FlowTimes flowTimes(long orders, boolean reference) throws Exception {
        int run = ++runNumber;
        String ordersTopic = topic("flow-orders");
        String payments = topic("flow-payments");
        String notifications = topic("flow-notifications");
        List<String> topics = flowArguments(ordersTopic, payments, notifications);
        String payGroup = "flow-pay-" + run;
        String notifyGroup = "flow-notify-" + run;
        List<Process> started = new ArrayList<>();
        try {
            if (reference) {
                // As the services: the transactional id is also the static member id (group.instance.id).
                List<String> hop1 = new ArrayList<>(List.of(bootstrapServers, payGroup, payGroup, payments, ordersTopic,
                        "consumer.group.instance.id=" + payGroup));
                hop1.addAll(SERVICE_SETTINGS);
                started.add(jvm.start(TransactionalHop.class.getName(), hop1));
                List<String> hop2 = new ArrayList<>(List.of(bootstrapServers, notifyGroup, notifyGroup, notifications,
                        ordersTopic + "," + payments, "consumer.group.instance.id=" + notifyGroup));
                hop2.addAll(SERVICE_SETTINGS);
                started.add(jvm.start(TransactionalHop.class.getName(), hop2));
            } else {
                startServices(started, topics, payGroup, notifyGroup, run);
            }
            awaitStable(List.of(payGroup, notifyGroup));
            long warmUp = Math.min(WARM_UP_ORDERS, orders); // (a quick run's orders are few: so is its warm-up)
            List<String> warmUpArgs = new ArrayList<>(List.of("--count", String.valueOf(warmUp), "--interval",
                    "0", "--print-every", "0"));
            warmUpArgs.addAll(topics);
            Scenarios.check(jvm.run(ORDER_PRODUCER, warmUpArgs, RUN_TIMEOUT));
            try (FlowObserver observer = new FlowObserver(payments, notifications)) {
                // Everything of the warm-up is visible downstream before the measured orders start.
                observer.awaitPaymentNotifications(warmUp, Duration.ofMinutes(2));
                observer.forget();
                long measuredFrom = System.currentTimeMillis();
                List<String> producerArgs = new ArrayList<>(List.of("--count", String.valueOf(orders), "--interval",
                        "0.001", "--print-every", "0"));
                producerArgs.addAll(topics);
                Summary placed = Summary.run(jvm, ORDER_PRODUCER, producerArgs, RUN_TIMEOUT);
                observer.awaitPaymentNotifications(orders, Duration.ofMinutes(2));
                return observer.times(sentAt(ordersTopic, measuredFrom, warmUp + orders), orders,
                        String.format(Locale.ROOT, "%d orders at %.0f/s", orders, placed.perSecond()));
            }
        } finally {
            stop(started);
        }
    }

    /** Order id -> when order-producer sent it (the record's timestamp), for the orders sent from {@code from}. */
    private Map<String, Long> sentAt(String ordersTopic, long from, long total) {
        Map<String, Long> sent = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : readAll(ordersTopic, new ByteArrayDeserializer(), total)) {
            if (record.timestamp() >= from) {
                sent.put(record.key(), record.timestamp());
            }
        }
        return sent;
    }

    /**
     * A read_committed reader of the flow's outputs, on a thread of its own from the current end: for
     * each payment and payment notification, its send time (its timestamp) and when this reader had
     * it. {@code fetch.max.wait.ms} is low here, as in an instrument: what it adds is the same for the
     * services and the reference.
     */
    private final class FlowObserver implements AutoCloseable {
        private record Seen(long sent, long visible) {
        }

        private final Map<String, Seen> payments = new ConcurrentHashMap<>();
        private final Map<String, Seen> paymentNotifications = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        FlowObserver(String paymentsTopic, String notificationsTopic) throws InterruptedException {
            Properties props = properties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
            KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(paymentsTopic, notificationsTopic)) {
                consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            CountDownLatch ready = new CountDownLatch(1);
            thread = new Thread(() -> {
                try (consumer) {
                    ready.countDown();
                    while (running.get()) {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                            long now = System.currentTimeMillis();
                            Seen seen = new Seen(record.timestamp(), now);
                            if (record.topic().equals(paymentsTopic)) {
                                payments.putIfAbsent(record.key(), seen);
                            } else if (isPaymentNotification(record, paymentsTopic)) {
                                paymentNotifications.putIfAbsent(record.key(), seen);
                            }
                        }
                    }
                }
            }, "flow observer");
            thread.setDaemon(true);
            thread.start();
            ready.await();
        }

        /** The services' notification says its kind; the reference's record names its input topic. */
        private static boolean isPaymentNotification(ConsumerRecord<String, byte[]> record, String paymentsTopic) {
            Header input = record.headers().lastHeader("input");
            if (input != null) {
                return new String(input.value(), StandardCharsets.UTF_8).equals(paymentsTopic);
            }
            return new String(record.value(), StandardCharsets.UTF_8).contains("\"kind\":\"payment_");
        }

        void awaitPaymentNotifications(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (paymentNotifications.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Only " + paymentNotifications.size() + " of " + count
                            + " payment notifications visible within " + timeout.toSeconds() + " s");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }

        void forget() {
            payments.clear();
            paymentNotifications.clear();
        }

        FlowTimes times(Map<String, Long> sentAt, long orders, String note) {
            List<Double> hop1ToSend = new ArrayList<>();
            List<Double> hop1ToVisible = new ArrayList<>();
            List<Double> hop2ToSend = new ArrayList<>();
            List<Double> hop2ToVisible = new ArrayList<>();
            List<Double> endToEnd = new ArrayList<>();
            sentAt.forEach((order, sent) -> {
                Seen payment = payments.get(order);
                Seen notification = paymentNotifications.get(order);
                if (payment != null && notification != null) {
                    hop1ToSend.add((double) (payment.sent() - sent));
                    hop1ToVisible.add((double) (payment.visible() - payment.sent()));
                    hop2ToSend.add((double) (notification.sent() - payment.visible()));
                    hop2ToVisible.add((double) (notification.visible() - notification.sent()));
                    endToEnd.add((double) (notification.visible() - sent));
                }
            });
            if (endToEnd.size() < orders) {
                throw new IllegalStateException("Only " + endToEnd.size() + " of " + orders + " orders followed");
            }
            return new FlowTimes(note, hop1ToSend, hop1ToVisible, hop2ToSend, hop2ToVisible, endToEnd);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }
    }

    /**
     * The same flow with the live view watching it and its page open in Chromium, against the flow
     * without them, alternating in the same run: what watching costs the services.
     */
    Measurement endToEndLatencyWithLiveView(long orders) throws Exception {
        Measurement m = Measurement.of("order -> payment notification p99 at ~1,000 orders/s, live view and its page open",
                "the same flow without the live view", "ms", false, 1.2);
        List<String> notes = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            boolean watchedFirst = round % 2 == 1;
            for (boolean watched : new boolean[] {watchedFirst, !watchedFirst}) {
                LatencyRun run = latencyRun(orders, watched);
                (watched ? m.ours() : m.references()).add(percentile(run.latencies(), 0.99));
                notes.add((watched ? "watched: " : "alone: ") + run.note());
            }
        }
        return m.withNote(String.join("; ", notes));
    }

    private record LatencyRun(List<Double> latencies, String note) {
    }

    private LatencyRun latencyRun(long orders, boolean withLiveView) throws Exception {
        int run = ++runNumber;
        String ordersTopic = topic("lat-orders");
        String payments = topic("lat-payments");
        String notifications = topic("lat-notifications");
        List<String> topics = flowArguments(ordersTopic, payments, notifications);
        List<Process> services = new ArrayList<>();
        // The live view gets the flow's topic names, so that its page draws this flow and follows its orders.
        try (AutoCloseable liveView = withLiveView ? LiveViewScenarios.OpenLiveView.start(topics, jvm) : () -> { }) {
            startServices(services, topics, "lat-pay-" + run, "lat-notify-" + run, run);
            // Measure the flow, not the services' start: wait until both groups have their members.
            awaitStable(List.of("lat-pay-" + run, "lat-notify-" + run));
            // Warm-up: a burst of orders through both services (JIT, connections, caches), not measured.
            // --print-every 0: a line per order from the producer's I/O thread would slow the flow measured.
            List<String> warmUpArgs = new ArrayList<>(List.of("--count", String.valueOf(WARM_UP_ORDERS), "--interval", "0",
                    "--print-every", "0"));
            warmUpArgs.addAll(topics);
            Scenarios.check(jvm.run(ORDER_PRODUCER, warmUpArgs, RUN_TIMEOUT));
            readAll(notifications, new JsonDeserializer<>(Notification.class), 2L * WARM_UP_ORDERS);

            long measuredFrom = System.currentTimeMillis();
            List<String> producerArgs = new ArrayList<>(List.of("--count", String.valueOf(orders), "--interval", "0.001",
                    "--print-every", "0"));
            producerArgs.addAll(topics);
            Summary placed = Summary.run(jvm, ORDER_PRODUCER, producerArgs, RUN_TIMEOUT);
            String achieved = String.format("%.0f", placed.perSecond());
            List<Double> latencies = paymentNotificationLatencies(ordersTopic, notifications, orders, measuredFrom);
            return new LatencyRun(latencies, String.format("%d orders at %s orders/s after %,d warm-up orders; latency"
                            + " p50 %.0f ms, p99 %.0f ms, max %.0f ms", latencies.size(), achieved, WARM_UP_ORDERS,
                    percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 1.0)));
        } finally {
            stop(services);
        }
    }

    /** The services' options for a flow on topics of its own. */
    private List<String> flowArguments(String ordersTopic, String payments, String notifications) {
        return List.of("--bootstrap-servers", bootstrapServers, "--set", "TOPIC_ORDERS=" + ordersTopic,
                "--set", "TOPIC_PAYMENTS=" + payments, "--set", "TOPIC_NOTIFICATIONS=" + notifications,
                "--set", "TOPIC_ORDERS_DLT=" + ordersTopic + ".DLT");
    }

    /** payment-service (gateway latency and failures off) and notification-service, into {@code started}. */
    private void startServices(List<Process> started, List<String> topics, String payGroup, String notifyGroup, int run)
            throws IOException {
        List<String> paymentArgs = new ArrayList<>(topics);
        paymentArgs.addAll(List.of("--group", payGroup, "--instance", String.valueOf(run),
                "--failure-rate", "0", "--latency-ms", "0", "--print-every", "0"));
        started.add(jvm.start(PAYMENT_SERVICE, paymentArgs));
        List<String> notificationArgs = new ArrayList<>(topics);
        notificationArgs.addAll(List.of("--group", notifyGroup, "--instance", String.valueOf(run),
                "--print-every", "0"));
        started.add(jvm.start(NOTIFICATION_SERVICE, notificationArgs));
    }

    private static void stop(List<Process> processes) throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private void awaitStable(List<String> groups) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Admin admin = Admin.create(properties())) {
            while (true) {
                try {
                    boolean stable = admin.describeConsumerGroups(groups).all().get().values().stream()
                            .allMatch(group -> group.groupState() == GroupState.STABLE && !group.members().isEmpty());
                    if (stable) {
                        return;
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                        throw e;
                    }
                    // not created yet: the service is still starting
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The services did not join their groups within 60 s: " + groups);
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private List<Double> paymentNotificationLatencies(String ordersTopic, String notificationsTopic, long orders,
                                                      long measuredFrom) {
        Map<String, Long> createdAt = new HashMap<>();
        long total = WARM_UP_ORDERS + orders;
        for (ConsumerRecord<String, Order> record : readAll(ordersTopic, new JsonDeserializer<>(Order.class), total)) {
            long created = record.value().createdAt().toEpochMilli();
            if (created >= measuredFrom) {
                createdAt.put(record.key(), created);
            }
        }
        List<Double> latencies = new ArrayList<>();
        for (ConsumerRecord<String, Notification> record : readAll(notificationsTopic,
                new JsonDeserializer<>(Notification.class), 2 * total)) {
            Long created = createdAt.get(record.key());
            if (record.value().kind() != NotificationKind.ORDER_RECEIVED && created != null) {
                latencies.add((double) (record.timestamp() - created));
            }
        }
        if (latencies.size() < orders) {
            throw new IllegalStateException("Only " + latencies.size() + " of " + orders + " payment notifications");
        }
        return latencies;
    }

    /** Reads {@code topic} (read_committed) until {@code expected} records, or 2 minutes. */
    private <V> List<ConsumerRecord<String, V>> readAll(String topic, Deserializer<V> values, long expected) {
        Properties props = properties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    static double percentile(List<Double> values, double fraction) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(fraction * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private String topic(String prefix) throws Exception {
        String topic = prefix + "-" + (++runNumber);
        try (Admin admin = Admin.create(properties())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        return topic;
    }

    private Properties properties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }
}
