package dev.franz.liveview;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.common.UserFacingException;
import dev.franz.liveview.Views.HeaderView;
import dev.franz.liveview.Views.RecordDetails;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.ServiceUnavailableResponse;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;

/**
 * The page and its data over HTTP (no Kafka calls here): the HTML, CSS and JavaScript modules from
 * the jar, {@code /events} as server-sent events (the cluster about once a second, changed
 * partitions' records as they come, at most five times a second, the clients' pushed metrics with
 * the cluster), {@code /api/record} for one record's details, and {@code /metrics} as Prometheus text.
 * Only to requests meant for this machine: see {@link LocalRequests}.
 */
final class WebServer implements AutoCloseable {

    /** How often the sender looks for something new to push: a record waits at most this long for it. */
    static final long LOOK_EVERY_MS = 50;
    /**
     * The least time between two pushes of records: while a producer runs at full speed, the page redraws
     * at most five times a second (each redraw costs the browser: docs/live-view.md, "What it costs").
     */
    static final long RECORDS_GAP_MS = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaWatcher watcher;
    private final RecordText recordText;
    private final Javalin app;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "live-view-sender");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean newSnapshot = new AtomicBoolean();
    private long recordsPushedAt; // System.nanoTime() of the last push of records; the sender thread's only
    private String clientsSent = ""; // the last "clients" event pushed, as JSON; the sender thread's only
    /** Who is answered; set once the server listens, when its port is known (a test asks for any free one). */
    private volatile LocalRequests localRequests;

    /** One open page: what it has been sent. */
    private record Client(SseClient sse, Map<TopicPartition, Long> seen) {
    }

    private WebServer(KafkaWatcher watcher, RecordText recordText, String host, int port) {
        this.watcher = watcher;
        this.recordText = recordText;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.staticFiles.add("/live-view", Location.CLASSPATH);
            config.routes.before(this::onlyThisMachine);
            config.routes.before(WebServer::securityHeaders);
            config.routes.sse("/events", this::connect);
            config.routes.get("/api/record", this::recordDetails);
            config.routes.get("/api/order", this::orderTrace);
            config.routes.get("/metrics", this::prometheusText);
        });
    }

    /** Serves on {@code host:port}; a port in use is one clear message, not a stack trace. */
    static WebServer start(KafkaWatcher watcher, RecordText recordText, String host, int port) {
        requirePortFree(host, port);
        WebServer server = new WebServer(watcher, recordText, host, port);
        server.app.start();
        server.localRequests = new LocalRequests(host, server.port());
        watcher.onSnapshot(view -> server.newSnapshot.set(true));
        server.sender.scheduleWithFixedDelay(server::push, LOOK_EVERY_MS, LOOK_EVERY_MS, TimeUnit.MILLISECONDS);
        return server;
    }

    int port() {
        return app.port();
    }

    /**
     * 403 for a request a web page elsewhere made the browser send: a {@code Host} that is not this
     * machine (DNS rebinding), or an {@code Origin} of another site. Every route, /events too.
     */
    private void onlyThisMachine(Context ctx) {
        LocalRequests local = localRequests;
        if (local == null) {
            throw new ServiceUnavailableResponse("Starting: try again in a moment");
        }
        String refusal = local.refusal(ctx.header("Host"), ctx.header("Origin"));
        if (refusal != null) {
            throw new ForbiddenResponse(refusal);
        }
    }

    /**
     * A page never runs script that came with the data: besides rendering every value as text, the
     * browser is told to run only this server's own script files (no inline script, no event attributes).
     */
    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self';"
                + " img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
    }

    private void connect(SseClient sse) {
        sse.keepAlive();
        Client client = new Client(sse, new HashMap<>());
        sse.onClose(() -> clients.remove(client));
        // The first messages go from the sender thread too, so that one page never gets two at once.
        sender.execute(() -> {
            send(client, "cluster", watcher.latest());
            send(client, "records", watcher.changedRecords(client.seen()));
            send(client, "clients", clientPanels());
            clients.add(client);
        });
    }

    private void push() {
        boolean snapshot = newSnapshot.getAndSet(false);
        boolean records = System.nanoTime() - recordsPushedAt >= TimeUnit.MILLISECONDS.toNanos(RECORDS_GAP_MS);
        // Written once for every page; the Clients view only when it changed (a client pushed, a lag moved).
        String cluster = snapshot && !clients.isEmpty() ? json("cluster", watcher.latest()) : null;
        String panels = cluster == null ? null : json("clients", clientPanels());
        if (panels != null && panels.equals(clientsSent)) {
            panels = null;
        } else if (panels != null) {
            clientsSent = panels;
        }
        for (Client client : clients) {
            if (cluster != null) {
                sendJson(client, "cluster", cluster);
            }
            if (panels != null) {
                sendJson(client, "clients", panels);
            }
            List<Views.PartitionRecords> changed = records ? watcher.changedRecords(client.seen()) : List.of();
            if (!changed.isEmpty()) {
                send(client, "records", changed);
                recordsPushedAt = System.nanoTime();
            }
        }
    }

    private void send(Client client, String event, Object data) {
        sendJson(client, event, json(event, data));
    }

    private void sendJson(Client client, String event, String json) {
        if (client.sse().terminated()) {
            clients.remove(client);
            return;
        }
        try {
            client.sse().sendEvent(event, json);
        } catch (RuntimeException pageGone) {
            clients.remove(client);
        }
    }

    private static String json(String event, Object data) {
        try {
            return JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + event + " as JSON", e);
        }
    }

    /** The "clients" event: a panel per client instance that pushed its metrics (KIP-714). */
    private ClientPanels.ClientsView clientPanels() {
        return ClientPanels.build(watcher.clientMetrics(), watcher.latest(), System.currentTimeMillis());
    }

    /** {@code /metrics}: the clients' pushed metrics and the groups' lag as Prometheus text ({@link PrometheusText}). */
    private void prometheusText(Context ctx) {
        long now = System.currentTimeMillis();
        ctx.contentType(PrometheusText.CONTENT_TYPE)
                .result(PrometheusText.text(watcher.clientMetrics().clients(now), watcher.latest(), now));
    }

    private void recordDetails(Context ctx) throws JsonProcessingException {
        String topic = ctx.queryParam("topic");
        Integer partition = integer(ctx.queryParam("partition"));
        Long offset = longValue(ctx.queryParam("offset"));
        if (topic == null || partition == null || offset == null) {
            ctx.status(400).result("topic, partition and offset are needed");
            return;
        }
        NewestRecords.Shown shown = watcher.record(new TopicPartition(topic, partition), offset);
        if (shown == null) {
            ctx.status(404).result("That record is no longer among the newest records kept for " + topic + "-" + partition);
            return;
        }
        PartitionWindow.Stored r = shown.stored();
        List<HeaderView> headers = new ArrayList<>();
        for (PartitionWindow.Header h : r.headers()) {
            headers.add(new HeaderView(h.key(), h.value() == null ? null : recordText.describe(h.value(), true).text()));
        }
        if (r.headerCount() > headers.size()) {
            headers.add(new HeaderView("…", (r.headerCount() - headers.size()) + " more header(s), not kept by the live view"));
        }
        boolean cut = r.value() != null && r.value().length < r.valueSize();
        RecordText.Text value = recordText.describe(r.value(), !cut);
        RecordText.Text key = recordText.describe(r.key(), true);
        RecordDetails details = new RecordDetails(topic, partition, offset, shown.status().name().toLowerCase(java.util.Locale.ROOT),
                r.timestamp(), r.key() == null ? null : key.text(), r.key() == null ? "null" : key.format(), headers,
                value.format(), value.text(), r.valueSize(), cut);
        ctx.contentType("application/json").result(JSON.writeValueAsString(details));
    }

    /** Everything the live view saw of one order ({@code ?id=ord-...}), for "Follow an order". */
    private void orderTrace(Context ctx) throws JsonProcessingException {
        String id = ctx.queryParam("id");
        if (id == null || id.isBlank()) {
            ctx.status(400).result("id is needed: an order id, the key of its records (ord-...)");
            return;
        }
        Views.OrderTrace trace = watcher.order(id.strip());
        if (trace == null) {
            ctx.status(404).result("The live view has seen no record with key " + id.strip() + " on the flow's topics"
                    + " (it reads the newest " + "records of each partition from its start on).");
            return;
        }
        ctx.contentType("application/json").result(JSON.writeValueAsString(trace));
    }

    private static Integer integer(String value) {
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long longValue(String value) {
        try {
            return value == null ? null : Long.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void requirePortFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            if (!(e instanceof BindException) || e.getMessage() == null || !e.getMessage().contains("in use")) {
                // Not the port: the address (not this machine's, or no address at all) or a permission.
                throw new UserFacingException("Cannot serve the live view's web page on " + host + " port " + port + ": "
                        + e.getMessage() + " (--bind takes an address of this machine: 127.0.0.1, or 0.0.0.0 for all)");
            }
            throw new UserFacingException("Port " + port + " (the live view's web page) is already in use on " + host + ".\n"
                    + "Probably another live-view still runs in another terminal.\n"
                    + "Find it with:  ss -ltnp | grep ':" + port + " '\n"
                    + "Stop it with Ctrl-C in its terminal, or pick another port with --port.");
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
        clients.forEach(client -> client.sse().close());
        app.stop();
    }
}
