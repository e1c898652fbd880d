package dev.franz.localschemaregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import dev.franz.common.cli.Cli;
import dev.franz.testing.TestProcesses;

/** The local registry as a learner runs it: in its own JVM, stopped by Ctrl-C or by its parent's death. */
class LocalSchemaRegistryIT {

    @TempDir
    Path dir; // where the registry's log goes

    @Test
    void aBusyPortIsOneMessageSayingWhatProbablyHoldsItAndExit1() throws IOException {
        try (ServerSocket busy = new ServerSocket(0)) {
            StringWriter err = new StringWriter();

            int exitCode = Cli.run(new LocalSchemaRegistry(), new PrintWriter(err), "--port",
                    Integer.toString(busy.getLocalPort()));

            assertThat(exitCode).isEqualTo(1);
            assertThat(err.toString()).contains("Port " + busy.getLocalPort() + " is already in use")
                    .contains("ss -ltnp").doesNotContain("\tat ");
        }
    }

    @Test
    void ctrlCStopsTheRegistryAndItsJvm() throws Exception {
        int port = freePort();
        TestProcesses local = TestProcesses.java(List.of("-Dfranz.root=" + dir), LocalSchemaRegistry.class,
                "--port", Integer.toString(port));
        try {
            ProcessHandle registry = awaitRegistry(local, port);

            // SIGTERM, as Ctrl-C: the shutdown hook runs. (Process.destroy() would also close our end of its output.)
            local.process().toHandle().destroy();

            await().atMost(Duration.ofSeconds(20)).until(() -> !local.process().isAlive() && !registry.isAlive());
            assertThat(local.lines()).as("output").anyMatch(line -> line.contains("Schema registry stopped"));
            assertThat(answers(port)).isFalse();
        } finally {
            local.process().destroyForcibly();
        }
    }

    @Test
    void theRegistryEndsWhenTheProgramThatStartedItIsKilled() throws Exception {
        int port = freePort();
        TestProcesses local = TestProcesses.java(List.of("-Dfranz.root=" + dir), LocalSchemaRegistry.class,
                "--port", Integer.toString(port));
        ProcessHandle registry = awaitRegistry(local, port);

        local.process().destroyForcibly(); // kill -9: no shutdown hook runs

        await().atMost(Duration.ofSeconds(15)).until(() -> !registry.isAlive());
        assertThat(answers(port)).isFalse();
    }

    @RepeatedTest(3)
    void theRegistryEndsWhenTheProgramThatStartedItIsKilledWhileItStarts() throws Exception {
        int port = freePort();
        TestProcesses local = TestProcesses.java(List.of("-Dfranz.root=" + dir), LocalSchemaRegistry.class,
                "--port", Integer.toString(port));
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> local.process().children().findAny().isPresent());
            ProcessHandle registry = local.process().children().findFirst().orElseThrow();
            assertThat(answers(port)).as("killed while the registry starts").isFalse();

            local.process().destroyForcibly(); // kill -9, a moment after it started the registry's JVM

            await().atMost(Duration.ofSeconds(10)).until(() -> !registry.isAlive() && portFree(port));
        } finally {
            local.process().destroyForcibly();
            local.process().descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * Waits until the registry answers on {@code port} and the program says it is running (its Ctrl-C
     * hook is in place from then on: nothing else shows that), and returns the registry's JVM: the
     * program's only child.
     */
    private static ProcessHandle awaitRegistry(TestProcesses local, int port) {
        await().atMost(Duration.ofSeconds(120)).until(() -> (answers(port) && local.printed("is running"))
                || !local.process().isAlive());
        assertThat(local.process().isAlive()).as("still running; output: %s", local.lines()).isTrue();
        List<ProcessHandle> children = local.process().children().toList();
        assertThat(children).as("the registry's JVM").hasSize(1);
        return children.get(0);
    }

    private static boolean answers(int port) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/apis/ccompat/v7/subjects")).timeout(Duration.ofSeconds(2)).build();
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
