package dev.toolwarden.bootstrap;

/**
 * The static entry points that woven code calls. Only the agent jar contains this class, and the
 * agent puts the jar on the bootstrap class path, so woven code in any class loader resolves this
 * one copy, even in a child-first loader whose application ships the SDK jar (and with it another
 * copy of {@link Bridge}).
 *
 * <p>Not for application use. Every method here is called from woven code and throws nothing of
 * its own: what it throws is the caller's outcome (the {@link dev.toolwarden.ResourceExhaustedException}
 * of a call refused on entry, a {@code ToolTimeoutException} past the hard limit, a fallback's
 * exception, or the body's own throwable passed back). A failure of the runtime itself is dropped
 * here, and the call ends as the body ended it.
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
        return enter(method, conversation, null);
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
        if (r == null) {
            return null;
        }
        Object context;
        try {
            context = r.enter(method, conversation, arguments);
        } catch (Throwable failure) {
            return null; // the runtime failed (it reports its own failures): the call runs unaccounted
        }
        return refuseOrContinue(context);
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
                try {
                    return r.exit(context, thrown);
                } catch (Throwable failure) {
                    return null; // the runtime failed: the call ends as the body ended it
                }
            }
        }
        return null;
    }

    /**
     * Woven before each return of a method: ends accounting. Returns normally, or throws what the
     * caller gets instead (a call past its hard limit).
     *
     * @param context what {@code enter} returned
     */
    public static void exitReturned(Object context) {
        Throwable replacement = exit(context, null);
        if (replacement != null) {
            throw Dispatch.<RuntimeException>sneaky(replacement);
        }
    }

    /**
     * Woven as the handler of whatever a method's body throws: ends accounting.
     *
     * @param thrown what the body threw
     * @param context what {@code enter} returned
     * @return what the caller gets thrown: {@code thrown}, or what replaces it past the hard limit
     */
    public static Throwable exitThrown(Throwable thrown, Object context) {
        Throwable replacement = exit(context, thrown);
        return replacement != null ? replacement : thrown;
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
        if (r == null) {
            return null;
        }
        try {
            return r.enterGuarded(method, conversation, self, arguments, body);
        } catch (Throwable failure) {
            return null; // the runtime failed: the body runs as if unwoven
        }
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
     * Woven before each return of a guarded method: ends the call, and applies what the runtime
     * decided: a timeout, an isolated body's result, a stage of its own. Also called with the
     * default value when {@link #enterGuarded} skipped the body. The arguments are passed only where
     * the runtime needs them on every exit (an asynchronous method with a fallback): when it wants the
     * fallback called and they were not passed, this throws {@link ArgumentsWanted}, and the woven
     * method's handler for it builds them and calls {@link #fallbackWithArguments}, so that no call
     * that ends by itself copies its arguments.
     *
     * @param returned the body's result, boxed, or {@code null} for {@code void}
     * @param context what {@code enterGuarded} returned
     * @param self the receiver, or {@code null}
     * @param arguments the arguments, or {@code null}
     * @param fallback a handle on the fallback, or {@code null}
     * @param flags the method's flags ({@link Completion})
     * @return what the caller gets returned
     */
    public static Object exitGuardedReturned(Object returned, Object context, Object self, Object[] arguments,
            java.lang.invoke.MethodHandle fallback, int flags) {
        Completion done = finish(returned, null, context, self, arguments, fallback, flags);
        if (done == null) {
            return returned;
        }
        if (done.fallbackWanted()) {
            Object receiver = (flags & Completion.STATIC_FALLBACK) != 0 ? null : self;
            if (arguments == null && fallback != null) {
                throw new ArgumentsWanted(done, receiver);
            }
            try {
                done = fallback(done, receiver, arguments, fallback);
            } catch (Throwable failure) {
                done = Completion.throwing(done.fallbackReason());
            }
        }
        if (done.thrown != null) {
            throw Dispatch.<RuntimeException>sneaky(done.thrown);
        }
        return fits(done.value, returned, flags) ? done.value : returned;
    }

    /**
     * Woven before each return of a guarded method whose result the runtime does not need (it caches
     * nothing and returns no stage): the result stays on the woven method's stack, unboxed, and is
     * returned as it is unless the runtime decides otherwise. Then this throws: {@link Replaced} with
     * the value the caller gets instead, {@link ArgumentsWanted} when the fallback is to be called,
     * or what the caller gets thrown (a call past its hard limit). The woven method handles the first
     * two; nothing is made on the path of a call that ends by itself.
     *
     * @param context what {@code enterGuarded} returned
     * @param self the receiver, or {@code null}
     * @param fallback a handle on the fallback, or {@code null}
     * @param flags the method's flags ({@link Completion})
     */
    public static void exitGuardedKept(Object context, Object self, java.lang.invoke.MethodHandle fallback,
            int flags) {
        Completion done = finish(null, null, context, self, null, fallback, flags);
        if (done == null) {
            return;
        }
        if (done.fallbackWanted()) {
            Object receiver = (flags & Completion.STATIC_FALLBACK) != 0 ? null : self;
            if (fallback != null) {
                throw new ArgumentsWanted(done, receiver);
            }
            try {
                done = fallback(done, receiver, null, null);
            } catch (Throwable failure) {
                done = Completion.throwing(done.fallbackReason());
            }
        }
        if (done.thrown != null) {
            throw Dispatch.<RuntimeException>sneaky(done.thrown);
        }
        if (done.value != null || (flags & Completion.PRIMITIVE_RESULT) == 0) {
            throw new Replaced(done.value);
        }
    }

    /**
     * Thrown by {@link #exitGuardedKept} to the woven method's own handler, never further: the caller
     * gets this value instead of the body's. Made only on that path.
     */
    public static final class Replaced extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Object value;

        Replaced(Object value) {
            super(null, null, false, false);
            this.value = value;
        }
    }

    /**
     * Woven as the handler of {@link Replaced}.
     *
     * @param replaced what {@link #exitGuardedKept} threw
     * @return the value the caller gets
     */
    public static Object replacement(Throwable replaced) {
        return ((Replaced) replaced).value;
    }

    /**
     * Thrown by {@link #exitGuardedReturned} to the woven method's own handler, never further: the
     * runtime wants the fallback called, which needs the arguments. Made only on that path.
     */
    public static final class ArgumentsWanted extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Completion pending;
        private final transient Object receiver;

        ArgumentsWanted(Completion pending, Object receiver) {
            super(null, null, false, false);
            this.pending = pending;
            this.receiver = receiver;
        }
    }

    /**
     * Woven as the handler of {@link ArgumentsWanted}: calls the fallback with the arguments.
     *
     * @param wanted what {@link #exitGuardedReturned} threw
     * @param arguments the call's arguments
     * @param fallback a handle on the fallback
     * @param flags the method's flags ({@link Completion})
     * @return the fallback's answer; otherwise throws what the caller gets thrown
     */
    public static Object fallbackWithArguments(Throwable wanted, Object[] arguments,
            java.lang.invoke.MethodHandle fallback, int flags) {
        ArgumentsWanted w = (ArgumentsWanted) wanted;
        Completion done;
        try {
            done = fallback(w.pending, w.receiver, arguments, fallback);
        } catch (Throwable failure) {
            done = Completion.throwing(w.pending.fallbackReason()); // the runtime failed: the reason stands
        }
        if (done.thrown != null) {
            throw Dispatch.<RuntimeException>sneaky(done.thrown);
        }
        if (done.value == null && (flags & Completion.PRIMITIVE_RESULT) != 0) {
            throw Dispatch.<RuntimeException>sneaky(w.pending.fallbackReason()); // no value a primitive can take
        }
        return done.value;
    }

    /**
     * Woven as the handler of whatever a guarded method's body throws: ends the call; a fallback
     * may answer instead.
     *
     * @param thrown what the body threw
     * @param context what {@code enterGuarded} returned
     * @param self the receiver, or {@code null}
     * @param arguments the arguments, or {@code null} (passed only to a method with a fallback)
     * @param fallback a handle on the fallback, or {@code null}
     * @param flags the method's flags ({@link Completion})
     * @return what the caller gets returned instead of the throwable; otherwise throws what it gets thrown
     */
    public static Object exitGuardedThrown(Throwable thrown, Object context, Object self, Object[] arguments,
            java.lang.invoke.MethodHandle fallback, int flags) {
        Completion done = finish(null, thrown, context, self, arguments, fallback, flags);
        if (done != null && done.fallbackWanted()) {
            try {
                done = fallback(done, (flags & Completion.STATIC_FALLBACK) != 0 ? null : self, arguments, fallback);
            } catch (Throwable failure) {
                done = null; // the runtime failed: the body's throwable stands
            }
        }
        Throwable outcome = done == null ? thrown : done.thrown;
        if (outcome == null && (flags & Completion.PRIMITIVE_RESULT) != 0 && done.value == null) {
            outcome = thrown; // no value a primitive can take
        }
        if (outcome != null) {
            throw Dispatch.<RuntimeException>sneaky(outcome);
        }
        return done.value;
    }

    /** @return how the runtime ends the call (a fallback still to be called, perhaps), or {@code null} to end it as the body did */
    private static Completion finish(Object returned, Throwable thrown, Object context, Object self,
            Object[] arguments, java.lang.invoke.MethodHandle fallback, int flags) {
        try {
            Object receiver = (flags & Completion.STATIC_FALLBACK) != 0 ? null : self;
            return exitGuarded(context, (flags & Completion.RESULT_ON_EXIT) != 0 ? returned : null, thrown,
                    receiver, (flags & Completion.ARGUMENTS_ON_EXIT) != 0 ? arguments : null, fallback);
        } catch (Throwable failure) {
            return null; // the runtime failed: the call ends as the body ended it
        }
    }

    /** Whether a replacement can be returned where {@code returned} was: a primitive needs a box of its own type. */
    private static boolean fits(Object value, Object returned, int flags) {
        return (flags & Completion.PRIMITIVE_RESULT) == 0 || value != null && value.getClass() == returned.getClass();
    }

    /** Throws a checked throwable without declaring it: the woven method's caller gets it as the body would throw it. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }

    /**
     * Called when the application constructs a {@code HikariDataSource}.
     *
     * @param dataSource the pool
     */
    public static void dataSourceCreated(Object dataSource) {
        RuntimeBridge r = runtime;
        if (r != null) {
            try {
                r.dataSourceCreated(dataSource);
            } catch (Throwable failure) {
                // the pool works unwatched
            }
        }
    }

    /**
     * Called on entry of the application's {@code HikariPool.fillPool}, which its housekeeping runs
     * every 30 s: how a pool made before the agent was attached is found.
     *
     * @param pool the pool
     */
    public static void poolSeen(Object pool) {
        RuntimeBridge r = runtime;
        if (r != null) {
            try {
                r.poolSeen(pool);
            } catch (Throwable failure) {
                // the pool works unwatched
            }
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
