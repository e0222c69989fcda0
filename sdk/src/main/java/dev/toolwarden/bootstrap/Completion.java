package dev.toolwarden.bootstrap;

/**
 * How a guarded woven call ends when Toolwarden, not the body, decides it: the value the caller
 * gets, or the throwable it gets, or a fallback still to be called. Returned by the runtime to
 * woven code, which applies it; a woven method's entry advice returning one skips the body (an
 * isolated call that already ran on a worker thread, a rejected call).
 *
 * <p>Made only on the unusual paths (a timeout, a rejection, an isolated or asynchronous call), never
 * for a call that ends by itself. Not for application use.
 */
public final class Completion {

    /** Flag of a guarded method: its entry passes the arguments (isolation, or events that record them). */
    public static final int ARGUMENTS_ON_ENTRY = 1;
    /** Flag of a guarded method: its exit passes the returned value (asynchronous methods). */
    public static final int RESULT_ON_EXIT = 2;
    /** Flag of a guarded method: its exit passes the arguments (asynchronous methods with a fallback). */
    public static final int ARGUMENTS_ON_EXIT = 4;
    /** Flag of a guarded method: its fallback is static, so it gets no receiver. */
    public static final int STATIC_FALLBACK = 8;
    /** Flag of a guarded method: it returns a primitive, so a replacement must be a box of its type. */
    public static final int PRIMITIVE_RESULT = 16;

    /** What the caller gets returned, when {@link #thrown} is {@code null}. */
    public final Object value;
    /** What the caller gets thrown, or {@code null}. */
    public final Throwable thrown;
    private final Throwable fallbackReason;
    private final Object pending;

    private Completion(Object value, Throwable thrown, Throwable fallbackReason, Object pending) {
        this.value = value;
        this.thrown = thrown;
        this.fallbackReason = fallbackReason;
        this.pending = pending;
    }

    /**
     * @param value what the caller gets
     * @return a completion that returns {@code value}
     */
    public static Completion returning(Object value) {
        return new Completion(value, null, null, null);
    }

    /**
     * @param thrown what the caller gets thrown
     * @return a completion that throws {@code thrown}
     */
    public static Completion throwing(Throwable thrown) {
        return new Completion(null, thrown, null, null);
    }

    /**
     * @param reason why the call did not answer by itself: passed to the fallback, and thrown when
     *     the fallback cannot be called
     * @param pending the runtime's record of the call, finished once the fallback has answered
     * @return a completion that asks woven code to call the fallback
     */
    public static Completion fallback(Throwable reason, Object pending) {
        return new Completion(null, reason, reason, pending);
    }

    /**
     * @param value a cached value
     * @param reloader what computes it again for refresh-ahead, or {@code null}
     * @return a completion that returns {@code value}, as a cache holds it
     */
    public static Completion cached(Object value, Object reloader) {
        return new Completion(value, null, null, reloader);
    }

    /** @return whether woven code must call the method's fallback and apply what that gives */
    public boolean fallbackWanted() {
        return fallbackReason != null;
    }

    /** @return why the fallback is wanted, or {@code null} */
    public Throwable fallbackReason() {
        return fallbackReason;
    }

    /** @return the runtime's record of a call whose fallback is wanted, or a cached value's reloader */
    public Object pending() {
        return pending;
    }
}
