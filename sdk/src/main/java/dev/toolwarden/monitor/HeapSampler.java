package dev.toolwarden.monitor;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * The Java heap that garbage collection could not free: per heap pool, its usage after the last
 * collection (or its current usage before the first one). Heap usage read at any moment includes
 * garbage that the next collection frees at once; a limit checked against it would shed calls
 * every time the heap fills up before a young collection.
 */
final class HeapSampler {

    private final List<MemoryPoolMXBean> pools;

    HeapSampler() {
        this.pools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
    }

    /** @return {used, max} in bytes, -1 where unknown */
    long[] sample() {
        long used = 0;
        try {
            for (MemoryPoolMXBean p : pools) {
                MemoryUsage afterGc = p.getCollectionUsage();
                MemoryUsage now = p.getUsage();
                if (afterGc != null && afterGc.getUsed() > 0) {
                    used += afterGc.getUsed();
                } else if (afterGc == null && now != null) {
                    used += now.getUsed();
                }
            }
            long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
            return new long[] {used, max};
        } catch (RuntimeException e) {
            return new long[] {-1, -1};
        }
    }
}
