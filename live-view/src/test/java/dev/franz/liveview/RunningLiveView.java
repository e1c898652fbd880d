package dev.franz.liveview;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.Optional;
import java.util.Properties;

/** The live view in the test's JVM, as {@code live-view} runs it, on a port the system picks. */
public final class RunningLiveView implements AutoCloseable {

    private final KafkaWatcher watcher;
    private final WebServer server;

    private RunningLiveView(KafkaWatcher watcher, WebServer server) {
        this.watcher = watcher;
        this.server = server;
    }

    public static RunningLiveView start(Properties clientProperties, String bootstrapServers) {
        return start(clientProperties, bootstrapServers, new Level3Flow.Topics("orders", "payments", "orders.DLT",
                "notifications"));
    }

    static RunningLiveView start(Properties clientProperties, String bootstrapServers, Level3Flow.Topics flowTopics) {
        KafkaWatcher watcher = new KafkaWatcher(clientProperties, bootstrapServers, 20, flowTopics,
                new PrintStream(OutputStream.nullOutputStream()));
        WebServer server = WebServer.start(watcher, new RecordText(URI.create("http://localhost:1"), Optional.empty()),
                "127.0.0.1", 0);
        watcher.start();
        return new RunningLiveView(watcher, server);
    }

    public String url() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    /** The page opened at one view, with or without a filter: {@code url("groups?filter=payment")}. */
    public String url(String view) {
        return url() + "#" + view;
    }

    @Override
    public void close() {
        server.close();
        watcher.close();
    }
}
