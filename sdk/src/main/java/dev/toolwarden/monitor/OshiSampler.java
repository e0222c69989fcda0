package dev.toolwarden.monitor;

import dev.toolwarden.ResourceUsage;
import java.time.Instant;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * System figures from OSHI: the whole machine's CPU load between two samples (from its tick
 * counters), this process's CPU load between two samples, and system memory in use (total minus
 * available). Each figure is read on its own; one that fails is unknown and the others stand.
 */
final class OshiSampler implements ResourceSampler {

    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final OperatingSystem os;
    private final int pid;
    private final int cpus;
    private final HeapSampler heap = new HeapSampler();
    private long[] previousTicks;
    private OSProcess previousProcess;

    OshiSampler() {
        SystemInfo si = new SystemInfo();
        this.processor = si.getHardware().getProcessor();
        this.memory = si.getHardware().getMemory();
        this.os = si.getOperatingSystem();
        this.pid = os.getProcessId();
        this.cpus = Math.max(1, processor.getLogicalProcessorCount());
        this.previousTicks = processor.getSystemCpuLoadTicks();
        this.previousProcess = os.getProcess(pid);
    }

    @Override
    public String name() {
        return "oshi";
    }

    @Override
    public synchronized ResourceUsage sample() {
        double system = Double.NaN;
        double process = Double.NaN;
        long total = -1;
        long used = -1;
        try {
            system = 100 * processor.getSystemCpuLoadBetweenTicks(previousTicks);
            previousTicks = processor.getSystemCpuLoadTicks();
        } catch (RuntimeException | LinkageError e) {
            // unknown
        }
        try {
            OSProcess now = os.getProcess(pid);
            if (now != null && previousProcess != null) {
                process = 100 * now.getProcessCpuLoadBetweenTicks(previousProcess) / cpus;
            }
            previousProcess = now;
        } catch (RuntimeException | LinkageError e) {
            // unknown
        }
        try {
            total = memory.getTotal();
            long available = memory.getAvailable();
            used = total > 0 && available >= 0 ? total - available : -1;
        } catch (RuntimeException | LinkageError e) {
            // unknown
        }
        long[] h = heap.sample();
        return new ResourceUsage(Instant.now(), system, process, used, total, h[0], h[1], name());
    }
}
