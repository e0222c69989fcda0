package dev.toolwarden.bootstrap;

/**
 * The static entry points that woven code calls. Only the agent jar contains this class, and the
 * agent puts the jar on the bootstrap class path, so woven code in any class loader resolves this
 * one copy, even in a child-first loader whose application ships the SDK jar (and with it another
 * copy of {@link Bridge}).
 *
 * <p>Not for application use. Every method here is called from advice and never throws, but for
 * the {@link dev.toolwarden.ResourceExhaustedException} of a call refused on entry.
 */
public final class Dispatch {

    // Written once by the agent before it installs its transformer; volatile so that a thread that
    // runs woven code for the first time sees it without further synchronisation.
    private static volatile RuntimeBridge runtime;

    private Dispatch() {
    }

    /**
     * Installs the runtime that woven calls report to. Called once by the agent.
     *
     * @param installed the runtime
     */
    public static void install(RuntimeBridge installed) {
        runtime = installed;
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
        return r == null ? null : refuseOrContinue(r.enter(method, conversation, null));
    }

    /**
     * The one exception woven code lets through on entry: a call the runtime refused (load
     * shedding, a conversation over its memory limit), thrown to the caller before the body runs.
     */
    private static Object refuseOrContinue(Object context) {
        if (context instanceof dev.toolwarden.ResourceExhaustedException) {
            throw (dev.toolwarden.ResourceExhaustedException) context;
        }
        return context;
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
        return r == null ? null : refuseOrContinue(r.enter(method, conversation, arguments));
    }

    /**
     * Called on exit of a woven method, normal or exceptional.
     *
     * @param context what {@code enter} returned
     * @param thrown what the body threw, or {@code null}
     * @return what the caller gets thrown instead (the call passed its hard limit), or {@code null}
     */
    public static Throwable exit(Object context, Throwable thrown) {
        if (context != null) {
            RuntimeBridge r = runtime;
            if (r != null) {
                return r.exit(context, thrown);
            }
        }
        return null;
    }

    /**
     * Called on entry of a guarded woven method.
     *
     * @param method the method's id
     * @param conversation the {@code @ConversationId} argument, or {@code null}
     * @param self the receiver, or {@code null}
     * @param arguments the arguments, or {@code null}
     * @param body a handle on the method's own body, or {@code null}
     * @return the call's context, a {@link Completion} that skips the body, or {@code null}
     */
    public static Object enterGuarded(int method, Object conversation, Object self, Object[] arguments,
            java.lang.invoke.MethodHandle body) {
        RuntimeBridge r = runtime;
        return r == null ? null : r.enterGuarded(method, conversation, self, arguments, body);
    }

    /**
     * Called on exit of a guarded woven method.
     *
     * @param context what {@code enterGuarded} returned
     * @param returned the returned value, or {@code null}
     * @param thrown what the body threw, or {@code null}
     * @param self the fallback's receiver, or {@code null}
     * @param arguments the arguments, or {@code null}
     * @param fallback a handle on the fallback, or {@code null}
     * @return how the call ends instead, or {@code null}
     */
    public static Completion exitGuarded(Object context, Object returned, Throwable thrown, Object self,
            Object[] arguments, java.lang.invoke.MethodHandle fallback) {
        if (context != null) {
            RuntimeBridge r = runtime;
            if (r != null) {
                return r.exitGuarded(context, returned, thrown, self, arguments, fallback);
            }
        }
        return null;
    }

    /**
     * Calls the fallback a completion asks for.
     *
     * @param pending the completion
     * @param self the fallback's receiver, or {@code null}
     * @param arguments the call's arguments
     * @param fallback a handle on the fallback, or {@code null}
     * @return how the call ends
     */
    public static Completion fallback(Completion pending, Object self, Object[] arguments,
            java.lang.invoke.MethodHandle fallback) {
        RuntimeBridge r = runtime;
        return r == null ? Completion.throwing(pending.fallbackReason()) : r.fallback(pending, self, arguments, fallback);
    }

    /**
     * Called when the application constructs a {@code HikariDataSource}.
     *
     * @param dataSource the pool
     */
    public static void dataSourceCreated(Object dataSource) {
        RuntimeBridge r = runtime;
        if (r != null) {
            r.dataSourceCreated(dataSource);
        }
    }

    /**
     * Called on entry of a woven {@code loadClass} of an application's class loader: Toolwarden's
     * API, annotations and bridge always come from the bootstrap class path, where the agent put
     * them, even when the loader would find its own copy first (a web application that ships the SDK
     * and is loaded child-first). With two copies, woven code and the agent would not share the
     * bridge's types, and the application's API would not reach the agent's runtime.
     *
     * @param name the class asked for
     * @return the bootstrap class path's class of that name, or {@code null} to let the loader go on
     */
    public static Class<?> apiClass(String name) {
        if (name == null || !name.startsWith("dev.toolwarden.")) {
            return null;
        }
        int rest = "dev.toolwarden.".length();
        boolean api = name.indexOf('.', rest) < 0 || name.startsWith("annotation.", rest)
                || name.startsWith("bootstrap.", rest);
        if (!api) {
            return null;
        }
        try {
            return Class.forName(name, false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
