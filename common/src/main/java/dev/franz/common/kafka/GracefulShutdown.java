package dev.franz.common.kafka;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The JVM side of Ctrl-C, which is not a Kafka pattern. Each lesson writes its shutdown hook where the
 * learner reads it: a consumer lesson's hook calls {@code consumer.wakeup()} (the blocked {@code poll()}
 * throws {@code WakeupException}, the loop commits what it processed and closes the consumer), a
 * producer lesson's sets a flag its send loop checks; then the hook waits, with
 * {@link #awaitFinished}, at most 8 s for a latch the lesson counts down when its loop, closes and
 * summary are done:
 *
 * <pre>{@code
 * CountDownLatch finished = new CountDownLatch(1);
 * try {
 *     try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props)) {
 *         Runtime.getRuntime().addShutdownHook(new Thread(() -> {
 *             consumer.wakeup();
 *             GracefulShutdown.awaitFinished(finished, GracefulShutdown.CONSUMER_UNFINISHED);
 *         }));
 *         ... poll loop, catching WakeupException, committing ...
 *     }
 *     ... print a summary ...
 * } finally {
 *     finished.countDown(); // only now may a shutdown in progress end the JVM
 * }
 * }</pre>
 *
 * An instance of this class does the same for a program whose stop is not a client call (Kafka
 * Streams' engine: {@link #onExit} with what ends its wait, and {@link #close()} as the latch).
 * The hook waits on a latch rather than joining the main thread:
 * {@code main} ends with {@code System.exit}, which during a shutdown waits for the hooks, so a
 * hook joining the main thread would wait for ever.
 */
public final class GracefulShutdown implements AutoCloseable {

    /**
     * How long a signal waits for the loop to commit and close before the JVM exits anyway: Ctrl-C
     * ends the program within 10 s, even when the broker is gone and a close would wait for it.
     */
    private static final Duration MAX_WAIT = Duration.ofSeconds(8);

    /** What a consumer loses when it cannot close in time. */
    public static final String CONSUMER_UNFINISHED = "Is the broker reachable? Records read since the last commit will be"
            + " read again.";
    /** What a producer loses when it cannot close in time. */
    public static final String PRODUCER_UNFINISHED = "Is the broker reachable? Records not yet acknowledged may not have"
            + " been written.";

    private final CountDownLatch loopClosed = new CountDownLatch(1);
    private final String unfinished;
    private volatile boolean requested;
    private Thread hook;

    /** For a consumer loop: what is lost if it cannot close in time is {@link #CONSUMER_UNFINISHED}. */
    public GracefulShutdown() {
        this(CONSUMER_UNFINISHED);
    }

    /**
     * {@code unfinished}: what the program says, after "Stopped without finishing", when it did not
     * end within 8 s: what may be at fault and what is lost (e.g. {@link #PRODUCER_UNFINISHED}).
     */
    public GracefulShutdown(String unfinished) {
        this.unfinished = unfinished;
    }

    /**
     * Registers a shutdown hook that runs {@code onSignal}, e.g. {@code consumer::wakeup}: what makes the
     * waiting main thread return. A producer loop, with nothing to wake, writes its own hook instead (see
     * basic-producer's BasicProducer): a flag the loop checks between sends, then {@link #awaitFinished}.
     */
    public void onExit(Runnable onSignal) {
        register(onSignal);
    }

    private void register(Runnable onSignal) {
        if (hook != null) {
            throw new IllegalStateException("already registered");
        }
        hook = new Thread(() -> {
            requested = true;
            onSignal.run();
            awaitFinished(loopClosed, unfinished);
        }, "franz-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * For a shutdown hook written in the lesson: waits until {@code finished} is counted down (the loop
     * committed, closed its client and printed its summary), at most 8 s; past that, says what
     * {@code unfinished} says (e.g. {@link #CONSUMER_UNFINISHED}) and returns, so that the JVM ends.
     */
    public static void awaitFinished(CountDownLatch finished, String unfinished) {
        try {
            if (!finished.await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                System.out.printf("%nStopped without finishing: the program did not end within %d s. %s%n",
                        MAX_WAIT.toSeconds(), unfinished);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True once Ctrl-C (or SIGTERM) asked the program to stop. */
    public boolean requested() {
        return requested;
    }

    /** The loop is done and its consumer closed: lets a pending shutdown finish, or removes the hook. */
    @Override
    public void close() {
        loopClosed.countDown();
        if (hook != null && !requested) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shutdownAlreadyStarted) {
                // The hook is running or about to; the latch above lets it finish.
            }
        }
    }
}
