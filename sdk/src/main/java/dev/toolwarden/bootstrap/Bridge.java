package dev.toolwarden.bootstrap;

/**
 * Holds the runtime the agent installs, for the public API. With the agent running this class is
 * on the bootstrap class path, so the application's {@link dev.toolwarden.Toolwarden} (from the
 * agent jar, or from its own SDK jar through parent-first delegation) finds the agent's runtime.
 * Woven code does not come here: it calls the agent jar's own {@code Dispatch}, which no SDK jar
 * contains and which therefore always resolves to the bootstrap copy.
 *
 * <p>Not for application use.
 */
public final class Bridge {

    // Written once by the agent before it installs its transformer.
    private static volatile RuntimeBridge runtime;

    private Bridge() {
    }

    /**
     * Installs the runtime. Called once by the agent.
     *
     * @param installed the runtime
     * @return {@code false} when a runtime was already installed (the agent is loaded twice)
     */
    public static synchronized boolean install(RuntimeBridge installed) {
        if (runtime != null) {
            return false;
        }
        runtime = installed;
        return true;
    }

    /** @return the installed runtime, or {@code null} when no agent is running */
    public static RuntimeBridge runtime() {
        return runtime;
    }
}
