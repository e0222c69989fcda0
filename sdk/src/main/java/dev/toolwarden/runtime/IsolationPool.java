package dev.toolwarden.runtime;

import dev.toolwarden.IsolationStatistics;
import dev.toolwarden.accounting.ThreadResources;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The worker threads of isolated calls: at most {@code maxThreads}, created when needed, ended after
 * a minute idle, daemons. A call is handed straight to a free worker or rejected: there is no queue,
 * so a caller never waits behind bodies that may never end.
 */
final class IsolationPool {

    private final int maxThreads;
    private final ThreadPoolExecutor executor;
    private final ThreadResources resources;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final LongAdder abandonedTotal = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    IsolationPool(int maxThreads, ThreadResources resources) {
        this.maxThreads = maxThreads;
        this.resources = resources;
        this.executor = new ThreadPoolExecutor(0, maxThreads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.named("toolwarden-isolated", true), new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Hands a call to a free worker.
     *
     * @throws RejectedExecutionException when every worker is busy
     */
    void execute(IsolatedCall call) {
        try {
            executor.execute(call);
        } catch (RejectedExecutionException e) {
            rejected.increment();
            throw e;
        }
    }

    ThreadResources resources() {
        return resources;
    }

    void started() {
        busy.incrementAndGet();
    }

    void abandoned() {
        abandoned.incrementAndGet();
        abandonedTotal.increment();
    }

    /** @param wasAbandoned whether the body that ended had been abandoned by its caller */
    void ended(boolean wasAbandoned) {
        busy.decrementAndGet();
        if (wasAbandoned) {
            abandoned.decrementAndGet();
        }
    }

    int maxThreads() {
        return maxThreads;
    }

    int abandonedNow() {
        return abandoned.get();
    }

    IsolationStatistics statistics() {
        return new IsolationStatistics(maxThreads, executor.getPoolSize(), busy.get(), abandoned.get(),
                abandonedTotal.sum(), rejected.sum());
    }
}
