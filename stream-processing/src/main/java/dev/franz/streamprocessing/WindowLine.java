package dev.franz.streamprocessing;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import dev.franz.common.events.WindowCount;

/** How both engines print a closed window. */
final class WindowLine {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private WindowLine() {
    }

    static String of(WindowCount window) {
        return String.format("window %s-%s UTC  %-10s %,6d", TIME.format(window.windowStart()),
                TIME.format(window.windowEnd()), window.eventType(), window.count());
    }
}
