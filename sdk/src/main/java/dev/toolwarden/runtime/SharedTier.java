package dev.toolwarden.runtime;

import dev.toolwarden.bootstrap.Completion;
import dev.toolwarden.cache.CategoryCache;
import dev.toolwarden.cache.MethodKey;
import dev.toolwarden.cache.l2.KeyHash;
import dev.toolwarden.cache.l2.RedisTier;
import dev.toolwarden.cache.l2.ValueCodecs;
import dev.toolwarden.log.Log;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The woven caches' second tier: between a miss in this JVM's Caffeine tier and running the body,
 * a call asks Redis; a value its body computes is written there too (in the background), with the
 * entry's time to live as Redis's own expiry. Only categories with {@code .l2=redis} take part.
 *
 * <p>A shared entry's key is {@code toolwarden:<application>:<category>:<method>:<key hash>}, the
 * hash being {@link KeyHash}'s of the key values (user, session and conversation ids included, as
 * in one JVM), so instances of one application share entries and two applications never do.
 */
final class SharedTier implements RedisTier.Listener {

    private final ToolwardenRuntime runtime;
    private final RedisTier redis;
    private final ValueCodecs codecs;
    /**
     * Counts invalidations made here or heard from other instances: a value whose load began before
     * one is not written to Redis (it may be what was invalidated). A wider net than needed (any
     * invalidation, not only its key's), for a rare event.
     */
    private final java.util.concurrent.atomic.AtomicLong invalidations = new java.util.concurrent.atomic.AtomicLong();

    SharedTier(ToolwardenRuntime runtime, ValueCodecs codecs,
            java.util.function.Function<RedisTier.Listener, RedisTier> connect) {
        this.runtime = runtime;
        this.codecs = codecs;
        this.redis = connect.apply(this);
    }

    RedisTier redis() {
        return redis;
    }

    /**
     * For a call that is about to compute its key's entry: the value another instance stored, or
     * {@code null} after arranging that the value this call computes is stored for the others.
     *
     * @param m the method
     * @param key the call's key in this JVM
     * @param body a handle on the body, whose type names the value's class
     * @param mine the entry's future, which this call completes
     * @return a value found in Redis, or {@code null}
     */
    Object lookup(WovenMethod m, MethodKey key, MethodHandle body, CompletableFuture<Completion> mine) {
        ValueCodecs.Codec codec = codec(m, body);
        if (codec == null) {
            return null;
        }
        String shared = sharedKey(m, key.values());
        if (shared == null) {
            return null;
        }
        key.shared(shared);
        long epoch = invalidations.get();
        CategoryCache category = m.cache.category();
        Object found = read(m, category, codec, shared, true);
        if (found != null) {
            return found;
        }
        boolean locked = false;
        Duration wait = category.l2Wait();
        // An asynchronous method's caller must not block for another instance: it asks Redis once, no more.
        if (wait != null && !m.asynchronous && redis.up()) {
            // Leave the body at least half its hard limit, should the other instance's answer not come.
            long waitNanos = dev.toolwarden.Durations.limitNanos(wait);
            long bound = m.hardNanos > 0 ? Math.min(waitNanos, m.hardNanos / 2) : waitNanos;
            locked = redis.tryLock(shared, Duration.ofNanos(Math.max(bound, m.hardNanos)));
            if (!locked) {
                found = awaitOther(m, category, codec, shared, bound);
                if (found != null) {
                    return found;
                }
            }
        }
        boolean unlock = locked;
        mine.whenComplete((done, thrown) -> stored(m, codec, shared, done, thrown, unlock, epoch));
        return null;
    }

    /** Reads and decodes a key; {@code count}: whether the look-up is counted (a wait's polls are counted once, at its end). */
    private Object read(WovenMethod m, CategoryCache category, ValueCodecs.Codec codec, String shared, boolean count) {
        byte[] bytes = redis.get(shared);
        if (bytes == RedisTier.UNAVAILABLE) {
            category.l2Unavailable();
            return null;
        }
        if (bytes == null) {
            if (count) {
                category.l2Miss();
            }
            return null;
        }
        try {
            Object value = codec.read(bytes);
            if (value != null) {
                category.l2Hit();
                return value;
            }
        } catch (Exception | LinkageError e) {
            Log.warnOnce("l2-decode:" + m.descriptor.method(), "a value in Redis for " + m.descriptor.method()
                    + " did not decode as " + codec.describe() + " (" + e.getMessage() + "); treated as a miss"
                    + " (counted as l2DecodeFailures; later ones are not logged)");
        }
        category.l2DecodeFailure();
        return null;
    }

    /**
     * Another instance is computing the key: polls for its value until {@code boundNanos}, or until
     * it stops. A value found is a hit; the look-up was counted as a miss already.
     */
    private Object awaitOther(WovenMethod m, CategoryCache category, ValueCodecs.Codec codec, String shared,
            long boundNanos) {
        long deadline = System.nanoTime() + boundNanos;
        long pause = 5;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(pause, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the application's: kept, and the call runs its body
                return null;
            }
            pause = Math.min(50, pause * 2);
            if (deadline - System.nanoTime() <= 0) {
                return null;
            }
            boolean stillComputing = redis.computing(shared);
            Object found = read(m, category, codec, shared, false);
            if (found != null || !stillComputing || !redis.up()) {
                return found; // its answer, or it ended without one (or Redis went away): this call runs the body
            }
        }
    }

    /** The entry this JVM computed is done: its value goes to Redis, and the right to compute it is given back. */
    private void stored(WovenMethod m, ValueCodecs.Codec codec, String shared, Completion done, Throwable thrown,
            boolean locked, long epoch) {
        try {
            if (thrown == null && done != null && done.value != null && invalidations.get() == epoch) {
                byte[] bytes;
                try {
                    bytes = codec.write(done.value);
                } catch (Exception | LinkageError e) {
                    Log.warnOnce("l2-encode:" + m.descriptor.method(), "a result of " + m.descriptor.method()
                            + " could not be written as " + codec.describe() + " (" + e.getMessage()
                            + "); it is cached in this JVM only");
                    bytes = null;
                }
                if (bytes != null) {
                    // Checked again when the write's turn comes: an invalidation since is queued after it.
                    redis.set(shared, bytes, Duration.ofNanos(m.cacheTtlNanos), new Unchanged(invalidations, epoch));
                }
            }
            if (locked) {
                redis.unlock(shared);
            }
        } catch (Throwable t) {
            runtime.errors().record("writing to the shared cache", t);
        }
    }

    /** The method's codec, resolved at its first shared look-up (again after a codec is registered). */
    private ValueCodecs.Codec codec(WovenMethod m, MethodHandle body) {
        int version = codecs.version();
        Object state = m.sharedCodec;
        if (state != null && m.sharedCodecVersion == version) {
            return state instanceof ValueCodecs.Codec ? (ValueCodecs.Codec) state : null;
        }
        ValueCodecs.Codec codec = null;
        String typeName = m.descriptor.valueType();
        if (typeName != null) {
            codec = codecs.forType(typeName, valueClass(m, body), m.descriptor.valueTypeExact());
        }
        if (codec == null) {
            Log.warnOnce("l2-codec:" + m.descriptor.method(), "results of " + m.descriptor.method()
                    + (typeName == null ? " have no declared type" : " (" + typeName + ")")
                    + " have no codec: they are cached in this JVM only, not in Redis (register a dev.toolwarden.ValueCodec"
                    + " for the type, or give the application Jackson or Gson for a concrete, non-generic type)");
        }
        m.sharedCodecVersion = version;
        m.sharedCodec = codec == null ? Boolean.FALSE : codec;
        return codec;
    }

    private static Class<?> valueClass(WovenMethod m, MethodHandle body) {
        if (body == null) {
            return null;
        }
        if (!m.asynchronous) {
            return body.type().returnType();
        }
        // A stage's value type is known by name only: load it where the method's class lives.
        if (body.type().parameterCount() == 0) {
            return null;
        }
        ClassLoader loader = body.type().parameterType(0).getClassLoader();
        try {
            return Class.forName(m.descriptor.valueType(), false, loader);
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** The shared key of a method's entry, or {@code null} when a key value has no form common to every JVM. */
    String sharedKey(WovenMethod m, Object[] keyValues) {
        String hash = KeyHash.of(keyValues, codecs);
        if (hash == null) {
            for (Object v : keyValues) {
                String why = KeyHash.unstable(v, codecs);
                if (why != null) {
                    Log.warnOnce("l2-key:" + m.descriptor.method(), "calls of " + m.descriptor.method()
                            + " are cached in this JVM only: " + why + " (register a dev.toolwarden.ValueCodec for it)");
                    break;
                }
            }
            return null;
        }
        return prefix(m) + hash;
    }

    /** Whether no invalidation was made or heard since a load began (a class, not a lambda: see README, "Start-up"). */
    private static final class Unchanged implements java.util.function.BooleanSupplier {
        private final java.util.concurrent.atomic.AtomicLong invalidations;
        private final long epoch;

        Unchanged(java.util.concurrent.atomic.AtomicLong invalidations, long epoch) {
            this.invalidations = invalidations;
            this.epoch = epoch;
        }

        @Override
        public boolean getAsBoolean() {
            return invalidations.get() == epoch;
        }
    }

    String prefix(WovenMethod m) {
        String p = m.sharedPrefix;
        if (p == null) {
            m.sharedPrefix = p = redis.namespace() + m.cache.category().name() + ":" + m.descriptor.method() + ":";
        }
        return p;
    }

    // ---- invalidation: this instance's requests go to Redis and the others ----

    void invalidateKey(WovenMethod m, Object[] keyValues) {
        invalidations.incrementAndGet();
        if (m.cache.category().l2()) {
            String k = sharedKey(m, keyValues);
            if (k != null) {
                redis.invalidateKey(k);
            }
        }
    }

    void invalidateTool(WovenMethod m) {
        invalidations.incrementAndGet();
        redis.invalidatePrefix(m.cache.category().l2() ? prefix(m) : null, "tool", m.descriptor.name());
    }

    void invalidateCategory(String category) {
        invalidations.incrementAndGet();
        if (category == null) {
            redis.invalidatePrefix(redis.namespace(), "all", null);
        } else {
            dev.toolwarden.config.CacheCategorySettings c = runtime.configuration().cacheCategories().get(category);
            redis.invalidatePrefix(c != null && c.l2() ? redis.namespace() + category + ":" : null, "category", category);
        }
    }

    // ---- and the others' requests, applied here ----

    @Override
    public void key(String key) {
        invalidations.incrementAndGet();
        for (WovenMethod m : runtime.wovenMethods()) {
            if (m.cache != null && m.cache.category().l2() && key.startsWith(prefix(m))) {
                m.cache.invalidateIf(k -> k instanceof MethodKey && key.equals(((MethodKey) k).shared()));
            }
        }
    }

    @Override
    public void tool(String tool) {
        invalidations.incrementAndGet();
        runtime.invalidateLocally(tool);
    }

    @Override
    public void category(String category) {
        invalidations.incrementAndGet();
        runtime.invalidateCategoryLocally(category);
    }

    @Override
    public void missedMessages() {
        invalidations.incrementAndGet();
        int dropped = 0;
        for (WovenMethod m : runtime.wovenMethods()) {
            if (m.cache != null && m.cache.category().l2()) {
                m.cache.invalidateIf(k -> k instanceof MethodKey && ((MethodKey) k).shared() != null);
                dropped++;
            }
        }
        if (dropped > 0) {
            Log.info("the invalidation channel on Redis " + redis.describe() + " was lost for a while: this JVM's"
                    + " copies of shared entries were dropped (other instances' invalidations may have been missed)");
        }
    }
}
