package dev.toolwarden.runtime;

import dev.toolwarden.accounting.ToolAggregate;

/** A registered woven method: its descriptor and the aggregate its calls feed. */
final class WovenMethod {

    final ToolwardenRuntime runtime;
    final MethodDescriptor descriptor;
    final ToolAggregate aggregate;
    final String kind;
    /** The soft limit in nanoseconds, 0 for none: read by the watchdog on every scan. */
    final long softNanos;
    /** The hard limit in nanoseconds, 0 for none. */
    final long hardNanos;
    private final int cpuSampleEvery;
    // Racy on purpose: sampling one call in about N needs no exact count.
    private int cpuCounter;

    WovenMethod(ToolwardenRuntime runtime, MethodDescriptor descriptor, ToolAggregate aggregate, int cpuSampleEvery) {
        this.runtime = runtime;
        this.descriptor = descriptor;
        this.aggregate = aggregate;
        this.kind = descriptor.kind().name();
        this.softNanos = descriptor.policy().softTimeout() == null ? 0 : descriptor.policy().softTimeout().toNanos();
        this.hardNanos = descriptor.policy().hardTimeout() == null ? 0 : descriptor.policy().hardTimeout().toNanos();
        this.cpuSampleEvery = cpuSampleEvery;
    }

    boolean measureCpu() {
        if (cpuSampleEvery <= 1) {
            return cpuSampleEvery == 1;
        }
        int n = cpuCounter + 1;
        if (n >= cpuSampleEvery) {
            cpuCounter = 0;
            return true;
        }
        cpuCounter = n;
        return false;
    }
}
