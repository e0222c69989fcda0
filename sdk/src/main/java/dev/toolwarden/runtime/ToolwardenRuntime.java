package dev.toolwarden.runtime;

import dev.toolwarden.Alert;
import dev.toolwarden.AlertListener;
import dev.toolwarden.ConversationStatistics;
import dev.toolwarden.Durations;
import dev.toolwarden.IsolationStatistics;
import dev.toolwarden.Outcome;
import dev.toolwarden.ResourceExhaustedException;
import dev.toolwarden.ToolTimeoutException;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.accounting.ConversationAccounting;
import dev.toolwarden.accounting.ThreadResources;
import dev.toolwarden.accounting.ToolAggregate;
import dev.toolwarden.CacheStatistics;
import dev.toolwarden.bootstrap.Completion;
import dev.toolwarden.cache.CategoryCache;
import dev.toolwarden.cache.MethodKey;
import dev.toolwarden.cache.PerformanceCache;
import dev.toolwarden.cache.Reloader;
import dev.toolwarden.bootstrap.RuntimeBridge;
import dev.toolwarden.config.ArgumentRecording;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.config.FaultInjection;
import dev.toolwarden.config.Keys;
import dev.toolwarden.events.ArgumentText;
import dev.toolwarden.events.ExecutionEvent;
import dev.toolwarden.events.Jfr;
import dev.toolwarden.events.TimeoutEvent;
import dev.toolwarden.log.Log;
import dev.toolwarden.monitor.ResourceMonitor;
import dev.toolwarden.monitor.ResourceSamplers;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.time.Instant;
import dev.toolwarden.log.InternalErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The one Toolwarden runtime of a JVM: it accounts every woven call, keeps the per-tool and
 * per-conversation totals, and writes the {@code toolwarden.Execution} events.
 *
 * <p>{@link #enter} and {@link #exit} run on every woven call. They read the clocks, update a few
 * counters and reuse a per-thread context, with no lock and no allocation once warm (but for the
 * JFR event while a recording runs). Whatever goes wrong inside them is caught, counted and logged
 * once; the application's call goes on as if Toolwarden were not there.
 */
public final class ToolwardenRuntime implements RuntimeBridge {

    private static final long UNKNOWN = ThreadResources.UNKNOWN;
    private static final ThreadLocal<CallStack> STACKS = new ThreadLocal<>() {
        @Override
        protected CallStack initialValue() {
            CallStack stack = new CallStack();
            Watchdog.INSTANCE.register(stack);
            return stack;
        }
    };

    private final boolean agent;
    private final Configuration configuration;
    private final MethodRegistry methods = new MethodRegistry();
    private final ConcurrentMap<String, ToolAggregate> aggregates = new ConcurrentHashMap<>();
    private final ConversationAccounting conversations;
    private final ThreadResources resources;
    private final InternalErrors errors = new InternalErrors();
    private final Alerts alerts = new Alerts(errors);
    private final boolean shedding;
    private final boolean shedChat;
    private volatile ResourceMonitor monitor;
    private boolean monitorStarted;
    private volatile DatabaseWatch databases;
    private volatile MetricsPersistence persistence;
    /** Released once the metrics thread has made (or failed to make) {@link #persistence}; not before it is asked to. */
    private final java.util.concurrent.CountDownLatch persistenceMade = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean persistenceAsked;
    private final java.util.concurrent.atomic.AtomicBoolean persistenceStarted =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** Writes tool metrics; created lazily by the first task, a daemon. */
    private final java.util.concurrent.ScheduledThreadPoolExecutor metricsThread = metricsThread();
    private final java.util.concurrent.atomic.LongAdder shed = new java.util.concurrent.atomic.LongAdder();
    private final ArgumentRecording argumentRecording;
    private final FaultInjection fault;
    private final int cpuSampleEvery;
    private volatile java.util.concurrent.ScheduledExecutorService housekeeping;
    private volatile IsolationPool isolation;
    private volatile PerformanceCache cache;
    /** The woven caches' second tier in Redis, or {@code null} without {@code toolwarden.redis.url}. */
    private volatile SharedTier shared;
    private final dev.toolwarden.cache.l2.ValueCodecs codecs = new dev.toolwarden.cache.l2.ValueCodecs();
    /** {@link #alert} as a callback (not {@code this::alert}: see {@link Task}). */
    private final Task alertSink = new Task(this, Task.ALERT, null);
    private volatile java.util.concurrent.ThreadPoolExecutor asyncCompletions;

    /**
     * @param configuration the settings
     * @param agent whether the agent created this runtime
     */
    public ToolwardenRuntime(Configuration configuration, boolean agent) {
        this.agent = agent;
        this.configuration = configuration;
        this.cpuSampleEvery = configuration.get(Keys.ACCOUNTING_CPU).sampleEvery();
        this.resources = new ThreadResources(cpuSampleEvery > 0);
        this.conversations = new ConversationAccounting(configuration.get(Keys.CONVERSATION_IDLE),
                configuration.get(Keys.CONVERSATION_MAX), configuration.get(Keys.CONVERSATION_SOFT),
                configuration.get(Keys.CONVERSATION_HARD), alertSink);
        this.shedding = configuration.get(Keys.SHEDDING);
        this.shedChat = configuration.get(Keys.SHEDDING_CHAT);
        this.argumentRecording = configuration.get(Keys.JFR_ARGUMENTS);
        this.fault = configuration.get(Keys.DEBUG_FAIL);
    }

    /**
     * The runtime of an application that uses the SDK without the agent. Called by
     * {@link dev.toolwarden.Toolwarden} through reflection.
     *
     * @return a runtime configured from system properties and the environment
     */
    public static RuntimeBridge standalone() {
        return new ToolwardenRuntime(Configuration.fromEnvironment(null), false);
    }

    /** @return the settings this runtime was built with */
    public Configuration configuration() {
        return configuration;
    }

    /** @return the counter of errors kept from the application */
    public InternalErrors errors() {
        return errors;
    }

    /** @return whether events record argument values, so woven code must pass them */
    public boolean recordsArguments() {
        return argumentRecording != ArgumentRecording.NONE;
    }

    /**
     * Registers a woven method; called by the agent when it weaves one.
     *
     * @param descriptor what the method is
     * @return the id its advice passes on every call
     */
    public int register(MethodDescriptor descriptor) {
        synchronized (methods) {
            Integer known = methods.known(descriptor);
            if (known != null) {
                return known;
            }
            ToolAggregate aggregate = aggregates.get(descriptor.name());
            if (aggregate == null) {
                aggregate = new ToolAggregate(descriptor.name(), descriptor.kind());
                aggregates.put(descriptor.name(), aggregate);
            }
            return methods.add(descriptor, new WovenMethod(this, descriptor, aggregate, cpuSampleEvery));
        }
    }

    @Override
    public Object enter(int method, Object conversation, Object[] arguments) {
        CallStack stack = null;
        try {
            if (fault == FaultInjection.ENTER) {
                throw new IllegalStateException("injected failure on entry (toolwarden.debug.fail=enter)");
            }
            WovenMethod m = methods.get(method);
            if (m == null) {
                return null;
            }
            stack = STACKS.get();
            // Inside Toolwarden's own work (an argument's toString, say), woven calls are not accounted:
            // they are Toolwarden's doing, not the application's, and must not recurse into it.
            if (stack.busy || stack.isFull()) {
                return null;
            }
            ExecutionContext parent = stack.current();
            if (sameLogicalCall(parent, m)) {
                return null;
            }
            Object conv = conversation != null ? conversation
                    : parent != null ? parent.conversation : stack.inheritedConversation;
            String refused = refusal(m, conv);
            if (refused != null) {
                // Dispatch throws it, so that the body does not run: plain advice cannot skip a body.
                return refusePlain(m, conv, refused);
            }
            ExecutionContext c = open(m, stack, conversation, arguments);
            c.arm(stack.nextSequence());
            return c;
        } catch (Throwable t) {
            if (stack != null) {
                stack.busy = false;
            }
            errors.record("accounting on entry", t);
            return null;
        }
    }

    /**
     * Whether a call is part of the call it is nested in: another woven method of the same tool (an
     * override calling {@code super}, both marked), called directly from it. Such a call is recorded,
     * limited and cached once, as the outer one. Recursion (the same method) is not folded.
     */
    private static boolean sameLogicalCall(ExecutionContext parent, WovenMethod m) {
        return parent != null && parent.method != m && parent.method != null
                && parent.method.descriptor.name().equals(m.descriptor.name());
    }

    /** Pushes a context for a call of {@code m} and reads the clocks; the call is not armed yet. */
    private ExecutionContext open(WovenMethod m, CallStack stack, Object conversation, Object[] arguments) {
        ExecutionContext parent = stack.current();
        String parentConversation = parent == null ? stack.inheritedConversation : parent.conversation;
        String conv = conversation == null ? parentConversation : conversationId(stack, conversation);
        // A call's resources count for its conversation unless an open call of the same conversation
        // already includes them (the parent, or an ancestor when a nested call switched conversations).
        boolean counts = conv != null && !conv.equals(parentConversation) && !stack.hasConversation(conv);
        ExecutionEvent event = null;
        if (Jfr.execution()) {
            event = new ExecutionEvent();
            event.begin();
        }
        ExecutionContext c = stack.push();
        try {
            c.method = m;
            c.conversation = conv;
            c.countsForConversation = counts;
            c.event = event;
            c.arguments = arguments;
            c.startAllocated = resources.allocatedBytes();
            c.startCpu = m.measureCpu() ? resources.cpuTime() : UNKNOWN;
            c.startNanos = System.nanoTime();
            return c;
        } catch (Throwable t) {
            // Never leave a half-entered frame behind: the next call on this thread would take it for its parent.
            c.release();
            throw t;
        }
    }

    /** The text of a {@code @ConversationId} argument; application code runs for anything but a String. */
    private String conversationId(CallStack stack, Object conversation) {
        if (conversation instanceof String) {
            return (String) conversation;
        }
        stack.busy = true;
        try {
            return String.valueOf(conversation);
        } catch (RuntimeException e) {
            errors.record("reading a @ConversationId argument of type " + conversation.getClass().getName(), e);
            return null;
        } finally {
            stack.busy = false;
        }
    }

    @Override
    public Throwable exit(Object context, Throwable thrown) {
        if (!(context instanceof ExecutionContext)) {
            // enter returned null: the call is not accounted (unknown method, too deep, failure on entry).
            return null;
        }
        ExecutionContext c = (ExecutionContext) context;
        long end = System.nanoTime();
        // First of all, so that the watchdog cannot interrupt this thread once the call is over.
        int ended = c.close();
        Throwable replacement = null;
        try {
            if (ended != ExecutionContext.RUNNING) {
                replacement = timeout(c, ended, end, thrown);
            }
            if (fault == FaultInjection.EXIT) {
                throw new IllegalStateException("injected failure on exit (toolwarden.debug.fail=exit)");
            }
            finish(c, end, replacement != null ? Outcome.TIMEOUT : thrown != null ? Outcome.ERROR : Outcome.SUCCESS,
                    null, replacement != null ? replacement : thrown);
        } catch (Throwable t) {
            errors.record("accounting on exit", t);
        } finally {
            c.release();
        }
        return replacement;
    }

    /** What the caller of a call past its hard limit gets; clears the watchdog's interrupt first. */
    private static ToolTimeoutException timeout(ExecutionContext c, int ended, long end, Throwable thrown) {
        if (ended == ExecutionContext.INTERRUPTED) {
            // The watchdog's interrupt must not leak into the caller's later work.
            Thread.interrupted();
        }
        WovenMethod m = c.method;
        ToolTimeoutException timeout = new ToolTimeoutException(m.descriptor.name(), Duration.ofNanos(m.hardNanos),
                Duration.ofNanos(end - c.startNanos));
        if (thrown != null) {
            timeout.initCause(thrown);
        }
        return timeout;
    }

    // ---- guarded methods: fallbacks, concurrency bounds, isolation, asynchronous results ----

    @Override
    public Object enterGuarded(int method, Object conversation, Object self, Object[] arguments, MethodHandle body) {
        CallStack stack = null;
        ExecutionContext c = null;
        try {
            if (fault == FaultInjection.ENTER) {
                throw new IllegalStateException("injected failure on entry (toolwarden.debug.fail=enter)");
            }
            WovenMethod m = methods.get(method);
            if (m == null) {
                return null;
            }
            stack = STACKS.get();
            if (stack.bodyOf == method) {
                // An isolation worker running the body of a call its caller accounts: run it as it is.
                stack.bodyOf = -1;
                return null;
            }
            if (stack.busy || stack.isFull() || sameLogicalCall(stack.current(), m)) {
                return null;
            }
            Object key = null;
            CompletableFuture<Completion> entry = null;
            if (m.cache != null && arguments != null) {
                if (fault == FaultInjection.CACHE) {
                    throw new IllegalStateException("injected failure in the cache (toolwarden.debug.fail=cache)");
                }
                key = MethodKey.of(m.id, arguments, m.keyParameters);
                entry = m.cache.lookup(key);
                if (entry != null && entry.isDone() && !entry.isCompletedExceptionally()) {
                    Completion hit = entry.getNow(null);
                    if (hit != null) {
                        return hit(m, hit);
                    }
                    entry = null; // a load that gave null, on its way out of the cache
                }
            }
            c = open(m, stack, conversation, recordsArguments() ? arguments : null);
            String refused = refusal(m, c.conversation);
            if (refused != null) {
                ExecutionContext rejected = c;
                c = null;
                return reject(rejected, refused, refusalDetail(refused, rejected.conversation));
            }
            if (m.descriptor.kind() == dev.toolwarden.ExecutionKind.CHAT && c.conversation != null && arguments != null) {
                c.memoryEstimate = dev.toolwarden.cache.Weights.estimate(arguments);
            }
            if (key != null) {
                CompletableFuture<Completion> mine = null;
                if (entry == null) {
                    mine = new CompletableFuture<>();
                    entry = m.cache.startLoad(key, mine);
                }
                if (entry == null) {
                    // This call computes the entry; callers of the same key wait for it meanwhile.
                    c.loading = mine;
                    c.cacheKey = key;
                    if (m.cache.refreshes()) {
                        c.self = self;
                        c.loadArguments = arguments;
                        c.body = body;
                    }
                    SharedTier tier = shared;
                    if (tier != null && m.cache.category().l2()) {
                        // Another instance may have computed it: Redis is asked before the body runs.
                        Object found;
                        try {
                            found = tier.lookup(m, (MethodKey) key, body, mine);
                        } catch (Throwable t) {
                            // a key value's own code (toString, iteration) failed: this call goes on without Redis
                            errors.record("asking the shared cache tier", t);
                            found = null;
                        }
                        if (found != null) {
                            Completion done = Completion.cached(found, reloader(c));
                            c.loading = null;
                            m.cache.loaded(mine, done);
                            ExecutionContext served = c;
                            c = null; // from here on, followerHit() owns the context
                            followerHit(served, m);
                            return m.asynchronous ? Completion.returning(CompletableFuture.completedFuture(found)) : done;
                        }
                    }
                } else if (!stack.isLoading(entry)) {
                    ExecutionContext follower = c;
                    c = null; // from here on, follow() owns the context
                    return follow(follower, m, stack, entry);
                }
                // else: the body asks for the key it is computing itself; it runs, uncached, rather than wait forever.
            }
            // Only a call that runs the body takes a place under the bound: one that waits for another
            // call's cache entry does not.
            if (m.running != null) {
                if (!m.tryEnter()) {
                    ExecutionContext rejected = c;
                    c = null;
                    return reject(rejected, "CONCURRENCY", m.maxConcurrent + " call(s) already running, its bound");
                }
                c.holdsPlace = true;
            }
            if (m.isolate && body != null && arguments != null) {
                ExecutionContext isolated = c;
                c = null; // from here on, isolate() owns the context
                return isolate(isolated, m, stack, self, arguments, body);
            }
            c.arm(stack.nextSequence());
            return c;
        } catch (Throwable t) {
            if (c != null) {
                c.release();
            }
            if (stack != null) {
                stack.busy = false;
            }
            errors.record("accounting on entry", t);
            return null;
        }
    }

    /**
     * A call answered from the cache: counted as a hit of its tool, not timed (it ran nothing), and
     * recorded with {@code cacheHit} while a recording takes Execution events. Allocates nothing
     * but for the event: the cache holds the very completion woven code applies.
     */
    private Completion hit(WovenMethod m, Completion cached) {
        m.aggregate.recordHit();
        if (Jfr.execution()) {
            try {
                ExecutionEvent event = new ExecutionEvent();
                event.begin();
                commitEvent(event, m, UNKNOWN, UNKNOWN, null, null, Outcome.SUCCESS, null, true, null);
            } catch (Throwable t) {
                errors.record("recording a cache hit", t);
            }
        }
        return m.asynchronous ? Completion.returning(CompletableFuture.completedFuture(cached.value)) : cached;
    }

    /**
     * A call whose key another call is computing: it waits for that value (a stage of it, for an
     * asynchronous method), within its own hard limit. It counts as a hit; a failure of the other
     * call is this call's failure too.
     *
     * @return a completion; or the context, armed again, when the body must run here after all
     */
    private Object follow(ExecutionContext c, WovenMethod m, CallStack stack, CompletableFuture<Completion> entry) {
        if (m.asynchronous) {
            CompletableFuture<Object> own = CategoryCache.valueStage(entry);
            followerHit(c, m);
            return Completion.returning(own);
        }
        c.arm(stack.nextSequence());
        Completion done;
        try {
            done = entry.get();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            long end = System.nanoTime();
            int ended = c.close();
            Throwable cause = CategoryCache.failure(e);
            if (ended != ExecutionContext.RUNNING) {
                return timedOutFollower(c, m, ended, end, cause);
            }
            if (m.hasFallback && (cause instanceof ToolTimeoutException || cause instanceof ResourceExhaustedException)) {
                return Completion.fallback(cause, c); // the computing call's timeout or rejection is this call's too
            }
            finishQuietly(c, end, Outcome.ERROR, null, cause);
            return Completion.throwing(cause);
        } catch (InterruptedException e) {
            long end = System.nanoTime();
            int ended = c.close();
            if (ended == ExecutionContext.LATE) {
                // The application interrupted this thread before the hard limit; get() cleared that flag.
                Thread.currentThread().interrupt();
            }
            if (ended != ExecutionContext.RUNNING) {
                return timedOutFollower(c, m, ended, end, e);
            }
            // The application's own interrupt: the call runs its body itself, interrupted, as it would
            // without the cache, and caches nothing (this context is not the key's loader).
            Thread.currentThread().interrupt();
            c.arm(stack.nextSequence());
            return c;
        } catch (Throwable t) {
            if (c.close() == ExecutionContext.INTERRUPTED) {
                Thread.interrupted(); // Toolwarden's own interrupt must not reach the caller
            }
            c.release();
            errors.record("waiting for a cache entry", t);
            return null;
        }
        long end = System.nanoTime();
        int ended = c.close();
        if (ended != ExecutionContext.RUNNING) {
            return timedOutFollower(c, m, ended, end, null);
        }
        followerHit(c, m);
        return done != null ? done : Completion.returning(null);
    }

    /** Records a call that got another call's value as a hit, and ends it. */
    private void followerHit(ExecutionContext c, WovenMethod m) {
        try {
            m.aggregate.recordHit();
            if (c.event != null) {
                commitEvent(c.event, m, UNKNOWN, UNKNOWN, c.conversation, c.arguments, Outcome.SUCCESS, null, true,
                        c.stack);
            }
        } catch (Throwable t) {
            errors.record("recording a cache hit", t);
        } finally {
            c.event = null;
            c.release();
        }
    }

    private Completion timedOutFollower(ExecutionContext c, WovenMethod m, int ended, long end, Throwable cause) {
        ToolTimeoutException timeout = timeout(c, ended, end, cause);
        if (m.hasFallback) {
            return Completion.fallback(timeout, c);
        }
        finishQuietly(c, end, Outcome.TIMEOUT, null, timeout);
        return Completion.throwing(timeout);
    }

    /** Records and releases a call, keeping any failure of Toolwarden's from the application. */
    private void finishQuietly(ExecutionContext c, long end, Outcome outcome, Outcome reason, Throwable reported) {
        try {
            finish(c, end, outcome, reason, reported);
        } catch (Throwable t) {
            errors.record("accounting on exit", t);
        } finally {
            c.release();
        }
    }

    /** Ends the load of a call that computed its key's entry: the value is cached, a failure is not. */
    private void completeLoad(ExecutionContext c, Object value, Throwable thrown) {
        CompletableFuture<Completion> mine = c.loading;
        if (mine == null) {
            return;
        }
        c.loading = null;
        try {
            completeLoad(c.method, mine, thrown == null ? reloader(c) : null, value, thrown);
        } finally {
            c.cacheKey = null;
            c.self = null;
            c.loadArguments = null;
            c.body = null;
        }
    }

    private void completeLoad(WovenMethod m, CompletableFuture<Completion> mine, Reloader reloader, Object value,
            Throwable thrown) {
        try {
            if (thrown != null) {
                m.cache.failed(mine, thrown);
            } else if (m.asynchronous && value instanceof CompletionStage) {
                // The entry is the stage's value, cached once the stage completed.
                ((CompletionStage<?>) value).whenComplete((v, t) -> completeLoad(m, mine, reloader, v,
                        t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t));
            } else {
                m.cache.loaded(mine, value == null ? null : Completion.cached(value, reloader));
            }
        } catch (Throwable t) {
            mine.completeExceptionally(t);
            errors.record("caching a result", t);
        }
    }

    /** What refreshes the entry a call computed: its body again, with the same receiver and arguments. */
    private Reloader reloader(ExecutionContext c) {
        if (c.body == null || c.loadArguments == null) {
            return null;
        }
        WovenMethod m = c.method;
        Object self = c.self;
        Object[] arguments = c.loadArguments.clone();
        java.lang.invoke.MethodHandle body = c.body;
        return () -> {
            CallStack stack = STACKS.get();
            stack.bodyOf = m.id; // the body's own advice lets it run, uncached
            Object value;
            try {
                if (self == null) {
                    value = body.asFixedArity().invokeWithArguments(arguments);
                } else {
                    Object[] all = new Object[arguments.length + 1];
                    all[0] = self;
                    System.arraycopy(arguments, 0, all, 1, arguments.length);
                    value = body.asFixedArity().invokeWithArguments(all);
                }
            } finally {
                stack.bodyOf = -1;
            }
            if (m.asynchronous && value instanceof CompletionStage) {
                return ((CompletionStage<?>) value).toCompletableFuture().get();
            }
            return value;
        };
    }

    /**
     * Whether a call must be refused before it runs, and for what: {@code MEMORY} or {@code CPU} while
     * the monitor sheds calls (tools only, unless {@code toolwarden.shedding.chat}), or
     * {@code CONVERSATION_MEMORY} while its conversation is over its hard memory limit. Two field
     * reads while nothing holds.
     */
    private String refusal(WovenMethod m, Object conversation) {
        ResourceMonitor mon = monitor;
        if (shedding && mon != null && mon.shedding() && (shedChat || m.descriptor.kind() != dev.toolwarden.ExecutionKind.CHAT)) {
            return mon.sheddingResource();
        }
        if (conversation instanceof String && conversations.overHardLimit((String) conversation)) {
            return "CONVERSATION_MEMORY";
        }
        return null;
    }

    private String refusalDetail(String resource, String conversation) {
        if ("CONVERSATION_MEMORY".equals(resource)) {
            ConversationStatistics s = conversations.snapshot(conversation);
            return "conversation " + conversation + " holds " + dev.toolwarden.config.DataSize.format(
                    s == null ? 0 : s.memoryBytes()) + ", over its hard limit of "
                    + dev.toolwarden.config.DataSize.format(configuration.get(Keys.CONVERSATION_HARD));
        }
        ResourceMonitor mon = monitor;
        return "load shedding: " + (mon == null ? resource : mon.sheddingDetail());
    }

    /** A call of a plain (unguarded) method refused before it ran: recorded, and its exception returned to throw. */
    private ResourceExhaustedException refusePlain(WovenMethod m, Object conversation, String resource) {
        String conv = conversation instanceof String ? (String) conversation : null;
        ResourceExhaustedException e = new ResourceExhaustedException(m.descriptor.name(), resource,
                refusalDetail(resource, conv));
        if (!"CONVERSATION_MEMORY".equals(resource)) {
            shed.increment();
        }
        m.aggregate.record(0, UNKNOWN, UNKNOWN, Outcome.REJECTED);
        if (Jfr.execution()) {
            ExecutionEvent event = new ExecutionEvent();
            event.begin();
            commitEvent(event, m, UNKNOWN, UNKNOWN, conv, null, Outcome.REJECTED, e, false, null);
        }
        return e;
    }

    /** An alert of the monitor or of a conversation: an event, the listeners, and one log line. */
    private void alert(dev.toolwarden.Alert a) {
        alerts.raise(a);
        if (a.resource().equals("DATABASE") || a.resource().equals("CACHE_L2")) {
            return; // MetricsPersistence and the Redis tier log what happened, in words
        }
        String value = a.resource().equals("CONVERSATION_MEMORY") ? dev.toolwarden.config.DataSize.format((long) a.value())
                : ResourceMonitor.percent(Math.round(a.value() * 10) / 10.0);
        String threshold = a.resource().equals("CONVERSATION_MEMORY")
                ? dev.toolwarden.config.DataSize.format((long) a.threshold())
                : ResourceMonitor.percent(a.threshold());
        String what = a.resource() + (a.subject() == null ? "" : " of " + a.subject());
        String level = a.level().toLowerCase(java.util.Locale.ROOT);
        if (a.cleared()) {
            Log.info(what + " is back under its " + level + " limit of " + threshold + ": " + value);
        } else {
            Log.warn(what + " passed its " + level + " limit of " + threshold + ": " + value
                    + ("HARD".equals(a.level()) ? (a.resource().equals("CONVERSATION_MEMORY")
                            ? "; its calls are refused until it shrinks or is cleared"
                            : shedding && (a.resource().equals("MEMORY") || a.resource().equals("CPU"))
                                    ? "; tool calls are shed while it holds" : "") : ""));
        }
    }

    /** A sampler that always fails (toolwarden.debug.fail=monitor). */
    private static dev.toolwarden.monitor.ResourceSampler failingSampler() {
        return new dev.toolwarden.monitor.ResourceSampler() {
            @Override
            public dev.toolwarden.ResourceUsage sample() {
                throw new IllegalStateException("injected failure in the resource sampler (toolwarden.debug.fail=monitor)");
            }

            @Override
            public String name() {
                return "failing";
            }
        };
    }

    /**
     * Starts the resource monitor on the housekeeping thread, and the periodic conversation events.
     * Called by the agent once.
     */
    public synchronized void startMonitor() {
        if (monitorStarted) {
            return;
        }
        monitorStarted = true;
        long period = Math.max(100, millis(Keys.MONITOR_INTERVAL));
        // OSHI takes a good part of a second of CPU to set itself up (its classes, JNA's native library):
        // on the housekeeping thread, once the start-up grace is over, so that it does not compete with the
        // application's own start-up for the CPU. Until then the monitor samples the JDK's figures (the
        // same quantities, no native library). Before the first interval nothing is shed.
        long grace = millis(Keys.STARTUP_GRACE);
        boolean later = grace > period && fault != FaultInjection.MONITOR;
        housekeeping().schedule(new Task(this, later ? Task.MONITOR_JDK : Task.MONITOR, null), period,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        if (later) {
            housekeeping().schedule(new Task(this, Task.MONITOR_OSHI, null), grace,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        housekeeping().scheduleWithFixedDelay(new Task(this, Task.CONVERSATIONS, null), period, period,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        housekeeping().scheduleWithFixedDelay(new Task(this, Task.POOLS, databaseWatch()), period, period,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        if (!"none".equals(configuration.get(Keys.DB_URL))) {
            // Opening the database (an embedded H2 file, a server) is slow, and a database that is down makes a
            // write wait for its timeout: never on the application's threads, nor on the housekeeping thread.
            // Nor during the application's start-up: opening H2 costs a few hundred ms of CPU, which on a small
            // machine the start-up would wait for. It opens at the first write, one flush interval after start,
            // or when the stored metrics are read, or at exit, whichever comes first.
            persistenceAsked = true;
            metricsThread.schedule(new Task(this, Task.PERSISTENCE_SOON, null),
                    millis(Keys.DB_FLUSH), java.util.concurrent.TimeUnit.MILLISECONDS);
            Runtime.getRuntime().addShutdownHook(new Thread(new Task(this, Task.EXIT, null), "toolwarden-metrics-flush"));
        }
    }

    /** Makes the resource monitor: its sampler the JDK's until the start-up grace is over, or OSHI's now. */
    private void startMonitorNow(boolean jdkFirst) {
        try {
            dev.toolwarden.monitor.ResourceSampler sampler = fault == FaultInjection.MONITOR ? failingSampler()
                    : jdkFirst ? ResourceSamplers.jdk() : ResourceSamplers.create();
            ResourceMonitor mon = new ResourceMonitor(configuration, sampler, alertSink);
            mon.start(housekeeping());
            monitor = mon;
        } catch (Throwable t) {
            Log.warn("the resource monitor cannot start (" + t + "); nothing is sampled or shed");
        }
    }

    /** After the start-up grace: the monitor samples OSHI's figures from now on. */
    private void switchMonitorToOshi() {
        ResourceMonitor mon = monitor;
        try {
            dev.toolwarden.monitor.ResourceSampler sampler = ResourceSamplers.create();
            if (mon != null && !sampler.name().equals(mon.source())) {
                mon.useSampler(sampler);
            }
        } catch (Throwable t) {
            Log.warn("OSHI cannot be set up (" + t + "); the monitor goes on with the JDK's figures");
        }
    }

    /** @return a configured period in milliseconds (one longer than any clock, "never", as about 73 years) */
    private long millis(dev.toolwarden.config.Key<Duration> key) {
        return dev.toolwarden.Durations.limitNanos(configuration.get(key)) / 1_000_000;
    }

    /** At exit: the last write of the tool metrics. */
    private void flushAtExit() {
        try {
            // The last write runs on the metrics thread, and the exit waits for it at most 5 s. It opens
            // the database if nothing has yet.
            persistenceStarted.set(true);
            metricsThread.submit(new Task(this, Task.LAST_WRITE, null)).get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Throwable t) {
            // the JVM is going: nothing to tell anyone
        }
    }

    /** On the metrics thread, at exit. */
    private void lastWrite() {
        MetricsPersistence p = persistence();
        if (p != null) {
            p.flushAtExit();
            p.close();
        }
    }

    /**
     * The runtime's tasks and callbacks, one class rather than a lambda each: the runtime makes them while
     * the JVM starts, where each lambda would link a call site of its own and make the JVM generate
     * classes for it (a few ms each on a small machine; README, "Start-up").
     */
    private static final class Task implements Runnable, java.util.function.Consumer<Alert>,
            java.util.function.Supplier<List<ToolStatistics>> {
        static final int MONITOR = 0;
        static final int MONITOR_JDK = 1;
        static final int MONITOR_OSHI = 2;
        static final int CONVERSATIONS = 3;
        static final int POOLS = 4;
        static final int PERSISTENCE_SOON = 5;
        static final int PERSISTENCE = 6;
        static final int FLUSH = 7;
        static final int EXIT = 8;
        static final int LAST_WRITE = 9;
        static final int ALERT = 10;
        static final int STATISTICS = 11;
        static final int CACHES = 12;

        private final ToolwardenRuntime runtime;
        private final int kind;
        private final Object subject;

        Task(ToolwardenRuntime runtime, int kind, Object subject) {
            this.runtime = runtime;
            this.kind = kind;
            this.subject = subject;
        }

        @Override
        public void run() {
            switch (kind) {
                case MONITOR -> runtime.startMonitorNow(false);
                case MONITOR_JDK -> runtime.startMonitorNow(true);
                case MONITOR_OSHI -> runtime.switchMonitorToOshi();
                case CONVERSATIONS -> runtime.conversationHousekeeping();
                case POOLS -> {
                    try {
                        ((DatabaseWatch) subject).check();
                    } catch (Throwable t) {
                        runtime.errors.record("watching connection pools", t);
                    }
                }
                case PERSISTENCE_SOON -> runtime.startPersistenceSoon();
                case PERSISTENCE -> runtime.startPersistence();
                case FLUSH -> {
                    try {
                        ((MetricsPersistence) subject).flush();
                    } catch (Throwable t) {
                        runtime.errors.record("writing tool metrics", t);
                    }
                }
                case EXIT -> runtime.flushAtExit();
                case LAST_WRITE -> runtime.lastWrite();
                case CACHES -> runtime.cacheHousekeeping((PerformanceCache) subject);
                default -> throw new IllegalStateException("not a task: " + kind);
            }
        }

        @Override
        public void accept(Alert alert) {
            runtime.alert(alert);
        }

        @Override
        public List<ToolStatistics> get() {
            return runtime.statistics();
        }
    }

    /**
     * @return the metrics persistence, created on first use (on the metrics thread); {@code null}
     *     when it cannot be. Its own lock: building a pool must not hold the runtime's.
     */
    private MetricsPersistence persistence() {
        synchronized (metricsThread) {
            return createPersistence();
        }
    }

    private MetricsPersistence createPersistence() {
        if (persistence == null) {
            try {
                MetricsPersistence p = new MetricsPersistence(configuration, new Task(this, Task.STATISTICS, null), alertSink);
                p.watchedBy(databaseWatch());
                persistence = p;
            } catch (Throwable t) {
                Log.warn("tool metrics are not persisted: " + t);
                return null;
            }
        }
        return persistence;
    }

    private static java.util.concurrent.ScheduledThreadPoolExecutor metricsThread() {
        java.util.concurrent.ScheduledThreadPoolExecutor e = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                DaemonThreads.named("toolwarden-metrics", false));
        e.setKeepAliveTime(60, java.util.concurrent.TimeUnit.SECONDS);
        e.allowCoreThreadTimeOut(false);
        return e;
    }

    /** Opens the metrics database on the metrics thread, once. */
    private void startPersistenceSoon() {
        if (persistenceAsked && persistenceStarted.compareAndSet(false, true)) {
            metricsThread.execute(new Task(this, Task.PERSISTENCE, null));
        }
    }

    private void startPersistence() {
        try {
            MetricsPersistence p;
            try {
                p = persistence();
            } finally {
                persistenceMade.countDown();
            }
            if (p == null) {
                return;
            }
            if (!p.historyFromCopy()) {
                p.flush(); // opens the database and reads the history
            }
            long flush = millis(Keys.DB_FLUSH);
            metricsThread.scheduleWithFixedDelay(new Task(this, Task.FLUSH, p), flush, flush,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Throwable t) {
            Log.warn("tool metrics are not persisted: " + t);
        }
    }

    private DatabaseWatch databaseWatch() {
        DatabaseWatch w = databases;
        if (w == null) {
            synchronized (this) {
                w = databases;
                if (w == null) {
                    databases = w = new DatabaseWatch(configuration, alertSink);
                }
            }
        }
        return w;
    }

    @Override
    public void dataSourceCreated(Object dataSource) {
        try {
            databaseWatch().watchApplicationPool(dataSource);
        } catch (Throwable t) {
            errors.record("watching an application connection pool", t);
        }
    }

    @Override
    public void poolSeen(Object pool) {
        try {
            databaseWatch().watchApplicationHikariPool(pool);
        } catch (Throwable t) {
            errors.record("watching an application connection pool", t);
        }
    }

    @Override
    public List<dev.toolwarden.PoolStatistics> pools() {
        DatabaseWatch w = databases;
        return w == null ? List.of() : w.statistics();
    }

    @Override
    public List<ToolStatistics> allTimeStatistics() {
        MetricsPersistence p = persistence;
        if (p == null && persistenceAsked) {
            // Asked before the first write: the metrics thread makes it now (a pool, no connection yet).
            startPersistenceSoon();
            try {
                persistenceMade.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p = persistence;
        }
        if (p == null) {
            return statistics();
        }
        java.util.Set<String> tools = new java.util.TreeSet<>(p.rememberedTools());
        for (ToolStatistics s : statistics()) {
            tools.add(s.name());
        }
        List<ToolStatistics> out = new ArrayList<>();
        for (String tool : tools) {
            ToolStatistics s = recordOf(p, tool);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * A tool's record over every run: its history before this run, read from the metrics database
     * through the {@code tool_performance} cache category (so the database is asked at most once per
     * entry's time to live), plus this run's totals.
     */
    private ToolStatistics recordOf(MetricsPersistence p, String tool) {
        ToolStatistics run = statistics(tool).orElse(null);
        dev.toolwarden.db.StoredMetrics history = cache().get(PerformanceCache.TOOL_PERFORMANCE, new HistoryKey(tool),
                new Miss<dev.toolwarden.db.StoredMetrics>(this, p, tool, null));
        if (history == null) {
            return run;
        }
        return (run == null ? history : history.plus(dev.toolwarden.db.StoredMetrics.of(run))).toStatistics();
    }

    /** The key of a tool's history in the {@code tool_performance} category. */
    private record HistoryKey(String tool) {
        // Written out: a record's own equals and hashCode link an ObjectMethods bootstrap at their first call.
        @Override
        public boolean equals(Object o) {
            return o instanceof HistoryKey k && tool.equals(k.tool);
        }

        @Override
        public int hashCode() {
            return tool.hashCode();
        }
    }

    @Override
    public List<dev.toolwarden.RankedTool> rankTools(List<String> candidates) {
        List<String> key = List.copyOf(candidates);
        return cache().get(PerformanceCache.TOOL_RECOMMENDATIONS, new RankingKey(key),
                new Miss<List<dev.toolwarden.RankedTool>>(this, null, null, key));
    }

    /**
     * What a miss of the {@code tool_performance} or {@code tool_recommendations} category computes: a
     * tool's stored history, or a ranking. A class, not lambdas, as {@link Task} says: a first ranking
     * is often asked for while the application starts.
     */
    private static final class Miss<V> implements java.util.function.Supplier<V> {
        private final ToolwardenRuntime runtime;
        private final MetricsPersistence persistence;
        private final String tool;
        private final List<String> candidates;

        Miss(ToolwardenRuntime runtime, MetricsPersistence persistence, String tool, List<String> candidates) {
            this.runtime = runtime;
            this.persistence = persistence;
            this.tool = tool;
            this.candidates = candidates;
        }

        @Override
        @SuppressWarnings("unchecked")
        public V get() {
            return (V) (candidates == null ? persistence.historyOf(tool) : runtime.rank(candidates));
        }
    }

    /** Best first. */
    private static final class ByScore implements java.util.Comparator<dev.toolwarden.RankedTool> {
        static final ByScore INSTANCE = new ByScore();

        @Override
        public int compare(dev.toolwarden.RankedTool a, dev.toolwarden.RankedTool b) {
            return Double.compare(b.score(), a.score());
        }
    }

    /** By name. */
    private static final class ByName implements java.util.Comparator<ToolStatistics> {
        static final ByName INSTANCE = new ByName();

        @Override
        public int compare(ToolStatistics a, ToolStatistics b) {
            return a.name().compareTo(b.name());
        }
    }

    /** The key of a cached ranking: the candidates, as asked. */
    private record RankingKey(List<String> candidates) {
        // Written out: a record's own equals and hashCode link an ObjectMethods bootstrap at their first call.
        @Override
        public boolean equals(Object o) {
            return o instanceof RankingKey k && candidates.equals(k.candidates);
        }

        @Override
        public int hashCode() {
            return candidates.hashCode();
        }
    }

    private List<dev.toolwarden.RankedTool> rank(List<String> candidates) {
        java.util.Map<String, ToolStatistics> all = new java.util.HashMap<>();
        for (ToolStatistics s : allTimeStatistics()) {
            all.put(s.name(), s);
        }
        List<dev.toolwarden.RankedTool> out = new ArrayList<>();
        for (String name : candidates) {
            ToolStatistics s = all.get(name);
            long calls = s == null ? 0 : s.calls();
            long failures = s == null ? 0 : s.errors() + s.timeouts() + s.rejected();
            double success = (calls - failures + 1.0) / (calls + 2.0);
            Duration p95 = s == null ? Duration.ZERO : s.p95();
            double score = success / (1 + p95.toNanos() / 1e9);
            out.add(new dev.toolwarden.RankedTool(name, score, success, p95, calls));
        }
        out.sort(ByScore.INSTANCE);
        return List.copyOf(out);
    }

    private void conversationHousekeeping() {
        try {
            conversations.cleanUp();
            if (Jfr.conversationMemory()) {
                for (java.util.Map.Entry<String, Long> c : conversations.largest(100)) {
                    dev.toolwarden.events.ConversationMemoryEvent e = new dev.toolwarden.events.ConversationMemoryEvent();
                    e.conversationId = c.getKey();
                    e.bytes = c.getValue();
                    e.commit();
                }
            }
        } catch (Throwable t) {
            errors.record("conversation housekeeping", t);
        }
    }

    /** @return the resource monitor, once the agent started it */
    public ResourceMonitor monitor() {
        return monitor;
    }

    @Override
    public dev.toolwarden.ResourceUsage resources() {
        ResourceMonitor mon = monitor;
        return mon == null ? null : mon.latest();
    }

    @Override
    public List<dev.toolwarden.Alert> activeAlerts() {
        List<dev.toolwarden.Alert> out = new ArrayList<>();
        ResourceMonitor mon = monitor;
        if (mon != null) {
            out.addAll(mon.activeAlerts());
        }
        out.addAll(conversations.activeAlerts());
        DatabaseWatch w = databases;
        if (w != null) {
            out.addAll(w.activeAlerts());
        }
        return out;
    }

    @Override
    public long shedCalls() {
        return shed.sum();
    }

    @Override
    public void recordConversationMemory(String conversationId, long bytes) {
        conversations.setMemory(conversationId, bytes);
    }

    @Override
    public void clearConversation(String conversationId) {
        conversations.clear(conversationId);
    }

    /** A call refused before it ran: the fallback answers, or the caller gets {@link ResourceExhaustedException}. */
    private Completion reject(ExecutionContext c, String resource, String detail) {
        ResourceExhaustedException e = new ResourceExhaustedException(c.method.descriptor.name(), resource, detail);
        if ("MEMORY".equals(resource) || "CPU".equals(resource)) {
            shed.increment();
        }
        completeLoad(c, null, e);
        if (c.method.hasFallback) {
            return Completion.fallback(e, c); // the context stays open, unarmed, until the fallback answered
        }
        try {
            finish(c, System.nanoTime(), Outcome.REJECTED, null, e);
        } catch (Throwable t) {
            errors.record("accounting a rejected call", t);
        } finally {
            c.release();
        }
        return Completion.throwing(e);
    }

    /**
     * Runs an isolated call's body on a worker and waits for it until the hard limit. Never throws:
     * once the body is handed over it must not run a second time in place; before that, a failure
     * arms the call and returns its context, so that the body runs in place.
     */
    private Object isolate(ExecutionContext c, WovenMethod m, CallStack stack, Object self, Object[] arguments,
            MethodHandle body) {
        IsolationPool pool = null;
        IsolatedCall call;
        try {
            pool = isolationPool();
            call = new IsolatedCall(pool, m.id, body, self, arguments, c.conversation, m.measureCpu());
            c.isolated = call;
            pool.execute(call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            c.isolated = null;
            return reject(c, "ISOLATION", "all " + pool.maxThreads() + " isolation workers are busy, "
                    + pool.abandonedNow() + " of them with abandoned bodies (toolwarden.isolation.threads)");
        } catch (Throwable t) {
            // No worker could take the body (no native thread left, say): it runs in place, accounted as
            // usual, still the loader of its cache entry and still holding its place.
            c.isolated = null;
            errors.record("handing a call to an isolation worker", t);
            c.arm(stack.nextSequence());
            return c;
        }
        // Armed for the watchdog's soft limit, reported with the worker's stack; the hard limit is kept here.
        c.arm(stack.nextSequence());
        boolean ended = call.await(m.hardNanos > 0, c.startNanos + m.hardNanos);
        long end = System.nanoTime();
        c.close();
        if (ended) {
            completeLoad(c, call.value, call.thrown);
            try {
                commit(m, end - c.startNanos, call.cpu, call.allocated, c, call.thrown == null ? Outcome.SUCCESS
                        : Outcome.ERROR, null, call.thrown);
            } catch (Throwable t) {
                errors.record("accounting on exit", t);
            } finally {
                c.release();
            }
            return call.thrown == null ? Completion.returning(call.value) : Completion.throwing(call.thrown);
        }
        ToolTimeoutException timeout = new ToolTimeoutException(m.descriptor.name(), Duration.ofNanos(m.hardNanos),
                Duration.ofNanos(end - c.startNanos));
        try {
            Thread runner = call.runner();
            StackTraceElement[] trace = runner != null && wantsStack("HARD", m) ? runner.getStackTrace()
                    : new StackTraceElement[0];
            call.abandon(); // interrupts the worker; false when the body ended just now, too late all the same
            limitPassed(m, "HARD", runner != null ? runner : c.stack.owner, m.hardNanos, end - c.startNanos, trace);
        } catch (Throwable t) {
            errors.record("abandoning an isolated call", t);
        }
        completeLoad(c, null, timeout);
        if (m.hasFallback) {
            return Completion.fallback(timeout, c);
        }
        try {
            commit(m, end - c.startNanos, UNKNOWN, UNKNOWN, c, Outcome.TIMEOUT, null, timeout);
        } catch (Throwable t) {
            errors.record("accounting on exit", t);
        } finally {
            c.release();
        }
        return Completion.throwing(timeout);
    }

    private IsolationPool isolationPool() {
        IsolationPool p = isolation;
        if (p == null) {
            synchronized (this) {
                p = isolation;
                if (p == null) {
                    isolation = p = new IsolationPool(configuration.get(Keys.ISOLATION_THREADS), resources);
                }
            }
        }
        return p;
    }

    @Override
    public Completion exitGuarded(Object context, Object returned, Throwable thrown, Object self, Object[] arguments,
            MethodHandle fallback) {
        if (context instanceof Completion) {
            return (Completion) context; // decided on entry: isolated, or rejected
        }
        if (!(context instanceof ExecutionContext)) {
            return null;
        }
        ExecutionContext c = (ExecutionContext) context;
        long end = System.nanoTime();
        int ended = c.close();
        boolean keep = false;
        Completion result = null;
        try {
            WovenMethod m = c.method;
            if (c.memoryEstimate > 0) {
                try {
                    // A chat handler's messages stay in its conversation's context: the default estimate of its memory.
                    conversations.addMemory(c.conversation, c.memoryEstimate
                            + (returned != null && thrown == null ? dev.toolwarden.cache.Weights.estimate(returned) : 0));
                } catch (Throwable t) {
                    errors.record("estimating a conversation's memory", t);
                }
            }
            if (ended != ExecutionContext.RUNNING) {
                ToolTimeoutException timeout = timeout(c, ended, end, thrown);
                completeLoad(c, null, timeout);
                if (m.hasFallback) {
                    keep = true; // until the fallback answered
                    return Completion.fallback(timeout, c);
                }
                result = Completion.throwing(timeout);
            } else if (m.asynchronous && thrown == null && returned instanceof CompletionStage) {
                keep = true; // released by startAsync, once the call is handed to the stage
                CompletableFuture<Completion> loading = c.loading;
                Reloader reloader = loading == null ? null : reloader(c);
                c.loading = null;
                if (loading != null) {
                    // The entry is the value of the body's own stage (a timeout fails it, see asyncTimedOut);
                    // what the caller does with its stage, or a fallback's answer, is never cached.
                    completeLoad(m, loading, reloader, returned, null);
                }
                result = startAsync(c, end, (CompletionStage<?>) returned, self, arguments, fallback, loading);
                return result;
            } else {
                completeLoad(c, thrown == null ? returned : null, thrown);
            }
            if (fault == FaultInjection.EXIT) {
                throw new IllegalStateException("injected failure on exit (toolwarden.debug.fail=exit)");
            }
            finish(c, end, result != null ? Outcome.TIMEOUT : thrown != null ? Outcome.ERROR : Outcome.SUCCESS, null,
                    result != null ? result.thrown : thrown);
        } catch (Throwable t) {
            errors.record("accounting on exit", t);
        } finally {
            if (!keep) {
                c.release();
            }
        }
        return result;
    }

    /** Hands a call whose body returned a stage over to that stage: the call ends when it completes. */
    private Completion startAsync(ExecutionContext c, long end, CompletionStage<?> stage, Object self,
            Object[] arguments, MethodHandle fallback, CompletableFuture<Completion> loading) {
        AsyncCall a;
        try {
            long allocated = c.startAllocated == UNKNOWN ? UNKNOWN : difference(c.startAllocated,
                    resources.allocatedBytes());
            long cpu = c.startCpu == UNKNOWN ? UNKNOWN : difference(c.startCpu, resources.cpuTime());
            a = new AsyncCall(this, c.method, c.startNanos, c.conversation, c.countsForConversation, cpu, allocated,
                    stage);
            a.event = c.event;
            a.eventArguments = c.arguments;
            a.self = self;
            a.arguments = arguments;
            a.fallback = fallback;
            a.holdsPlace = c.holdsPlace;
            a.loading = loading;
            c.holdsPlace = false;
            c.event = null;
        } catch (Throwable t) {
            errors.record("accounting an asynchronous call", t);
            c.release();
            return null;
        }
        c.release();
        try {
            Watchdog.INSTANCE.watch(a);
            a.connect();
            return Completion.returning(a.result);
        } catch (Throwable t) {
            errors.record("watching an asynchronous call", t);
            // The caller gets the body's own stage: the watchdog must never time it out (and cancel it).
            a.abandon();
            if (a.holdsPlace) {
                a.holdsPlace = false;
                a.method.leave();
            }
            // The stage is the body's own; the caller gets it as it is.
            return null;
        }
    }

    /** An asynchronous call ended: its stage completed, or the caller completed its own stage first. */
    void asyncEnded(AsyncCall a, Object value, Throwable thrown, boolean bySource) {
        Throwable cause = thrown instanceof java.util.concurrent.CompletionException && thrown.getCause() != null
                ? thrown.getCause() : thrown;
        try {
            commit(a, System.nanoTime(), cause == null ? Outcome.SUCCESS : Outcome.ERROR, null, cause);
        } catch (Throwable t) {
            errors.record("accounting an asynchronous call", t);
        }
        if (bySource) {
            if (thrown == null) {
                a.result.complete(value);
            } else {
                a.result.completeExceptionally(thrown);
            }
        }
    }

    /**
     * Called by the watchdog when an asynchronous call passed its hard limit. The caller's stage is
     * completed on another thread: completing it runs the application's dependent stages.
     */
    void asyncTimedOut(AsyncCall a, long elapsed) {
        WovenMethod m = a.method;
        limitPassed(m, "HARD", null, m.hardNanos, elapsed, new StackTraceElement[0]);
        ToolTimeoutException timeout = new ToolTimeoutException(m.descriptor.name(), Duration.ofNanos(m.hardNanos),
                Duration.ofNanos(elapsed));
        Runnable complete = () -> {
            if (a.loading != null) {
                // The callers waiting for this entry get the timeout too; their stages' dependents run
                // here, not on the watchdog, which a slow dependent would stop for every call.
                m.cache.failed(a.loading, timeout);
            }
            a.cancelSource();
            if (m.hasFallback && a.fallback != null && a.arguments != null) {
                asyncFallback(a, timeout);
                return;
            }
            try {
                commit(a, System.nanoTime(), Outcome.TIMEOUT, null, timeout);
            } catch (Throwable t) {
                errors.record("accounting an asynchronous call", t);
            }
            a.result.completeExceptionally(timeout);
        };
        try {
            asyncCompletions().execute(complete);
        } catch (Throwable t) {
            complete.run();
        }
    }

    private void asyncFallback(AsyncCall a, ToolTimeoutException timeout) {
        Object answer;
        try {
            answer = invokeFallback(a.fallback, a.self, a.arguments, timeout);
        } catch (Throwable t) {
            fallbackEnded(a, null, t);
            return;
        }
        if (answer instanceof CompletionStage) {
            ((CompletionStage<?>) answer).whenComplete((v, t) -> fallbackEnded(a, v, t));
        } else {
            fallbackEnded(a, answer, null);
        }
    }

    private void fallbackEnded(AsyncCall a, Object value, Throwable thrown) {
        try {
            commit(a, System.nanoTime(), Outcome.FALLBACK, Outcome.TIMEOUT, thrown);
        } catch (Throwable t) {
            errors.record("accounting an asynchronous call", t);
        }
        if (thrown == null) {
            a.result.complete(value);
        } else {
            a.result.completeExceptionally(thrown);
        }
    }

    private java.util.concurrent.Executor asyncCompletions() {
        java.util.concurrent.ThreadPoolExecutor e = asyncCompletions;
        if (e == null) {
            synchronized (this) {
                e = asyncCompletions;
                if (e == null) {
                    e = new java.util.concurrent.ThreadPoolExecutor(2, 2, 60, java.util.concurrent.TimeUnit.SECONDS,
                            new java.util.concurrent.LinkedBlockingQueue<>(), DaemonThreads.named("toolwarden-async-timeouts", false));
                    e.allowCoreThreadTimeOut(true);
                    asyncCompletions = e;
                }
            }
        }
        return e;
    }

    @Override
    public Completion fallback(Completion pending, Object self, Object[] arguments, MethodHandle fallback) {
        Throwable reason = pending.fallbackReason();
        if (!(pending.pending() instanceof ExecutionContext)) {
            return Completion.throwing(reason);
        }
        ExecutionContext c = (ExecutionContext) pending.pending();
        Outcome why = reason instanceof ToolTimeoutException ? Outcome.TIMEOUT : Outcome.REJECTED;
        Completion result;
        Outcome outcome = Outcome.FALLBACK;
        Throwable reported = null;
        if (fallback == null || arguments == null) {
            // The fallback could not be woven in (a class file too old for method handle constants).
            result = Completion.throwing(reason);
            outcome = why;
            reported = reason;
        } else {
            try {
                result = Completion.returning(invokeFallback(fallback, self, arguments, reason));
            } catch (Throwable t) {
                result = Completion.throwing(t);
                reported = t;
            }
        }
        try {
            finish(c, System.nanoTime(), outcome, why, reported);
        } catch (Throwable t) {
            errors.record("accounting a fallback", t);
        } finally {
            c.release();
        }
        return result;
    }

    /** Calls a fallback with the call's arguments, and the reason when it takes one more parameter. */
    private static Object invokeFallback(MethodHandle fallback, Object self, Object[] arguments, Throwable reason)
            throws Throwable {
        int receiver = self == null ? 0 : 1;
        boolean withReason = fallback.type().parameterCount() == receiver + arguments.length + 1;
        Object[] all = new Object[receiver + arguments.length + (withReason ? 1 : 0)];
        if (self != null) {
            all[0] = self;
        }
        System.arraycopy(arguments, 0, all, receiver, arguments.length);
        if (withReason) {
            all[all.length - 1] = reason;
        }
        return fallback.asFixedArity().invokeWithArguments(all);
    }

    @Override
    public IsolationStatistics isolation() {
        IsolationPool p = isolation;
        return p == null ? new IsolationStatistics(configuration.get(Keys.ISOLATION_THREADS), 0, 0, 0, 0, 0)
                : p.statistics();
    }

    /**
     * The caches of woven {@code @Cached} methods, created with the first one. Expired entries are
     * removed on the housekeeping thread.
     *
     * @return the caches
     */
    public PerformanceCache cache() {
        PerformanceCache c = cache;
        if (c == null) {
            synchronized (this) {
                c = cache;
                if (c == null) {
                    cache = c = PerformanceCache.builder().configuration(configuration).scheduler(housekeeping()).build();
                    long period = Math.max(100, millis(Keys.MONITOR_INTERVAL));
                    housekeeping().scheduleWithFixedDelay(new Task(this, Task.CACHES, c), period, period,
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                    shared = sharedTier();
                }
            }
        }
        return c;
    }

    /** The Redis tier, when {@code toolwarden.redis.url} names one; it connects in the background. */
    private SharedTier sharedTier() {
        String url = configuration.get(Keys.REDIS_URL);
        if (url.isEmpty()) {
            return null;
        }
        try {
            SharedTier[] made = new SharedTier[1];
            made[0] = new SharedTier(this, codecs, listener -> new dev.toolwarden.cache.l2.RedisTier(url,
                    configuration.get(Keys.APPLICATION), configuration.get(Keys.REDIS_TIMEOUT),
                    configuration.get(Keys.REDIS_RETRY), alertSink, listener));
            if (configuration.get(Keys.APPLICATION).equals("default")) {
                Log.warn("toolwarden.application is not set: every application using Redis " + url.replaceAll(
                        "(://[^:/@]*:)[^@/]*@", "$1***@") + " without a name of its own shares its cached answers"
                        + " with this one; set toolwarden.application to this application's name");
            }
            Log.info("categories " + configuration.cacheCategories().values().stream()
                    .filter(dev.toolwarden.config.CacheCategorySettings::l2).map(dev.toolwarden.config.CacheCategorySettings::category)
                    .sorted().toList() + " share a second tier in Redis " + made[0].redis().describe());
            return made[0];
        } catch (RuntimeException | LinkageError e) {
            Log.warn("the shared cache tier in Redis cannot be set up (" + e + "); every JVM uses its own cache");
            return null;
        }
    }

    /**
     * Every monitor interval: expiry and eviction of every category (Caffeine schedules its own
     * clean-up too, but not after every kind of write), then a {@code toolwarden.CacheStatistics}
     * event per category while a recording takes them.
     */
    private void cacheHousekeeping(PerformanceCache caches) {
        try {
            caches.cleanUp();
            if (Jfr.cacheStatistics()) {
                for (CacheStatistics s : caches.statistics()) {
                    dev.toolwarden.events.CacheStatisticsEvent e = new dev.toolwarden.events.CacheStatisticsEvent();
                    e.category = s.category();
                    e.size = s.size();
                    e.hits = s.hits();
                    e.misses = s.misses();
                    e.evictions = s.evictions();
                    e.l2Hits = s.l2Hits();
                    e.l2Misses = s.l2Misses();
                    e.l2Unavailable = s.l2Unavailable();
                    e.l2DecodeFailures = s.l2DecodeFailures();
                    e.commit();
                }
            }
        } catch (Throwable t) {
            errors.record("cache housekeeping", t);
        }
    }

    @Override
    public List<CacheStatistics> cacheStatistics() {
        PerformanceCache c = cache;
        return c == null ? List.of() : c.statistics();
    }

    @Override
    public void invalidateCache(String category) {
        invalidateCategoryLocally(category);
        SharedTier tier = shared;
        if (tier != null) {
            tier.invalidateCategory(category);
        }
    }

    /** @param category a category whose entries in this JVM are removed, or {@code null} for all */
    void invalidateCategoryLocally(String category) {
        PerformanceCache c = cache;
        if (c == null) {
            return;
        }
        if (category == null) {
            c.invalidateAll();
        } else if (c.categories().contains(category)) {
            c.invalidateCategory(category);
        }
    }

    /** @param tool a tool whose entries in this JVM are removed */
    void invalidateLocally(String tool) {
        for (WovenMethod m : methods.all()) {
            if (m.cache != null && m.descriptor.name().equals(tool)) {
                int id = m.id;
                m.cache.invalidateIf(k -> k instanceof MethodKey && ((MethodKey) k).method() == id);
            }
        }
    }

    /** @return every woven method */
    List<WovenMethod> wovenMethods() {
        return methods.all();
    }

    @Override
    public int invalidateCache(String tool, Object[] keyArguments) {
        int removed = 0;
        String wrongArity = null;
        boolean matchedArity = false;
        SharedTier tier = shared;
        for (WovenMethod m : methods.all()) {
            if (m.cache == null || !m.descriptor.name().equals(tool)) {
                continue;
            }
            if (keyArguments == null) {
                int id = m.id;
                m.cache.invalidateIf(k -> k instanceof MethodKey && ((MethodKey) k).method() == id);
                if (tier != null) {
                    tier.invalidateTool(m);
                }
                removed++;
                continue;
            }
            int arity = m.keyParameters == null ? keyArguments.length : m.keyParameters.length;
            if (keyArguments.length != arity) {
                // Overloads share a tool name: the values name the one whose key has as many parts.
                if (wrongArity == null) {
                    wrongArity = tool + " (" + m.descriptor.method() + ") has " + arity + " cache key value(s), its "
                            + "@CacheKey, @UserId, @SessionId and @ConversationId parameters in order (all parameters "
                            + "when none is marked); got " + keyArguments.length;
                }
                continue;
            }
            matchedArity = true;
            int[] all = new int[arity];
            for (int i = 0; i < arity; i++) {
                all[i] = i;
            }
            MethodKey key = MethodKey.of(m.id, keyArguments, all);
            if (m.cache.remove(key)) {
                removed++;
            }
            if (tier != null) {
                tier.invalidateKey(m, key.values());
            }
        }
        if (wrongArity != null && !matchedArity) {
            throw new IllegalArgumentException(wrongArity);
        }
        return removed;
    }

    @Override
    public void registerCodec(dev.toolwarden.ValueCodec<?> codec) {
        codecs.register(codec);
    }

    /** @return this thread's call stack (isolation workers set theirs up before running a body) */
    static CallStack stack() {
        return STACKS.get();
    }

    // ---- recording ----

    /** Records a call that ends on its own thread, measuring its CPU time and allocations there. */
    private void finish(ExecutionContext c, long end, Outcome outcome, Outcome reason, Throwable reported) {
        long allocated = c.startAllocated == UNKNOWN ? UNKNOWN : difference(c.startAllocated,
                resources.allocatedBytes());
        long cpu = c.startCpu == UNKNOWN ? UNKNOWN : difference(c.startCpu, resources.cpuTime());
        commit(c.method, end - c.startNanos, cpu, allocated, c, outcome, reason, reported);
    }

    private void commit(WovenMethod m, long wall, long cpu, long allocated, ExecutionContext c, Outcome outcome,
            Outcome reason, Throwable reported) {
        commit(m, wall, cpu, allocated, c.conversation, c.countsForConversation, c.event, c.arguments, outcome,
                reason, reported, c.stack);
    }

    private void commit(AsyncCall a, long end, Outcome outcome, Outcome reason, Throwable reported) {
        try {
            commit(a.method, end - a.startNanos, a.cpu, a.allocated, a.conversation, a.countsForConversation, a.event,
                    a.eventArguments, outcome, reason, reported, STACKS.get());
        } finally {
            if (a.holdsPlace) {
                a.holdsPlace = false;
                a.method.leave();
            }
            a.dropReferences();
        }
    }

    private void commit(WovenMethod m, long wall, long cpu, long allocated, String conversation, boolean counts,
            ExecutionEvent event, Object[] arguments, Outcome outcome, Outcome reason, Throwable reported,
            CallStack stack) {
        m.aggregate.record(wall, cpu, allocated, outcome, reason);
        if (conversation != null) {
            conversations.record(conversation, counts, wall, cpu, allocated);
        }
        if (event != null) {
            commitEvent(event, m, cpu, allocated, conversation, arguments, outcome, reported, false, stack);
        }
    }

    private void commitEvent(ExecutionEvent event, WovenMethod m, long cpu, long allocated, String conversation,
            Object[] arguments, Outcome outcome, Throwable reported, boolean cacheHit, CallStack stack) {
        if (fault == FaultInjection.JFR) {
            throw new IllegalStateException("injected failure committing an event (toolwarden.debug.fail=jfr)");
        }
        event.end();
        if (!event.shouldCommit()) {
            return;
        }
        event.kind = m.kind;
        event.name = m.descriptor.name();
        event.method = m.descriptor.method();
        event.outcome = outcome.name();
        event.cacheHit = cacheHit;
        event.cpuTime = cpu == UNKNOWN ? ExecutionEvent.UNKNOWN : cpu;
        event.allocated = allocated == UNKNOWN ? ExecutionEvent.UNKNOWN : allocated;
        event.conversationId = conversation;
        if (reported != null || arguments != null) {
            // Both may run application code (getMessage, toString): not accounted, not re-entered.
            CallStack s = stack != null ? stack : STACKS.get();
            boolean wasBusy = s.busy;
            s.busy = true;
            try {
                event.error = reported == null ? null : errorText(reported);
                event.arguments = ArgumentText.of(argumentRecording, arguments);
            } finally {
                s.busy = wasBusy;
            }
        }
        event.commit();
    }

    private static long difference(long start, long end) {
        return end == UNKNOWN ? UNKNOWN : Math.max(0, end - start);
    }

    private String errorText(Throwable thrown) {
        if (argumentRecording == ArgumentRecording.FULL && thrown.getMessage() != null) {
            return thrown.getClass().getName() + ": " + thrown.getMessage();
        }
        return thrown.getClass().getName();
    }

    @Override
    public List<ToolStatistics> statistics() {
        List<ToolStatistics> out = new ArrayList<>(aggregates.size());
        for (ToolAggregate a : aggregates.values()) {
            ToolStatistics s = a.snapshot();
            if (s.calls() > 0) {
                out.add(s);
            }
        }
        out.sort(ByName.INSTANCE);
        return out;
    }

    /**
     * @param name a tool or chat handler name
     * @return its aggregates, when it has had a call
     */
    public java.util.Optional<ToolStatistics> statistics(String name) {
        ToolAggregate a = aggregates.get(name);
        return a == null ? java.util.Optional.empty() : java.util.Optional.of(a.snapshot());
    }

    /** @return the names of every woven tool and chat handler, called or not */
    public java.util.Set<String> toolNames() {
        return java.util.Collections.unmodifiableSet(aggregates.keySet());
    }

    @Override
    public int callsInFlight() {
        return Watchdog.INSTANCE.callsInFlight();
    }

    /** @return threads whose woven calls the watchdog watches */
    public int watchedThreads() {
        return Watchdog.INSTANCE.watchedThreads();
    }

    /** @return conversations currently tracked */
    public long conversationCount() {
        return conversations.size();
    }

    /**
     * The runtime's one background thread, for work that must not run on the application's threads
     * (publishing MBeans now; sampling and cache maintenance as those components arrive). Created
     * on first use; a daemon, so it never keeps the JVM alive.
     *
     * @return the scheduler
     */
    public java.util.concurrent.ScheduledExecutorService housekeeping() {
        java.util.concurrent.ScheduledExecutorService h = housekeeping;
        if (h == null) {
            synchronized (this) {
                h = housekeeping;
                if (h == null) {
                    java.util.concurrent.ScheduledThreadPoolExecutor e = new java.util.concurrent.ScheduledThreadPoolExecutor(
                            1, DaemonThreads.named("toolwarden-housekeeping", false));
                    e.setRemoveOnCancelPolicy(true);
                    housekeeping = h = e;
                }
            }
        }
        return h;
    }

    @Override
    public ConversationStatistics conversation(String conversationId) {
        return conversationId == null ? null : conversations.snapshot(conversationId);
    }

    @Override
    public long internalErrors() {
        return errors.count();
    }

    @Override
    public boolean agentAttached() {
        return agent;
    }

    @Override
    public void addAlertListener(AlertListener listener) {
        alerts.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeAlertListener(AlertListener listener) {
        alerts.remove(listener);
    }


    /** @return whether a limit passed now needs the stack: a recording takes the event, or the tool's first log line */
    boolean wantsStack(String level, WovenMethod m) {
        return Jfr.timeout() || !m.limitLogged(level);
    }

    /** Called by the watchdog, on its thread, when a running call passes its soft or hard limit. */
    void limitPassed(WovenMethod m, String level, Thread thread, long limit, long elapsed, StackTraceElement[] trace) {
        try {
            String name = m.descriptor.name();
            if (Jfr.timeout()) {
                TimeoutEvent e = new TimeoutEvent();
                e.name = name;
                e.level = level;
                e.limit = limit;
                e.elapsed = elapsed;
                e.callThread = thread;
                e.stack = stackText(trace);
                e.commit();
            }
            alerts.raise(new Alert("TOOL_TIME", level, elapsed / 1e6, limit / 1e6, name, false, Instant.now()));
            if (m.firstLimitLog(level)) {
                Log.warn(name + " passed its " + level.toLowerCase(java.util.Locale.ROOT)
                        + " limit of " + Durations.format(Duration.ofNanos(limit))
                        + (thread == null ? " (asynchronous: no thread runs it)" : " on thread " + thread.getName())
                        + where(trace) + (!"HARD".equals(level) ? "" : thread == null ? "; its stage was cancelled"
                                : "; the thread was interrupted")
                        + "; later ones are in toolwarden.Timeout events");
            }
        } catch (Throwable t) {
            errors.record("reporting a " + level.toLowerCase(java.util.Locale.ROOT) + " limit", t);
        }
    }

    /** Where a stuck call is: its top frame, and the first frame of the application's own code below it. */
    private static String where(StackTraceElement[] trace) {
        if (trace.length == 0) {
            return "";
        }
        String top = frame(trace[0]);
        for (StackTraceElement e : trace) {
            String c = e.getClassName();
            if (!(c.startsWith("java.") || c.startsWith("javax.") || c.startsWith("jdk.") || c.startsWith("sun."))) {
                return e == trace[0] ? ", in " + top : ", in " + top + " from " + frame(e);
            }
        }
        return ", in " + top;
    }

    /** A frame as people read it, without the class loader and module names of {@code toString}. */
    private static String frame(StackTraceElement e) {
        String where = e.isNativeMethod() ? "Native Method"
                : e.getFileName() == null ? "Unknown Source"
                : e.getLineNumber() >= 0 ? e.getFileName() + ":" + e.getLineNumber() : e.getFileName();
        return e.getClassName() + "." + e.getMethodName() + "(" + where + ")";
    }

    /** The stack, one {@code at} line per frame, at most 64 frames. */
    static String stackText(StackTraceElement[] trace) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(trace.length, 64);
        for (int i = 0; i < n; i++) {
            sb.append("at ").append(frame(trace[i])).append('\n');
        }
        if (trace.length > n) {
            sb.append("... ").append(trace.length - n).append(" more\n");
        }
        return sb.toString();
    }
}
