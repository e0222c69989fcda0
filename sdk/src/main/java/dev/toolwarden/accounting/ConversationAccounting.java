package dev.toolwarden.accounting;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolwarden.ConversationStatistics;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * Resources per conversation id: calls, wall and CPU time, allocations, and the memory its context
 * holds, with a soft and a hard limit on that memory. Conversations idle for
 * {@code toolwarden.conversation.idle} are dropped by Caffeine's own maintenance, and at most
 * {@code toolwarden.conversation.max} are kept (past it, Caffeine's size policy drops the ones least
 * likely to be used again, which favours frequently active conversations over merely recent ones;
 * dropping one early is logged), so a service that sees millions of conversations keeps only the live ones.
 */
public final class ConversationAccounting {

    /** The default bound on conversations tracked at once. */
    static final long MAX_CONVERSATIONS = 100_000;

    /** Made at the first conversation: an application without conversations never loads Caffeine for it. */
    private volatile Cache<String, Totals> conversations;
    private final Duration idle;
    private final long max;
    private final long softBytes;
    private final long hardBytes;
    private final java.util.function.Consumer<dev.toolwarden.Alert> alerts;
    /** Conversations over their hard memory limit: their calls are refused. Empty almost always. */
    private final java.util.Set<String> overHard = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.LongAdder droppedEarly = new java.util.concurrent.atomic.LongAdder();

    /** @param idle how long a conversation is kept after its last call */
    public ConversationAccounting(Duration idle) {
        this(idle, MAX_CONVERSATIONS, Long.MAX_VALUE, Long.MAX_VALUE, a -> { });
    }

    /**
     * @param idle how long a conversation is kept after its last call
     * @param max the most conversations tracked at once
     * @param softBytes the soft limit on one conversation's memory
     * @param hardBytes the hard limit: past it the conversation's calls are refused
     * @param alerts receives the memory alerts
     */
    public ConversationAccounting(Duration idle, long max, long softBytes, long hardBytes,
            java.util.function.Consumer<dev.toolwarden.Alert> alerts) {
        this.softBytes = softBytes;
        this.hardBytes = hardBytes;
        this.alerts = alerts;
        this.idle = idle;
        this.max = max;
    }

    private Cache<String, Totals> conversations() {
        Cache<String, Totals> c = conversations;
        if (c == null) {
            synchronized (this) {
                c = conversations;
                if (c == null) {
                    c = newCache();
                    conversations = c;
                }
            }
        }
        return c;
    }

    /** @return the conversations tracked now; empty before the first */
    private java.util.Collection<Totals> tracked() {
        Cache<String, Totals> c = conversations;
        return c == null ? java.util.List.of() : c.asMap().values();
    }

    /** @return a conversation's totals, or {@code null}, without counting as activity */
    private Totals quietly(String conversationId) {
        Cache<String, Totals> c = conversations;
        return c == null ? null : c.policy().getIfPresentQuietly(conversationId);
    }

    private Cache<String, Totals> newCache() {
        return Caffeine.newBuilder()
                .expireAfterAccess(idle)
                .maximumSize(max)
                // Maintenance runs on the calling threads, never on the application's common pool.
                .executor(Runnable::run)
                .removalListener((String id, Totals t, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (t != null) {
                        // Under the limit's lock, as check() decides: a conversation dropped (idle, or past the
                        // bound) is not left refused, and its alerts are cleared, not left raised for ever.
                        synchronized (t.limit) {
                            t.limit.update(0, java.time.Instant.now(), alerts);
                            overHard.remove(t.id);
                        }
                    } else if (id != null) {
                        overHard.remove(id);
                    }
                    if (cause == com.github.benmanes.caffeine.cache.RemovalCause.SIZE) {
                        droppedEarly.increment();
                        dev.toolwarden.log.Log.warnOnce("conversations-dropped", "more than " + max
                                + " conversations at once: some are dropped before they are idle "
                                + "(toolwarden.conversation.max); later drops are counted, not logged");
                    }
                })
                .build();
    }

    private Totals totals(String conversationId) {
        Cache<String, Totals> c = conversations();
        Totals t = c.getIfPresent(conversationId);
        if (t == null) {
            t = c.get(conversationId, id -> new Totals(id, softBytes, hardBytes));
        }
        return t;
    }

    /**
     * Adds to (or, negative, takes from) the memory a conversation's context holds.
     *
     * @param conversationId the conversation
     * @param bytes the change in bytes
     */
    public void addMemory(String conversationId, long bytes) {
        Totals t = totals(conversationId);
        long now = t.memory.addAndGet(bytes);
        if (now < 0) {
            t.memory.compareAndSet(now, 0);
        }
        check(t);
    }

    /**
     * Sets the memory a conversation's context holds, as the application measured it.
     *
     * @param conversationId the conversation
     * @param bytes its size in bytes
     */
    public void setMemory(String conversationId, long bytes) {
        Totals t = totals(conversationId);
        t.memory.set(Math.max(0, bytes));
        check(t);
    }

    private void check(Totals t) {
        synchronized (t.limit) {
            // Read here, not before the lock: two updates racing must not leave the older amount judged last.
            t.limit.update(t.memory.get(), java.time.Instant.now(), alerts);
            // Only while the conversation is still tracked: one dropped meanwhile must not stay refused.
            if (t.limit.hard() && conversations().asMap().get(t.id) == t) {
                overHard.add(t.id);
            } else {
                overHard.remove(t.id);
            }
        }
    }

    /**
     * @param conversationId a conversation, or {@code null}
     * @return whether it is over its hard memory limit, so that its calls are refused
     */
    public boolean overHardLimit(String conversationId) {
        if (conversationId == null || overHard.isEmpty() || !overHard.contains(conversationId)) {
            return false;
        }
        // A refused call is activity too: a conversation kept over its limit by its refusals is not dropped as
        // idle (which would forget its size and lift the refusal).
        Cache<String, Totals> c = conversations;
        if (c != null) {
            c.getIfPresent(conversationId);
        }
        return true;
    }

    /**
     * Forgets a conversation: its memory, its limits and its totals.
     *
     * @param conversationId the conversation
     */
    public void clear(String conversationId) {
        Totals t = quietly(conversationId);
        if (t != null) {
            setMemory(conversationId, 0);
            conversations().invalidate(conversationId);
        }
        overHard.remove(conversationId);
    }

    /** @return the memory alerts that hold now */
    public java.util.List<dev.toolwarden.Alert> activeAlerts() {
        java.util.List<dev.toolwarden.Alert> out = new java.util.ArrayList<>();
        java.time.Instant now = java.time.Instant.now();
        for (Totals t : tracked()) {
            if (t.limit.soft() || t.limit.hard()) {
                out.addAll(t.limit.active(now));
            }
        }
        return out;
    }

    /**
     * @param max the most to return
     * @return the conversations holding the most memory, largest first, as {id, bytes}
     */
    public java.util.List<java.util.Map.Entry<String, Long>> largest(int max) {
        return tracked().stream().filter(t -> t.memory.get() > 0)
                .sorted((a, b) -> Long.compare(b.memory.get(), a.memory.get())).limit(max)
                .map(t -> java.util.Map.entry(t.id, t.memory.get())).toList();
    }

    /** @return conversations dropped before they were idle, because there were too many */
    public long droppedEarly() {
        return droppedEarly.sum();
    }

    /** Runs pending expiry now (and lets the removal listener see idle conversations go). */
    public void cleanUp() {
        Cache<String, Totals> c = conversations;
        if (c != null) {
            c.cleanUp();
        }
    }

    /**
     * Adds one ended call to its conversation.
     *
     * @param conversationId the conversation
     * @param outermost whether the call's resources count (it is not nested in a call of the same conversation)
     * @param wallNanos its duration
     * @param cpu its CPU time, or {@link ThreadResources#UNKNOWN}
     * @param allocated its allocations, or {@link ThreadResources#UNKNOWN}
     */
    public void record(String conversationId, boolean outermost, long wallNanos, long cpu, long allocated) {
        Totals t = totals(conversationId);
        t.calls.increment();
        if (outermost) {
            t.wall.add(wallNanos);
            if (cpu > 0) {
                t.cpu.add(cpu);
            }
            if (allocated > 0) {
                t.allocated.add(allocated);
            }
        }
        t.lastActivityMillis = System.currentTimeMillis();
    }

    /**
     * @param conversationId a conversation id
     * @return its snapshot, or {@code null} when unknown
     */
    public ConversationStatistics snapshot(String conversationId) {
        // Reading statistics is not activity: it must not keep an idle conversation alive.
        Totals t = quietly(conversationId);
        if (t == null) {
            return null;
        }
        return new ConversationStatistics(conversationId, t.calls.sum(), Duration.ofNanos(t.wall.sum()),
                Duration.ofNanos(t.cpu.sum()), t.allocated.sum(), Instant.ofEpochMilli(t.lastActivityMillis),
                t.memory.get());
    }

    /** @return conversations currently tracked */
    public long size() {
        Cache<String, Totals> c = conversations;
        return c == null ? 0 : c.estimatedSize();
    }

    private static final class Totals {
        final String id;
        final java.util.concurrent.atomic.AtomicLong memory = new java.util.concurrent.atomic.AtomicLong();
        final dev.toolwarden.monitor.Limit limit;
        final LongAdder calls = new LongAdder();
        final LongAdder wall = new LongAdder();
        final LongAdder cpu = new LongAdder();
        final LongAdder allocated = new LongAdder();
        volatile long lastActivityMillis = System.currentTimeMillis();

        Totals(String id, long softBytes, long hardBytes) {
            this.id = id;
            this.limit = new dev.toolwarden.monitor.Limit("CONVERSATION_MEMORY", id, softBytes, hardBytes);
        }
    }
}
