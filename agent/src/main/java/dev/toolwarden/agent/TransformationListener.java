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
        String missing = missingType(error);
        if (missing != null) {
            // Not Toolwarden's failure: a method of the class names a type its loader cannot find (an optional
            // dependency that is absent). The JVM runs such a class; weaving it needs the type. Said once.
            Log.warnOnce("missing-type:" + typeName, "cannot weave " + typeName + ": it refers to "
                    + missing + ", which its class loader cannot find (an optional dependency?); it runs unwoven");
            return;
        }
        errors.record("weaving " + typeName + " (left unwoven)", error);
    }

    /**
     * @param error what weaving a class threw
     * @return the type that could not be found, when that is why, else {@code null}
     */
    static String missingType(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof net.bytebuddy.pool.TypePool.Resolution.NoSuchTypeException) {
                String m = String.valueOf(t.getMessage());
                int at = m.lastIndexOf(' ');
                return at < 0 ? m : m.substring(at + 1);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
