package dev.toolwarden;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown to the caller of a woven method whose call passed its hard time limit and has no
 * fallback. Unchecked, so that it crosses methods that declare no exceptions.
 */
public class ToolTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String tool;
    private final Duration limit;
    private final Duration elapsed;

    /**
     * Creates the exception for a call of {@code tool} that ran {@code elapsed} against a hard
     * limit of {@code limit}.
     *
     * @param tool the tool or chat handler name
     * @param limit the hard limit that was passed
     * @param elapsed how long the call had run when it ended
     */
    public ToolTimeoutException(String tool, Duration limit, Duration elapsed) {
        super(Objects.requireNonNull(tool, "tool") + " passed its hard limit of " + Durations.format(limit)
                + " (ran " + Durations.format(elapsed) + ")");
        this.tool = tool;
        this.limit = limit;
        this.elapsed = elapsed;
    }

    /** @return the name of the tool or chat handler that timed out */
    public String tool() {
        return tool;
    }

    /** @return the hard limit that was passed */
    public Duration limit() {
        return limit;
    }

    /** @return how long the call had run when control returned to the caller */
    public Duration elapsed() {
        return elapsed;
    }
}
