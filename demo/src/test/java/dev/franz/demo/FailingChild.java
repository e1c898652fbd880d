package dev.franz.demo;

import java.io.IOException;

/**
 * A planted service for {@link ServiceProcessTest}, run as a child JVM by {@link ServiceProcess}:
 * {@code lines N CODE} prints N numbered lines on standard output, one on standard error, and exits
 * with CODE; {@code silent CODE} exits with CODE without a word; {@code wait} prints one line and
 * waits for its standard input (which stays open) until it is stopped.
 */
public final class FailingChild {

    private FailingChild() {
    }

    public static void main(String[] args) throws IOException {
        switch (args[0]) {
            case "lines" -> {
                for (int i = 1; i <= Integer.parseInt(args[1]); i++) {
                    System.out.println("output line " + i + " of " + args[1]);
                }
                System.err.println("the cause, on standard error");
                System.exit(Integer.parseInt(args[2]));
            }
            case "silent" -> System.exit(Integer.parseInt(args[1]));
            case "wait" -> {
                System.out.println("waiting for nothing");
                System.in.read();
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
