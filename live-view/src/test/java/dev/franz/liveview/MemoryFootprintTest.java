package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

import com.sun.management.HotSpotDiagnosticMXBean;

/** The live view's JVM takes the settings that give unused heap back (this test JVM runs G1, as a learner's does). */
class MemoryFootprintTest {

    @Test
    void theJvmGivesUnusedHeapBackAfterTheLiveViewStarts() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String before = vm.getVMOption("MaxHeapFreeRatio").getValue();

        assertThat(MemoryFootprint.keepSmall()).as("flags the JVM refused").isEmpty();

        assertThat(before).as("the JVM's default, changed by keepSmall()").isNotEqualTo(MemoryFootprint.MAX_HEAP_FREE_PERCENT);
        assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(MemoryFootprint.MAX_HEAP_FREE_PERCENT);
        assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(MemoryFootprint.MIN_HEAP_FREE_PERCENT);
        assertThat(vm.getVMOption("G1PeriodicGCInterval").getValue()).isEqualTo(MemoryFootprint.PERIODIC_COLLECTION_MS);
    }
}
