package dev.toolwarden.report;

/** A recording that cannot be reported on; the message is one line naming the file. */
public final class ReportException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message one line, naming the file and what is wrong with it */
    public ReportException(String message) {
        super(message);
    }
}
