package dev.franz.schemaregistry;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.Arrays;

import dev.franz.childjvm.StarterWatch;

/**
 * The registry JVM's entry point: {@code RegistryChildMain <registry main class> <arguments>}. It
 * runs the registry's own {@code main} and stops it when the JVM that started it ends, even after
 * {@code kill -9}, so that no registry is left holding the port.
 */
public final class RegistryChildMain {

    private RegistryChildMain() {
    }

    public static void main(String[] args) throws Throwable {
        // First of all, before the registry's classes load; its shutdown hooks run, within a limit.
        StarterWatch.stopWhenStarterEnds("The program that started this schema registry has ended: stopping.",
                Duration.ofSeconds(3));
        MethodHandle main = MethodHandles.publicLookup().findStatic(Class.forName(args[0]), "main",
                MethodType.methodType(void.class, String[].class));
        main.invokeExact(Arrays.copyOfRange(args, 1, args.length));
    }
}
