package dev.toolwarden.benchmarks;

import dev.toolwarden.ResourceUsage;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.monitor.ResourceMonitor;
import dev.toolwarden.monitor.ResourceSamplers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the resource monitor costs: one sampling round (OSHI's figures or the JDK's, the heap, the
 * limit checks), which runs once a second; and the check a woven call makes before it runs,
 * measured as the woven call with shedding on (the monitor running, no hard limit holding) beside
 * the same call with shedding off, each in its own JVM with the agent.
 * {@code java -jar benchmarks/target/benchmarks.jar MonitorBenchmark}
 */
public class MonitorBenchmark {

    /** One sampling round, without the agent. */
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    @State(Scope.Benchmark)
    public static class Sampling {
        private ResourceMonitor oshi;
        private ResourceMonitor jdk;

        /** Builds both monitors. */
        @Setup
        public void setUp() {
            Configuration c = Configuration.fromEnvironment(null);
            oshi = new ResourceMonitor(c, ResourceSamplers.oshi(), a -> { });
            jdk = new ResourceMonitor(c, ResourceSamplers.jdk(), a -> { });
        }

        /** @return one round with OSHI's figures */
        @Benchmark
        public ResourceUsage oshiRound() {
            return oshi.sample();
        }

        /** @return one round with the JDK's figures */
        @Benchmark
        public ResourceUsage jdkRound() {
            return jdk.sample();
        }
    }

    /** The woven call, with the shedding check on the call path. */
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 5, time = 1)
    @Measurement(iterations = 10, time = 1)
    @Fork(value = 2, jvmArgsAppend = ToolCallBenchmark.AGENT + "accounting.cpu=off,shedding=true")
    @State(Scope.Benchmark)
    public static class SheddingOn {
        private final Subjects.Woven woven = new Subjects.Woven();
        private int x;

        /** Refuses to run without the agent. */
        @Setup
        public void check() {
            if (!dev.toolwarden.Toolwarden.agentAttached()) {
                throw new IllegalStateException("the Toolwarden agent is not attached: run from the repository root");
            }
        }

        /** @return the woven call */
        @Benchmark
        public int wovenCall() {
            return woven.noop(x++);
        }
    }

    /** The same woven call with shedding off. */
    @Fork(value = 2, jvmArgsAppend = ToolCallBenchmark.AGENT + "accounting.cpu=off,shedding=false")
    public static class SheddingOff extends SheddingOn {
    }
}
