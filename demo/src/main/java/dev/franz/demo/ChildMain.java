package dev.franz.demo;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.Arrays;

/**
 * How the demo starts each service: {@code ChildMain <main class> <arguments>}. It runs the service's
 * own {@code main}, and ends the service (as Ctrl-C would: its shutdown hook commits and closes)
 * within a second of the demo's death, even after {@code kill -9} of the demo, so that no service
 * JVM is left behind.
 */
public final class ChildMain {

    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(2);

    private ChildMain() {
    }

    public static void main(String[] args) throws Throwable {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.err.println("The demo that started this service has ended: stopping.");
            // The demo's temporary broker died with it, so the service cannot commit or leave its group:
            // give its shutdown hook a moment, then stop for sure.
            Thread deadline = new Thread(() -> {
                try {
                    Thread.sleep(ORPHAN_GRACE.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(143);
            }, "orphan-deadline");
            deadline.setDaemon(true);
            deadline.start();
            System.exit(143); // the status of a process ended by SIGTERM
        }));
        MethodHandle main = MethodHandles.publicLookup().findStatic(Class.forName(args[0]), "main",
                MethodType.methodType(void.class, String[].class));
        main.invokeExact(Arrays.copyOfRange(args, 1, args.length));
    }
}
