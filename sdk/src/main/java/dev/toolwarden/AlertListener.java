package dev.toolwarden;

/**
 * Receives Toolwarden's alerts as they happen, on Toolwarden's own thread: keep it quick, and
 * hand slow work to another thread. An exception it throws is logged once and otherwise ignored.
 */
@FunctionalInterface
public interface AlertListener {

    /** @param alert the limit that was crossed or cleared */
    void onAlert(Alert alert);
}
