package dev.toolwarden.runtime;

import dev.toolwarden.Alert;
import dev.toolwarden.AlertListener;
import dev.toolwarden.ConversationStatistics;
import dev.toolwarden.Durations;
import dev.toolwarden.Outcome;
import dev.toolwarden.ToolTimeoutException;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.accounting.ConversationAccounting;
import dev.toolwarden.accounting.ThreadResources;
import dev.toolwarden.accounting.ToolAggregate;
import dev.toolwarden.bootstrap.RuntimeBridge;
import dev.toolwarden.config.ArgumentRecording;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.config.FaultInjection;
import dev.toolwarden.config.Keys;
import dev.toolwarden.events.ArgumentText;
import dev.toolwarden.events.ExecutionEvent;
import dev.toolwarden.events.TimeoutEvent;
import dev.toolwarden.log.Log;
import java.time.Duration;
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
    // Asked on every call whether the Execution event is enabled: an uninstrumented event class (no
    // recording running) answers false without allocating anything.
    private static final ExecutionEvent PROBE = new ExecutionEvent();
    private static final ThreadLocal<CallStack> STACKS = ThreadLocal.withInitial(() -> {
        CallStack stack = new CallStack();
        Watchdog.INSTANCE.register(stack);
        return stack;
    });

    private final boolean agent;
    private final Configuration configuration;
    private final MethodRegistry methods = new MethodRegistry();
    private final ConcurrentMap<String, ToolAggregate> aggregates = new ConcurrentHashMap<>();
    private final ConversationAccounting conversations;
    private final ThreadResources resources;
    private final InternalErrors errors = new InternalErrors();
    private final Alerts alerts = new Alerts(errors);
    private final ArgumentRecording argumentRecording;
    private final FaultInjection fault;
    private final int cpuSampleEvery;
    private volatile java.util.concurrent.ScheduledExecutorService housekeeping;

    /**
     * @param configuration the settings
     * @param agent whether the agent created this runtime
     */
    public ToolwardenRuntime(Configuration configuration, boolean agent) {
        this.agent = agent;
        this.configuration = configuration;
        this.cpuSampleEvery = configuration.get(Keys.ACCOUNTING_CPU).sampleEvery();
        this.resources = new ThreadResources(cpuSampleEvery > 0);
        this.conversations = new ConversationAccounting(configuration.get(Keys.CONVERSATION_IDLE));
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
        return methods.idOf(descriptor, d -> new WovenMethod(this, d, aggregates.computeIfAbsent(d.name(),
                n -> new ToolAggregate(n, d.kind())), cpuSampleEvery));
    }

    @Override
    public Object enter(int method, Object conversation, Object[] arguments) {
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
            // Inside Toolwarden's own work (an argument's toString, say), woven calls are not accounted:
            // they are Toolwarden's doing, not the application's, and must not recurse into it.
            if (stack.busy || stack.isFull()) {
                return null;
            }
            ExecutionContext parent = stack.current();
            String parentConversation = parent == null ? null : parent.conversation;
            String conv = conversation == null ? parentConversation : conversationId(stack, conversation);
            // A call's resources count for its conversation unless an open call of the same conversation
            // already includes them (the parent, or an ancestor when a nested call switched conversations).
            boolean counts = conv != null && !conv.equals(parentConversation) && !stack.hasConversation(conv);
            ExecutionEvent event = null;
            if (PROBE.isEnabled()) {
                event = new ExecutionEvent();
                event.begin();
            }
            c = stack.push();
            c.method = m;
            c.conversation = conv;
            c.countsForConversation = counts;
            c.event = event;
            c.arguments = arguments;
            c.startAllocated = resources.allocatedBytes();
            c.startCpu = m.measureCpu() ? resources.cpuTime() : UNKNOWN;
            c.startNanos = System.nanoTime();
            c.arm(stack.nextSequence());
            return c;
        } catch (Throwable t) {
            if (c != null) {
                // Never leave a half-entered frame behind: the next call on this thread would take it for its parent.
                c.release();
            }
            if (stack != null) {
                stack.busy = false;
            }
            errors.record("accounting on entry", t);
            return null;
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
            WovenMethod m = c.method;
            if (ended != ExecutionContext.RUNNING) {
                if (ended == ExecutionContext.INTERRUPTED) {
                    // The watchdog's interrupt must not leak into the caller's later work.
                    Thread.interrupted();
                }
                ToolTimeoutException timeout = new ToolTimeoutException(m.descriptor.name(),
                        Duration.ofNanos(m.hardNanos), Duration.ofNanos(end - c.startNanos));
                if (thrown != null) {
                    timeout.initCause(thrown);
                }
                replacement = timeout;
            }
            long allocated = c.startAllocated == UNKNOWN ? UNKNOWN : difference(c.startAllocated,
                    resources.allocatedBytes());
            long cpu = c.startCpu == UNKNOWN ? UNKNOWN : difference(c.startCpu, resources.cpuTime());
            if (fault == FaultInjection.EXIT) {
                throw new IllegalStateException("injected failure on exit (toolwarden.debug.fail=exit)");
            }
            long wall = end - c.startNanos;
            Outcome outcome = replacement != null ? Outcome.TIMEOUT : thrown != null ? Outcome.ERROR : Outcome.SUCCESS;
            m.aggregate.record(wall, cpu, allocated, outcome);
            if (c.conversation != null) {
                conversations.record(c.conversation, c.countsForConversation, wall, cpu, allocated);
            }
            ExecutionEvent event = c.event;
            if (event != null) {
                event.end();
                if (event.shouldCommit()) {
                    Throwable reported = replacement != null ? replacement : thrown;
                    event.kind = m.kind;
                    event.name = m.descriptor.name();
                    event.method = m.descriptor.method();
                    event.outcome = outcome.name();
                    event.cpuTime = cpu == UNKNOWN ? ExecutionEvent.UNKNOWN : cpu;
                    event.allocated = allocated == UNKNOWN ? ExecutionEvent.UNKNOWN : allocated;
                    event.conversationId = c.conversation;
                    if (reported != null || c.arguments != null) {
                        // Both may run application code (getMessage, toString): not accounted, not re-entered.
                        c.stack.busy = true;
                        try {
                            event.error = reported == null ? null : errorText(reported);
                            event.arguments = ArgumentText.of(argumentRecording, c.arguments);
                        } finally {
                            c.stack.busy = false;
                        }
                    }
                    event.commit();
                }
            }
        } catch (Throwable t) {
            errors.record("accounting on exit", t);
        } finally {
            c.release();
        }
        return replacement;
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
        out.sort((a, b) -> a.name().compareTo(b.name()));
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
                            1, r -> {
                                Thread t = new Thread(r, "toolwarden-housekeeping");
                                t.setDaemon(true);
                                // Never the creating thread's loader (a web application's, say): it would stay pinned.
                                t.setContextClassLoader(ToolwardenRuntime.class.getClassLoader());
                                return t;
                            });
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

    private static final TimeoutEvent TIMEOUT_PROBE = new TimeoutEvent();
    private final java.util.Set<String> limitsLogged = ConcurrentHashMap.newKeySet();

    /** @return whether a limit passed now needs the stack: a recording takes the event, or the tool's first log line */
    boolean wantsStack(String level, WovenMethod m) {
        return TIMEOUT_PROBE.isEnabled() || !limitsLogged.contains(level + ":" + m.descriptor.name());
    }

    /** Called by the watchdog, on its thread, when a running call passes its soft or hard limit. */
    void limitPassed(WovenMethod m, String level, Thread thread, long limit, long elapsed, StackTraceElement[] trace) {
        try {
            String name = m.descriptor.name();
            TimeoutEvent e = new TimeoutEvent();
            if (e.isEnabled()) {
                e.name = name;
                e.level = level;
                e.limit = limit;
                e.elapsed = elapsed;
                e.callThread = thread;
                e.stack = stackText(trace);
                e.commit();
            }
            alerts.raise(new Alert("TOOL_TIME", level, elapsed / 1e6, limit / 1e6, name, false, Instant.now()));
            if (limitsLogged.add(level + ":" + name)) {
                Log.warn(name + " passed its " + level.toLowerCase(java.util.Locale.ROOT)
                        + " limit of " + Durations.format(Duration.ofNanos(limit)) + " on thread " + thread.getName()
                        + where(trace) + ("HARD".equals(level) ? "; the thread was interrupted" : "")
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
