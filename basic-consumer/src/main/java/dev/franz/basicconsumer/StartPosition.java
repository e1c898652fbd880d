package dev.franz.basicconsumer;

import java.time.Instant;

/**
 * Where this run starts reading each partition. {@link #committed()} is the normal case: where the
 * group left off, or {@code auto.offset.reset} if the group has no committed offset yet. The others
 * replay: the run reads every partition of the topic from there (assign(), outside the group) and
 * commits nothing, so the group's offsets stay where they are.
 */
sealed interface StartPosition {

    static StartPosition committed() {
        return new Committed();
    }

    record Committed() implements StartPosition {
    }

    record Beginning() implements StartPosition {
    }

    record Offset(long offset) implements StartPosition {
    }

    record Timestamp(Instant timestamp) implements StartPosition {
    }
}
