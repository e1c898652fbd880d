package dev.franz.demo;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.Arrays;

import dev.franz.childjvm.StarterWatch;

/**
 * How the demo starts each service: {@code ChildMain <main class> <arguments>}. It runs the service's
 * own {@code main}, and ends the service (as Ctrl-C would: its shutdown hook commits and closes)
 * within seconds of the demo's end, even after {@code kill -9} of the demo, so that no service
 * JVM is left behind.
 */
public final class ChildMain {

    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(2);

    private ChildMain() {
    }

    public static void main(String[] args) throws Throwable {
        // First of all, before the service's classes load: the demo's temporary broker dies with the
        // demo, so the service cannot commit or leave its group. Its shutdown hook gets a moment, then
        // the JVM ends for sure.
        StarterWatch.stopWhenStarterEnds("The demo that started this service has ended: stopping.", ORPHAN_GRACE);
        MethodHandle main = MethodHandles.publicLookup().findStatic(Class.forName(args[0]), "main",
                MethodType.methodType(void.class, String[].class));
        main.invokeExact(Arrays.copyOfRange(args, 1, args.length));
    }
}
