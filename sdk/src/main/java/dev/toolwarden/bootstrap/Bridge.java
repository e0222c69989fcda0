package dev.toolwarden.bootstrap;

/**
 * The static entry points that woven code calls. This class is on the bootstrap class path when
 * the agent runs, so that code in any class loader can reach it; it holds the runtime that the
 * agent installs and forwards to it.
 *
 * <p>Not for application use. Every method here is called from advice and never throws.
 */
public final class Bridge {

    // Written once by the agent before it installs its transformer; volatile so that a thread that
    // runs woven code for the first time sees it without further synchronisation.
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

    /**
     * Called on entry of a woven method.
     *
     * @param method the method's id
     * @param conversation the {@code @ConversationId} argument, or {@code null}
     * @return the call's context for {@link #exit}, or {@code null}
     */
    public static Object enter(int method, Object conversation) {
        RuntimeBridge r = runtime;
        return r == null ? null : r.enter(method, conversation, null);
    }

    /**
     * Called on entry of a woven method whose events record argument values.
     *
     * @param method the method's id
     * @param conversation the {@code @ConversationId} argument, or {@code null}
     * @param arguments the call's arguments
     * @return the call's context for {@link #exit}, or {@code null}
     */
    public static Object enter(int method, Object conversation, Object[] arguments) {
        RuntimeBridge r = runtime;
        return r == null ? null : r.enter(method, conversation, arguments);
    }

    /**
     * Called on exit of a woven method, normal or exceptional.
     *
     * @param context what {@code enter} returned
     * @param thrown what the body threw, or {@code null}
     */
    public static void exit(Object context, Throwable thrown) {
        if (context != null) {
            RuntimeBridge r = runtime;
            if (r != null) {
                r.exit(context, thrown);
            }
        }
    }
}
