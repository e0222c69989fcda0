package dev.toolwarden;

/** How a woven call ended, as recorded in the {@code toolwarden.Execution} event. */
public enum Outcome {
    /** The body returned normally. */
    SUCCESS,
    /** The body threw; the caller got that exception unchanged. */
    ERROR,
    /** The call passed its hard limit; the caller got {@link ToolTimeoutException}. */
    TIMEOUT,
    /** The call was refused before it ran; the caller got {@link ResourceExhaustedException}. */
    REJECTED,
    /** The call timed out or was refused, and its fallback answered instead. */
    FALLBACK
}
