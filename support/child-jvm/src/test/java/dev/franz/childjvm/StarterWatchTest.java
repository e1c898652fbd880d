package dev.franz.childjvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Child JVMs that watch their starter: they live while it does, and end within seconds of its end. */
class StarterWatchTest {

    /** A child: watches its starter, then runs "forever", as a broker would. */
    public static final class Child {
        public static void main(String[] args) {
            StarterWatch.stopWhenStarterEnds("starter gone: stopping", Duration.ofSeconds(2));
            if (args.length > 0) { // a shutdown hook that would never finish: the deadline halts
                Runtime.getRuntime().addShutdownHook(new Thread(Child::forever));
            }
            System.out.println("child running");
            forever();
        }

        static void forever() {
            try {
                new java.util.concurrent.CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A starter: starts a child, prints its pid, then waits to be killed. */
    public static final class Starter {
        public static void main(String[] args) throws IOException, InterruptedException {
            // The child writes to this starter's output; its input is a pipe from this starter.
            Process child = new ProcessBuilder(java(Child.class)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            System.out.println(child.pid());
            child.waitFor();
        }
    }

    @Test
    void aChildLivesWhileItsStarterDoesAndEndsWhenTheStarterCloses() throws Exception {
        Process child = new ProcessBuilder(java(Child.class)).redirectErrorStream(true).start();
        try (BufferedReader out = reader(child)) {
            assertThat(out.readLine()).isEqualTo("child running");
            assertThat(child.waitFor(1, TimeUnit.SECONDS)).as("child ended while its starter runs").isFalse();

            child.getOutputStream().close(); // what the operating system does when the starter ends

            assertThat(child.waitFor(5, TimeUnit.SECONDS)).as("child ended").isTrue();
            assertThat(child.exitValue()).isEqualTo(StarterWatch.STATUS);
            assertThat(out.readLine()).isEqualTo("starter gone: stopping");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aStarterGoneBeforeTheChildLookedIsSeenAtOnce() throws Exception {
        Process child = new ProcessBuilder(java(Child.class)).redirectInput(ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile())).redirectErrorStream(true).start();
        try {
            assertThat(child.waitFor(5, TimeUnit.SECONDS)).as("child ended").isTrue();
            assertThat(child.exitValue()).isEqualTo(StarterWatch.STATUS);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aShutdownHookThatHangsIsCutShortByTheGrace() throws Exception {
        Process child = new ProcessBuilder(java(Child.class, "hang")).redirectErrorStream(true).start();
        try (BufferedReader out = reader(child)) {
            assertThat(out.readLine()).isEqualTo("child running");
            long start = System.nanoTime();
            child.getOutputStream().close();
            assertThat(child.waitFor(6, TimeUnit.SECONDS)).as("child ended").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(child.exitValue()).isEqualTo(StarterWatch.STATUS);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void killingTheStarterWithSigkillEndsTheChild() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            Process starter = new ProcessBuilder(java(Starter.class)).redirectErrorStream(true).start();
            ProcessHandle child;
            try (BufferedReader out = reader(starter)) {
                child = ProcessHandle.of(Long.parseLong(out.readLine())).orElseThrow();
                if (attempt > 0) { // the first time at once, while the child is still starting
                    assertThat(out.readLine()).isEqualTo("child running");
                }
                starter.destroyForcibly(); // kill -9
                assertThat(child.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
            } finally {
                starter.destroyForcibly();
                starter.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private static List<String> java(Class<?> main, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
