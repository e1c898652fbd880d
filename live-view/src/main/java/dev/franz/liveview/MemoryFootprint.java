package dev.franz.liveview;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Keeps the live view's memory near what it holds. By default a JVM may grow its heap to a quarter of
 * the machine's memory and rarely gives any back: a live view left open for an hour beside Level 3
 * grows to several hundred MB resident, though what it keeps (bounded windows of records, the newest
 * orders) is a few tens of MB. Two settings of the JVM that a running program may change (HotSpot's
 * "manageable" flags, so this works under {@code bin/run} and under {@code ./mvnw exec:java} alike):
 * <ul>
 *   <li>{@code G1PeriodicGCInterval}: when no collection ran for this long, the G1 collector runs one
 *       concurrently and returns the heap it does not need to the operating system (JEP 346);</li>
 *   <li>{@code MaxHeapFreeRatio} / {@code MinHeapFreeRatio}: after a collection, the heap shrinks until
 *       at most this share of it is free (JVM defaults 70 % and 40 %).</li>
 * </ul>
 * {@code bin/run live-view} also caps the heap ({@code -Xmx}, from live-view's pom.xml), as a
 * limit of the program's own. Other collectors than G1 ignore the first setting; nothing fails then.
 */
final class MemoryFootprint {

    static final String PERIODIC_COLLECTION_MS = "10000";
    static final String MAX_HEAP_FREE_PERCENT = "30";
    static final String MIN_HEAP_FREE_PERCENT = "10";

    private MemoryFootprint() {
    }

    /** Sets the flags above; returns what could not be set (empty when all were), for the start-up lines. */
    static String keepSmall() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        StringBuilder refused = new StringBuilder();
        // Min first: MinHeapFreeRatio may not exceed MaxHeapFreeRatio.
        set(vm, "MinHeapFreeRatio", MIN_HEAP_FREE_PERCENT, refused);
        set(vm, "MaxHeapFreeRatio", MAX_HEAP_FREE_PERCENT, refused);
        set(vm, "G1PeriodicGCInterval", PERIODIC_COLLECTION_MS, refused);
        return refused.toString();
    }

    private static void set(HotSpotDiagnosticMXBean vm, String flag, String value, StringBuilder refused) {
        try {
            vm.setVMOption(flag, value);
        } catch (IllegalArgumentException | SecurityException e) {
            refused.append(refused.isEmpty() ? "" : ", ").append(flag);
        }
    }
}
