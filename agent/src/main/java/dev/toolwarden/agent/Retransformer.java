package dev.toolwarden.agent;

import dev.toolwarden.agent.matching.ClassFiles;
import dev.toolwarden.agent.matching.ClassPrefilter;
import dev.toolwarden.log.Log;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * After a dynamic attach: weaves the classes the application loaded before the agent came, by
 * retransformation (advice only, no new members, so retransformation is legal). Runs on a thread
 * of its own, in batches with a pause between them, so that the application does not stall while
 * thousands of classes are looked at. A class that cannot be retransformed is reported once and
 * the others go on. Calls already running keep the code they started with: the JVM changes a
 * method's code for calls that begin afterwards.
 */
final class Retransformer implements Runnable {

    static final int BATCH = 50;
    static final long PAUSE_MILLIS = 5;

    private final Instrumentation instrumentation;
    private final ClassPrefilter prefilter;
    private final ClassLoader agentLoader;
    /** Internal names of classes woven whatever the prefilter says: HikariCP's, to find the application's pools. */
    private final java.util.Set<String> alwaysWoven;
    private int examined;
    private int candidates;
    private int failed;

    Retransformer(Instrumentation instrumentation, ClassPrefilter prefilter, ClassLoader agentLoader, java.util.Set<String> alwaysWoven) {
        this.instrumentation = instrumentation;
        this.prefilter = prefilter;
        this.agentLoader = agentLoader;
        this.alwaysWoven = alwaysWoven;
    }

    /** Starts the work on a daemon thread. */
    void start() {
        dev.toolwarden.runtime.DaemonThreads.named("toolwarden-attach", false).newThread(this).start();
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        try {
            List<Class<?>> todo = candidates();
            candidates = todo.size();
            for (int i = 0; i < todo.size(); i += BATCH) {
                retransform(todo.subList(i, Math.min(todo.size(), i + BATCH)));
                Thread.sleep(PAUSE_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            Log.warn("weaving the classes loaded before the agent stopped early: " + t);
        }
        Log.info("attached: " + examined + " class(es) already loaded were examined, " + (candidates - failed)
                + " woven" + (failed == 0 ? "" : ", " + failed + " could not be (they run as they were)") + ", in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /**
     * The loaded classes that may have methods to weave, and the application's class loaders that
     * declare {@code loadClass}: those the prefilter keeps, read from their class files.
     */
    List<Class<?>> candidates() {
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            ClassLoader loader = c.getClassLoader();
            if (loader == null || loader == agentLoader || c.isArray() || c.isPrimitive() || c.isHidden()
                    || !instrumentation.isModifiableClass(c)) {
                continue;
            }
            examined++;
            String internal = c.getName().replace('.', '/');
            if (alwaysWoven.contains(internal)) {
                out.add(c);
                continue;
            }
            byte[] bytes = ClassFiles.read(loader, internal);
            // Without its class file (a generated class), the transformer decides on the bytes the JVM gives it.
            int constants = bytes == null ? 0 : prefilter.constants(bytes);
            if (bytes == null || prefilter.mayWeave(internal, constants)
                    || prefilter.isClassLoader(internal, bytes, constants, c, loader)) {
                out.add(c);
            }
        }
        return out;
    }

    /** One batch at once; when the batch fails, its classes one by one, so that one bad class costs only itself. */
    void retransform(List<Class<?>> batch) {
        try {
            instrumentation.retransformClasses(batch.toArray(new Class<?>[0]));
            return;
        } catch (Throwable batchFailure) {
            // find the culprit below
        }
        for (Class<?> c : batch) {
            try {
                instrumentation.retransformClasses(c);
            } catch (Throwable t) {
                failed++;
                Log.warnOnce("retransform:" + c.getName(), "cannot weave " + c.getName() + ", loaded before the agent ("
                        + t + "); it runs as it was");
            }
        }
    }

    int failed() {
        return failed;
    }
}
