package dev.toolwarden.agent;

import dev.toolwarden.log.InternalErrors;
import dev.toolwarden.log.Log;
import java.util.concurrent.atomic.LongAdder;

/** Counts woven classes and reports every transformation error: never silent, each logged once. */
final class TransformationListener {

    private final InternalErrors errors;
    private final LongAdder woven = new LongAdder();

    TransformationListener(InternalErrors errors) {
        this.errors = errors;
    }

    long wovenClasses() {
        return woven.sum();
    }

    /**
     * @param typeName a class just woven
     * @param loader its loader
     */
    void woven(String typeName, ClassLoader loader) {
        woven.increment();
        if (Log.isDebug()) {
            // The loader's class, not its toString: that is application code.
            Log.debug("woven " + typeName + (loader == null ? "" : " (loader " + loader.getClass().getName()
                    + "@" + Integer.toHexString(System.identityHashCode(loader)) + ")"));
        }
    }

    /**
     * @param typeName a class that could not be woven; it is loaded unchanged
     * @param error why
     */
    void failed(String typeName, Throwable error) {
        // The class is loaded unchanged; the application goes on without Toolwarden for it.
        errors.record("weaving " + typeName + " (left unwoven)", error);
    }
}
