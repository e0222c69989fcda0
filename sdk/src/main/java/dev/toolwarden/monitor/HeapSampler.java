package dev.toolwarden.monitor;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java heap that garbage collection could not free: the heap pools' usage right after the most
 * recent collection, young or full (what survived it, plus the old generation as the collection
 * left it), or the current usage before the first collection. Heap usage read at any other moment
 * includes garbage that the next collection frees at once; a limit checked against it would shed
 * calls every time the heap fills up before a young collection.
 */
final class HeapSampler {

    private final List<GarbageCollectorMXBean> collectors;
    private final Set<String> heapPools;

    HeapSampler() {
        this.collectors = ManagementFactory.getGarbageCollectorMXBeans();
        Set<String> heap = new java.util.HashSet<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                heap.add(p.getName());
            }
        }
        this.heapPools = heap;
    }

    private long heapUsed(Map<String, MemoryUsage> pools) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : pools.entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        return used;
    }

    /** @return {used, max} in bytes, -1 where unknown */
    long[] sample() {
        try {
            long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
            long used = -1;
            long lastEnd = -1;
            for (GarbageCollectorMXBean gc : collectors) {
                if (gc instanceof com.sun.management.GarbageCollectorMXBean) {
                    com.sun.management.GcInfo info = ((com.sun.management.GarbageCollectorMXBean) gc).getLastGcInfo();
                    if (info != null && info.getEndTime() > lastEnd) {
                        long after = heapUsed(info.getMemoryUsageAfterGc());
                        // Some collectors' beans record no usage (ZGC's and Shenandoah's "Pauses" beans: all 0),
                        // and no heap is empty after a collection: such a GcInfo says nothing about the heap.
                        if (after > 0) {
                            lastEnd = info.getEndTime();
                            used = after;
                        }
                    }
                }
            }
            if (used < 0) {
                return new long[] {ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), max};
            }
            return new long[] {used, max};
        } catch (RuntimeException | LinkageError e) {
            return new long[] {-1, -1};
        }
    }
}
