package dev.toolwarden.runtime;

import dev.toolwarden.accounting.ToolAggregate;

/** A registered woven method: its descriptor and the aggregate its calls feed. */
final class WovenMethod {

    final MethodDescriptor descriptor;
    final ToolAggregate aggregate;
    final String kind;
    private final int cpuSampleEvery;
    // Racy on purpose: sampling one call in about N needs no exact count.
    private int cpuCounter;

    WovenMethod(MethodDescriptor descriptor, ToolAggregate aggregate, int cpuSampleEvery) {
        this.descriptor = descriptor;
        this.aggregate = aggregate;
        this.kind = descriptor.kind().name();
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
