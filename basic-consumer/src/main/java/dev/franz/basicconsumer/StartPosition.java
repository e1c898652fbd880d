package dev.franz.basicconsumer;

import java.time.Instant;

/**
 * Where this run starts reading each partition. {@link #committed()} is the normal case: where the
 * group left off, or {@code auto.offset.reset} if the group has no committed offset yet. The others
 * replay: they move the position for this run only (what is committed changes as records are read).
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
