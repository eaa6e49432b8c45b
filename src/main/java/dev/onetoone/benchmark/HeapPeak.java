package dev.onetoone.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Peak use of the JVM heap: the sum of the heap pools' peak usage since the last {@link #reset()}. In local mode the
 * driver JVM also runs the executors, so it covers both. It is an upper bound set by the garbage collector's timing
 * (a pool's peak is reached just before it is collected), not the minimum heap the work needs.
 */
public final class HeapPeak {
    private HeapPeak() {
    }

    /** Starts a new measurement: every heap pool's peak is set to its current use. */
    public static void reset() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peak use, in bytes, since the JVM started or the last reset. */
    public static long peakBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid() && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    public static long maxBytes() {
        return Runtime.getRuntime().maxMemory();
    }
}
