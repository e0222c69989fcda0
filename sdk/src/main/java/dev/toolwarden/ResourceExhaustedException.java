package dev.toolwarden;

import java.util.Objects;

/**
 * Thrown to the caller of a woven method when the call was rejected before it ran: a concurrency
 * bound was reached, a hard memory or CPU limit holds (load shedding), or the conversation is over
 * its hard memory limit. Unchecked.
 */
public class ResourceExhaustedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String tool;
    private final String resource;

    /**
     * Creates the exception for a rejected call.
     *
     * @param tool the tool or chat handler whose call was rejected
     * @param resource what ran out, such as {@code MEMORY}, {@code CPU} or {@code CONCURRENCY}
     * @param detail a sentence with the figures that led to the rejection
     */
    public ResourceExhaustedException(String tool, String resource, String detail) {
        super(Objects.requireNonNull(tool, "tool") + " rejected: " + Objects.requireNonNull(resource, "resource")
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
        this.tool = tool;
        this.resource = resource;
    }

    /** @return the name of the tool or chat handler whose call was rejected */
    public String tool() {
        return tool;
    }

    /** @return what ran out, such as {@code MEMORY}, {@code CPU} or {@code CONCURRENCY} */
    public String resource() {
        return resource;
    }
}
