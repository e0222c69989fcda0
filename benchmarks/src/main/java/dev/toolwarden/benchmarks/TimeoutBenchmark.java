package dev.toolwarden.benchmarks;

import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a hard limit costs a call that stays within it: Toolwarden's in-place limit (the woven
 * call with its default 30 s / 60 s limits, against the same woven call with limits off), beside
 * Resilience4j's {@code TimeLimiter} with its usual executor hop, and beside the naive design of a
 * {@code ScheduledThreadPoolExecutor} task scheduled and cancelled around each call. All with the
 * agent attached (CPU time off), in one JVM.
 * {@code java -jar benchmarks/target/benchmarks.jar TimeoutBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = ToolCallBenchmark.AGENT + "accounting.cpu=off")
@State(Scope.Benchmark)
public class TimeoutBenchmark {

    private final Subjects.Plain plain = new Subjects.Plain();
    private final Subjects.Woven limited = new Subjects.Woven();
    private final Subjects.Unlimited unlimited = new Subjects.Unlimited();
    private final Subjects.WithFallback withFallback = new Subjects.WithFallback();
    private final Subjects.Isolated isolated = new Subjects.Isolated();
    private final Subjects.Async async = new Subjects.Async();
    private final Subjects.PlainAsync plainAsync = new Subjects.PlainAsync();
    private TimeLimiter timeLimiter;
    private ExecutorService executor;
    private ScheduledThreadPoolExecutor scheduler;
    private int x;

    /** Builds the baselines' machinery once. */
    @Setup(Level.Trial)
    public void setUp() {
        if (!dev.toolwarden.Toolwarden.agentAttached()) {
            throw new IllegalStateException("the Toolwarden agent is not attached: run from the repository root");
        }
        timeLimiter = TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(60))
                .cancelRunningFuture(true).build());
        executor = Executors.newFixedThreadPool(2);
        scheduler = new ScheduledThreadPoolExecutor(1);
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Stops the pools. */
    @TearDown(Level.Trial)
    public void tearDown() {
        executor.shutdownNow();
        scheduler.shutdownNow();
    }

    /** @return the direct call */
    @Benchmark
    public int directCall() {
        return plain.noop(x++);
    }

    /** @return the woven call with soft and hard limits (30 s / 60 s) */
    @Benchmark
    public int wovenWithLimits() {
        return limited.noop(x++);
    }

    /** @return the woven call with both limits off */
    @Benchmark
    public int wovenWithoutLimits() {
        return unlimited.noop(x++);
    }

    /** @return the woven call with a fallback (the guarded advice), within its limits */
    @Benchmark
    public int wovenWithFallback() {
        return withFallback.noop(x++);
    }

    /** @return the woven call isolated on a worker thread: a hop there and back, like the TimeLimiter's */
    @Benchmark
    public int wovenIsolated() {
        return isolated.noop(x++);
    }

    /** @return a stage completed at once, directly */
    @Benchmark
    public Integer directCompletedStage() {
        return plainAsync.noop(x++).join();
    }

    /** @return the same from a woven asynchronous method: watched until its stage completes */
    @Benchmark
    public Integer wovenAsync() {
        return async.noop(x++).join();
    }

    /** @return the direct call under Resilience4j's TimeLimiter: a hop to an executor and back */
    @Benchmark
    public int resilience4jTimeLimiter() throws Exception {
        int v = x++;
        return timeLimiter.executeFutureSupplier(() -> CompletableFuture.supplyAsync(() -> plain.noop(v), executor));
    }

    /** @return the direct call between scheduling a timeout task and cancelling it */
    @Benchmark
    public int scheduleAndCancel() {
        ScheduledFuture<?> timeout = scheduler.schedule(() -> { }, 60, TimeUnit.SECONDS);
        try {
            return plain.noop(x++);
        } finally {
            timeout.cancel(false);
        }
    }
}
