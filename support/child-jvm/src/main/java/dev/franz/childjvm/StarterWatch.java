package dev.franz.childjvm;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends a JVM that Franz started (a node of {@code local-kafka --brokers N}, a service of the demo, the
 * schema registry) when the program that started it ends, however that program ends: Ctrl-C, a
 * closed terminal, {@code kill -9}, a crash.
 *
 * <p>How the child knows: its starter holds the write end of the child's standard input, a pipe
 * ({@link ProcessBuilder}'s default), and never writes to it or closes it. When the starter ends, the
 * operating system closes that pipe, and the child reads end of input. That is true from the child's
 * first instruction to its last (the pipe exists before the child does), and a starter that died
 * before the child looked is seen at once. Asking "who is my parent now" is not: a child whose starter
 * has died is already the child of another process, and waits for that one.
 *
 * <p>Call {@link #stopWhenStarterEnds} first thing in {@code main}, before any slow work.
 */
public final class StarterWatch {

    /** The exit status, as after SIGTERM. */
    public static final int STATUS = 143;

    private static final AtomicBoolean STARTER_GONE = new AtomicBoolean();
    private static final AtomicBoolean WATCHING = new AtomicBoolean();

    private StarterWatch() {
    }

    /**
     * When the starter ends: prints {@code message} to standard error, then {@code System.exit}, so
     * that shutdown hooks run; if they have not finished after {@code grace}, halts the JVM (its
     * ports are freed; a broker's logs are then as after a crash, recovered at its next start).
     */
    public static void stopWhenStarterEnds(String message, Duration grace) {
        stopWhenEnded(System.in, message, grace);
    }

    /** Whether the starter has ended: a shutdown hook can then skip what would wait for others. */
    public static boolean starterGone() {
        return STARTER_GONE.get();
    }

    static void stopWhenEnded(InputStream starter, String message, Duration grace) {
        if (!WATCHING.compareAndSet(false, true)) {
            throw new IllegalStateException("Already watching the starter");
        }
        Thread watch = new Thread(() -> {
            awaitEnd(starter);
            STARTER_GONE.set(true);
            System.err.println(message);
            Thread deadline = new Thread(() -> {
                try {
                    Thread.sleep(grace.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(STATUS);
            }, "starter-gone-deadline");
            deadline.setDaemon(true);
            deadline.start();
            System.exit(STATUS);
        }, "starter-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /** Reads until end of input: the starter wrote nothing, so this returns when the pipe closes. */
    private static void awaitEnd(InputStream starter) {
        byte[] ignored = new byte[256];
        try {
            while (starter.read(ignored) != -1) {
                // a starter writes nothing; anything it did write is not for us
            }
        } catch (IOException closed) {
            // a broken pipe is the same news
        }
    }
}
