package dev.toolwarden;

/**
 * The figures of the worker threads that run isolated calls ({@code @Timeout(isolate = true)}).
 *
 * <p>A body whose caller got control back at the hard limit keeps its worker thread until it ends
 * by itself: Toolwarden interrupts it, but cannot stop code that ignores interrupts. Such bodies are
 * <em>abandoned</em>; while they run they count against {@code maxThreads}, and past that bound new
 * isolated calls are rejected with {@link ResourceExhaustedException}.
 *
 * @param maxThreads the bound on worker threads ({@code toolwarden.isolation.threads})
 * @param threads worker threads alive now, busy or idle
 * @param busy worker threads running a body now, abandoned ones included
 * @param abandoned bodies running now whose caller already got a timeout or fallback
 * @param abandonedTotal bodies abandoned since start-up
 * @param rejected isolated calls rejected since start-up because every worker was busy
 */
public record IsolationStatistics(int maxThreads, int threads, int busy, int abandoned, long abandonedTotal,
        long rejected) {
}
