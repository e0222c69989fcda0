package dev.toolwarden.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a woven no-op {@code @Tool} call, beside the same call unwoven and beside the raw
 * clock readings the advice makes, all in the same forked JVM with the agent attached. Each
 * subclass is one agent configuration. Run from the repository root (the agent jar path is
 * relative): {@code java -jar benchmarks/target/benchmarks.jar ToolCallBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public abstract class ToolCallBenchmark {

    static final String AGENT = "-javaagent:agent/target/toolwarden-agent.jar=log.level=warn,";

    private final Subjects.Plain plain = new Subjects.Plain();
    private final Subjects.Woven woven = new Subjects.Woven();
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private int x;

    /** Refuses to measure an unwoven call as if it were woven. */
    @org.openjdk.jmh.annotations.Setup(org.openjdk.jmh.annotations.Level.Trial)
    public void checkTheAgentIsAttached() {
        if (!dev.toolwarden.Toolwarden.agentAttached()) {
            throw new IllegalStateException("the Toolwarden agent is not attached: run from the repository root, "
                    + "after mvn package, so that agent/target/toolwarden-agent.jar exists");
        }
    }

    /** @return the unwoven call: the baseline */
    @Benchmark
    public int directCall() {
        return plain.noop(x++);
    }

    /** @return the woven call */
    @Benchmark
    public int wovenCall() {
        return woven.noop(x++);
    }

    /** @return one reading of the wall clock */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    /** @return one reading of the thread's allocated bytes */
    @Benchmark
    public long allocatedBytes() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    /** @return the readings a woven call makes with CPU time off: two of each clock */
    @Benchmark
    public long readingsCpuOff() {
        return System.nanoTime() + threads.getCurrentThreadAllocatedBytes() + System.nanoTime()
                + threads.getCurrentThreadAllocatedBytes();
    }

    /** CPU time off, no recording: the common production setting. */
    @Fork(value = 1, jvmArgsAppend = AGENT + "accounting.cpu=off")
    public static class CpuOff extends ToolCallBenchmark {
    }

    /** CPU time on (the default), no recording. */
    @Fork(value = 1, jvmArgsAppend = AGENT + "accounting.cpu=on")
    public static class CpuOn extends ToolCallBenchmark {

        private final com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        /** @return one reading of the thread's CPU time */
        @Benchmark
        public long cpuTime() {
            return mx.getCurrentThreadCpuTime();
        }

        /** @return the readings a woven call makes with CPU time on */
        @Benchmark
        public long readingsCpuOn() {
            return System.nanoTime() + mx.getCurrentThreadAllocatedBytes() + mx.getCurrentThreadCpuTime()
                    + System.nanoTime() + mx.getCurrentThreadAllocatedBytes() + mx.getCurrentThreadCpuTime();
        }
    }

    /** CPU time off while a JFR recording runs: every call commits an Execution event. */
    @Fork(value = 1, jvmArgsAppend = {AGENT + "accounting.cpu=off",
        "-XX:StartFlightRecording=disk=false,maxsize=50m,settings=default"})
    public static class CpuOffRecording extends ToolCallBenchmark {

        /** @return a bare JFR event commit of a comparable event, for reference */
        @Benchmark
        public Object eventCommit() {
            ReferenceEvent e = new ReferenceEvent();
            e.begin();
            e.value = x();
            e.commit();
            return e;
        }

        /** @return the Execution event alone, begun, ended and committed with the fields a call fills in */
        @Benchmark
        public Object executionEventCommit() {
            dev.toolwarden.events.ExecutionEvent e = new dev.toolwarden.events.ExecutionEvent();
            e.begin();
            e.end();
            if (e.shouldCommit()) {
                e.kind = "TOOL";
                e.name = "noop";
                e.method = METHOD;
                e.outcome = "SUCCESS";
                e.cpuTime = Long.MIN_VALUE;
                e.allocated = x();
                e.commit();
            }
            return e;
        }
    }

    static final String METHOD = "dev.toolwarden.benchmarks.Subjects$Woven#noop(int)";

    int x() {
        return x++;
    }

    /** An event like the Execution event (no stack trace), to show what a commit alone costs. */
    @jdk.jfr.Name("toolwarden.benchmarks.Reference")
    @jdk.jfr.StackTrace(false)
    static final class ReferenceEvent extends jdk.jfr.Event {
        int value;
    }
}
