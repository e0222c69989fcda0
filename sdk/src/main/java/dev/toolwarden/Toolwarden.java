package dev.toolwarden;

import dev.toolwarden.bootstrap.Bridge;
import dev.toolwarden.bootstrap.RuntimeBridge;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The programmatic entry point: statistics of the woven tools and chat handlers, and of
 * conversations.
 *
 * <p>There is one runtime per JVM. With the agent attached, these methods read the agent's
 * runtime, the same one that woven calls feed, whether the application also has the SDK jar on its
 * class path or not. Without the agent they read a runtime of the SDK's own, which sees only what
 * the application does through the SDK directly.
 */
public final class Toolwarden {

    private Toolwarden() {
    }

    /** @return a snapshot of the aggregates of every tool and chat handler called so far */
    public static List<ToolStatistics> statistics() {
        return runtime().statistics();
    }

    /**
     * @param name a tool or chat handler name
     * @return its aggregates, or empty when no call of it has ended yet
     */
    public static Optional<ToolStatistics> statistics(String name) {
        for (ToolStatistics s : runtime().statistics()) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * @param conversationId the value passed to a {@code @ConversationId} parameter
     * @return the conversation's resources, or empty when it is unknown or was dropped as idle
     */
    public static Optional<ConversationStatistics> conversation(String conversationId) {
        return Optional.ofNullable(runtime().conversation(conversationId));
    }

    /** @return how many errors inside Toolwarden were caught and kept from the application */
    public static long internalErrors() {
        return runtime().internalErrors();
    }

    /**
     * Registers a listener for alerts: today a tool call passing its soft time limit
     * ({@code TOOL_TIME}); resource alerts join with the resource monitor.
     *
     * @param listener called on Toolwarden's thread for each alert
     * @return closing it unregisters the listener
     */
    public static AutoCloseable addAlertListener(AlertListener listener) {
        RuntimeBridge r = runtime();
        r.addAlertListener(listener);
        return () -> r.removeAlertListener(listener);
    }

    /**
     * A diagnostic: how many woven calls are running now, on all threads. It looks at every thread
     * that has made a woven call, so call it now and then, not on every request.
     *
     * @return woven calls in flight
     */
    public static int callsInFlight() {
        return runtime().callsInFlight();
    }

    /**
     * The worker threads of isolated calls ({@code @Timeout(isolate = true)}): how many there are,
     * how many run a body, and how many bodies were abandoned at their hard limit and still run.
     *
     * @return the isolation workers' figures
     */
    public static IsolationStatistics isolation() {
        return runtime().isolation();
    }

    /**
     * The caches of woven {@code @Cached} methods (and of tools cached by configuration), one entry
     * per category in use.
     *
     * @return every category's figures, by name
     */
    public static List<CacheStatistics> cacheStatistics() {
        return runtime().cacheStatistics();
    }

    /**
     * @param category a category
     * @return its figures, when woven methods use it
     */
    public static Optional<CacheStatistics> cacheStatistics(String category) {
        return cacheStatistics().stream().filter(s -> s.category().equals(category)).findFirst();
    }

    /**
     * Removes one cached result of a woven tool.
     *
     * @param tool the tool name
     * @param keyValues the values of its key parameters, in the order they are declared: the
     *     {@code @CacheKey} ones (all parameters when none is marked) and the {@code @UserId},
     *     {@code @SessionId} and {@code @ConversationId} ones
     * @return whether there was such an entry
     * @throws IllegalArgumentException when the number of values is not the tool's
     */
    public static boolean invalidate(String tool, Object... keyValues) {
        return runtime().invalidateCache(java.util.Objects.requireNonNull(tool, "tool"),
                java.util.Objects.requireNonNull(keyValues, "keyValues")) > 0;
    }

    /** @param tool a tool whose cached results are all removed */
    public static void invalidateTool(String tool) {
        runtime().invalidateCache(java.util.Objects.requireNonNull(tool, "tool"), null);
    }

    /** @param category a cache category whose entries are all removed */
    public static void invalidateCategory(String category) {
        runtime().invalidateCache(java.util.Objects.requireNonNull(category, "category"));
    }

    /** Removes every cached result of every woven method. */
    public static void invalidateAll() {
        runtime().invalidateCache(null);
    }

    /**
     * Registers how results of one type are written to and read from the shared cache tier in Redis
     * ({@code toolwarden.cache.<category>.l2=redis}), replacing an earlier codec of that type. Strings,
     * byte arrays, boxed numbers and booleans need none; without a codec, a type travels as JSON when
     * the application has Jackson or Gson and the type is a concrete, non-generic class, else its
     * results stay in each JVM's own cache. A codec also lets values of its type be cache key values
     * shared across JVMs.
     *
     * @param codec the codec
     */
    public static void registerCodec(ValueCodec<?> codec) {
        java.util.Objects.requireNonNull(codec, "codec");
        java.util.Objects.requireNonNull(codec.type(), "codec.type()");
        runtime().registerCodec(codec);
    }

    /**
     * The resource monitor's latest sample: system and process CPU, system memory, heap held after
     * collection. The agent samples every {@code toolwarden.monitor.interval}.
     *
     * @return the latest sample, or empty when no monitor runs (no agent)
     */
    public static Optional<ResourceUsage> resources() {
        return Optional.ofNullable(runtime().resources());
    }

    /** @return the memory, CPU and conversation-memory alerts that hold now (cleared ones are gone) */
    public static List<Alert> activeAlerts() {
        return runtime().activeAlerts();
    }

    /** @return tool calls shed since start-up because a hard memory or CPU limit held */
    public static long shedCalls() {
        return runtime().shedCalls();
    }

    /**
     * Reports the memory a conversation's context holds, as the application measures it (the
     * messages, retrieved documents and tool results it keeps). It replaces Toolwarden's own
     * estimate for chat handlers, and is checked against {@code toolwarden.limits.conversation.*}:
     * past the hard limit, the conversation's calls are refused until it shrinks or is cleared.
     *
     * @param conversationId the conversation
     * @param bytes its size now
     */
    public static void recordConversationMemory(String conversationId, long bytes) {
        runtime().recordConversationMemory(java.util.Objects.requireNonNull(conversationId, "conversationId"), bytes);
    }

    /** @param conversationId a conversation that ended: its memory and totals are forgotten */
    public static void clearConversation(String conversationId) {
        runtime().clearConversation(java.util.Objects.requireNonNull(conversationId, "conversationId"));
    }

    /**
     * The connection pools the agent watches: its own metrics pool and every {@code HikariDataSource}
     * the application created.
     *
     * @return each pool's latest figures (active, idle, total, waiting, max)
     */
    public static List<PoolStatistics> pools() {
        return runtime().pools();
    }

    /**
     * Every tool's totals over every run the metrics database remembers ({@code toolwarden.db.url}),
     * this run included; {@link #statistics()} is this run alone.
     *
     * @return the totals, by tool name
     */
    public static List<ToolStatistics> allTimeStatistics() {
        return runtime().allTimeStatistics();
    }

    /**
     * Orders candidate tools by their recorded performance, best first, for performance-weighted
     * tool selection: {@code score = successRate / (1 + p95 in seconds)} (see {@link RankedTool}).
     * Rankings are cached in the {@code tool_recommendations} category (30 minutes, refreshed in the
     * background when the category has a {@code refresh-after}).
     *
     * @param candidates tool names
     * @return the candidates with their scores, best first
     */
    public static List<RankedTool> rankTools(List<String> candidates) {
        return runtime().rankTools(java.util.Objects.requireNonNull(candidates, "candidates"));
    }

    /** @return whether the Toolwarden agent is attached to this JVM */
    public static boolean agentAttached() {
        return runtime().agentAttached();
    }

    private static RuntimeBridge runtime() {
        RuntimeBridge r = Bridge.runtime();
        return r != null ? r : Standalone.RUNTIME;
    }

    /** The SDK's own runtime, created on first use when no agent installed one. */
    private static final class Standalone {
        static final RuntimeBridge RUNTIME = create();

        private static RuntimeBridge create() {
            // This class comes from the application's SDK jar, or from the bootstrap class path when the
            // agent jar is present but disabled; then the SDK's runtime is found through the application.
            ClassLoader own = Toolwarden.class.getClassLoader();
            for (ClassLoader loader : new ClassLoader[] {own, ClassLoader.getSystemClassLoader(),
                    Thread.currentThread().getContextClassLoader()}) {
                if (loader == null && own != null) {
                    continue;
                }
                try {
                    Class<?> type = Class.forName("dev.toolwarden.runtime.ToolwardenRuntime", true, loader);
                    return (RuntimeBridge) type.getMethod("standalone").invoke(null);
                } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                    // not on this loader; try the next
                }
            }
            // The SDK's runtime classes are nowhere (only the API is present): nothing is woven and
            // nothing is counted, so an empty runtime tells the truth.
            return new Empty();
        }
    }

    private static final class Empty implements RuntimeBridge {
        @Override
        public Object enter(int method, Object conversation, Object[] arguments) {
            return null;
        }

        @Override
        public Throwable exit(Object context, Throwable thrown) {
            return null;
        }

        @Override
        public Object enterGuarded(int method, Object conversation, Object self, Object[] arguments,
                java.lang.invoke.MethodHandle body) {
            return null;
        }

        @Override
        public dev.toolwarden.bootstrap.Completion exitGuarded(Object context, Object returned, Throwable thrown,
                Object self, Object[] arguments, java.lang.invoke.MethodHandle fallback) {
            return null;
        }

        @Override
        public dev.toolwarden.bootstrap.Completion fallback(dev.toolwarden.bootstrap.Completion pending, Object self,
                Object[] arguments, java.lang.invoke.MethodHandle fallback) {
            return dev.toolwarden.bootstrap.Completion.throwing(pending.fallbackReason());
        }

        @Override
        public IsolationStatistics isolation() {
            return new IsolationStatistics(0, 0, 0, 0, 0, 0);
        }

        @Override
        public List<CacheStatistics> cacheStatistics() {
            return Collections.emptyList();
        }

        @Override
        public ResourceUsage resources() {
            return null;
        }

        @Override
        public void dataSourceCreated(Object dataSource) {
        }

        @Override
        public void poolSeen(Object pool) {
        }

        @Override
        public List<PoolStatistics> pools() {
            return Collections.emptyList();
        }

        @Override
        public List<ToolStatistics> allTimeStatistics() {
            return Collections.emptyList();
        }

        @Override
        public List<RankedTool> rankTools(List<String> candidates) {
            return candidates.stream().map(n -> new RankedTool(n, 0.5, 0.5, java.time.Duration.ZERO, 0)).toList();
        }

        @Override
        public List<Alert> activeAlerts() {
            return Collections.emptyList();
        }

        @Override
        public long shedCalls() {
            return 0;
        }

        @Override
        public void recordConversationMemory(String conversationId, long bytes) {
        }

        @Override
        public void clearConversation(String conversationId) {
        }

        @Override
        public void invalidateCache(String category) {
        }

        @Override
        public void registerCodec(ValueCodec<?> codec) {
        }

        @Override
        public int invalidateCache(String tool, Object[] keyArguments) {
            return 0;
        }

        @Override
        public List<ToolStatistics> statistics() {
            return Collections.emptyList();
        }

        @Override
        public ConversationStatistics conversation(String conversationId) {
            return null;
        }

        @Override
        public long internalErrors() {
            return 0;
        }

        @Override
        public boolean agentAttached() {
            return false;
        }

        @Override
        public int callsInFlight() {
            return 0;
        }

        @Override
        public void addAlertListener(AlertListener listener) {
        }

        @Override
        public void removeAlertListener(AlertListener listener) {
        }
    }
}
