package dev.toolwarden.accounting;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolwarden.ConversationStatistics;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * Resources per conversation id. Conversations idle for {@code toolwarden.conversation.idle} are
 * dropped by Caffeine's own maintenance, so a service that sees millions of conversations keeps
 * only the live ones.
 */
public final class ConversationAccounting {

    /** The most conversations tracked at once; past it the least recently used are dropped. */
    static final long MAX_CONVERSATIONS = 100_000;

    private final Cache<String, Totals> conversations;

    /** @param idle how long a conversation is kept after its last call */
    public ConversationAccounting(Duration idle) {
        this.conversations = Caffeine.newBuilder()
                .expireAfterAccess(idle)
                .maximumSize(MAX_CONVERSATIONS)
                // Maintenance runs on the calling threads, never on the application's common pool.
                .executor(Runnable::run)
                .build();
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
        Totals t = conversations.getIfPresent(conversationId);
        if (t == null) {
            t = conversations.get(conversationId, id -> new Totals());
        }
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
        Totals t = conversations.policy().getIfPresentQuietly(conversationId);
        if (t == null) {
            return null;
        }
        return new ConversationStatistics(conversationId, t.calls.sum(), Duration.ofNanos(t.wall.sum()),
                Duration.ofNanos(t.cpu.sum()), t.allocated.sum(), Instant.ofEpochMilli(t.lastActivityMillis));
    }

    /** @return conversations currently tracked */
    public long size() {
        return conversations.estimatedSize();
    }

    private static final class Totals {
        final LongAdder calls = new LongAdder();
        final LongAdder wall = new LongAdder();
        final LongAdder cpu = new LongAdder();
        final LongAdder allocated = new LongAdder();
        volatile long lastActivityMillis;
    }
}
