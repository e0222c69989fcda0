package dev.toolwarden.cache.l2;

import dev.toolwarden.Alert;
import dev.toolwarden.log.Log;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The shared second-level cache: a Redis server that every instance of an application reads and
 * writes (Jedis: a small blocking client, which suits a look-up the caller waits for anyway, and
 * starts no event-loop threads in the host application).
 *
 * <p>It never makes a call fail or hang: every operation has the short {@code toolwarden.redis.timeout};
 * a connection failure marks the tier down (one log line, a {@code CACHE_L2} alert) and from then on
 * look-ups return at once as unavailable, writes are dropped, and invalidations are kept to be
 * replayed, until the writer thread's probe finds Redis again (a second line, the alert cleared).
 * Writes go through one thread ({@code toolwarden-redis}), so a call that computed a value does not
 * wait for Redis to take it.
 *
 * <p>Invalidations reach the other instances by pub/sub on one channel per application; a
 * subscription that was lost (so messages may have been missed) makes each instance drop its own
 * copies of shared entries when it is back.
 */
public final class RedisTier implements AutoCloseable {

    /** What {@link #get} returns when Redis could not be asked. */
    public static final byte[] UNAVAILABLE = new byte[0];

    private static final int PENDING_INVALIDATIONS = 1000;

    /** What another instance's message asks of this one. */
    public interface Listener {
        /** @param key a shared entry's key whose local copies are to be dropped */
        void key(String key);

        /** @param tool a tool whose entries are to be dropped */
        void tool(String tool);

        /** @param category a category whose entries are to be dropped, or {@code null} for all */
        void category(String category);

        /** The subscription was lost for a while: drop every local copy of a shared entry. */
        void missedMessages();
    }

    private final String described;
    private final String namespace;
    private final String channel;
    private final String instance = UUID.randomUUID().toString();
    private final HostAndPort address;
    private final JedisClientConfig subscriberConfig;
    private final JedisPool pool;
    private final long retryNanos;
    private final Consumer<Alert> alerts;
    private final Listener listener;
    private final BlockingQueue<Runnable> writes = new ArrayBlockingQueue<>(10_000);
    private final List<String[]> pendingInvalidations = new ArrayList<>();
    private boolean pendingOverflow;
    private final Thread writer;
    private final Thread subscriber;
    private volatile JedisPubSub subscription;
    private volatile boolean closed;
    private volatile boolean down;
    private volatile boolean subscribed;
    /**
     * Whether messages may have been missed: a subscription was lost, or the tier was down (a JVM
     * that started while Redis was down has local copies of shared keys and heard nothing).
     */
    private volatile boolean lost;
    /**
     * Redis answers but refuses the subscription (an ACL user without the channel's permissions, a
     * proxy without pub/sub, credentials not set up yet): the tier stays down, whatever a PING says,
     * until a subscription is accepted, since without it other instances' invalidations never arrive.
     */
    private volatile boolean subscribeRefused;
    private volatile long nextProbe;

    final LongAdder failures = new LongAdder();
    final LongAdder droppedWrites = new LongAdder();
    final LongAdder written = new LongAdder();

    /**
     * Connects lazily: nothing here waits for Redis, and a Redis that is down at start-up is a
     * tier that starts down.
     *
     * @param url {@code redis://[user:password@]host:port[/database]} or {@code rediss://...}
     * @param application the application's name, which namespaces every key and the channel
     * @param timeout the bound on every operation
     * @param retry how often a tier that is down tries Redis again
     * @param alerts receives the tier's {@code CACHE_L2} alerts
     * @param listener receives other instances' invalidations
     */
    public RedisTier(String url, String application, Duration timeout, Duration retry, Consumer<Alert> alerts,
            Listener listener) {
        URI uri = URI.create(url);
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not a Redis URL (redis://host:port[/database])");
        }
        this.address = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        this.described = uri.getScheme() + "://" + address + (uri.getPath() == null ? "" : uri.getPath());
        this.namespace = "toolwarden:" + application + ":";
        this.channel = namespace + "invalidations";
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, dev.toolwarden.Durations.limitNanos(timeout) / 1_000_000));
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis).clientName("toolwarden").ssl("rediss".equals(uri.getScheme()));
        String info = uri.getUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                b.password(info);
            } else {
                if (colon > 0) {
                    b.user(info.substring(0, colon));
                }
                b.password(info.substring(colon + 1));
            }
        }
        if (uri.getPath() != null && uri.getPath().length() > 1) {
            b.database(Integer.parseInt(uri.getPath().substring(1)));
        }
        JedisClientConfig config = b.build();
        // The subscriber waits for messages: a read timeout of its own, renewed by a ping from the writer.
        this.subscriberConfig = DefaultJedisClientConfig.builder().from(config).socketTimeoutMillis(30_000).build();
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(32);
        poolConfig.setMaxIdle(8);
        poolConfig.setMinIdle(0);
        poolConfig.setMaxWait(Duration.ofMillis(millis));
        poolConfig.setJmxEnabled(false);
        poolConfig.setTestOnBorrow(false);
        this.pool = new JedisPool(poolConfig, address, config);
        this.retryNanos = dev.toolwarden.Durations.limitNanos(retry);
        this.alerts = alerts;
        this.listener = listener;
        this.writer = dev.toolwarden.runtime.DaemonThreads.named("toolwarden-redis", false).newThread(this::writeLoop);
        this.subscriber = dev.toolwarden.runtime.DaemonThreads.named("toolwarden-redis-subscriber", false)
                .newThread(this::subscribeLoop);
        writer.start();
        subscriber.start();
    }

    /** @return the server, as messages name it (no credentials) */
    public String describe() {
        return described;
    }

    /** @return whether the tier is usable now */
    public boolean up() {
        return !down;
    }

    /** @return the prefix of every key of this application */
    public String namespace() {
        return namespace;
    }

    /** @return operations that failed (connection lost, timed out) since start-up */
    public long failures() {
        return failures.sum();
    }

    /** @return values written, and values not written because Redis was down or the queue full */
    public long[] writes() {
        return new long[] {written.sum(), droppedWrites.sum()};
    }

    /**
     * Reads a key on the caller's thread, within the timeout.
     *
     * @param key a full key
     * @return its bytes, {@code null} when there is none, or {@link #UNAVAILABLE}
     */
    public byte[] get(String key) {
        if (down) {
            return UNAVAILABLE;
        }
        try (Jedis j = pool.getResource()) {
            return j.get(key.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            failed(e);
            return UNAVAILABLE;
        }
    }

    /**
     * Takes the right to compute a key for the fleet, for at most {@code ttl}.
     *
     * @param key the key being computed
     * @param ttl how long the right lasts if its holder never gives it back
     * @return whether this instance holds it (also when Redis cannot say: then nobody waits)
     */
    public boolean tryLock(String key, Duration ttl) {
        if (down) {
            return true;
        }
        try (Jedis j = pool.getResource()) {
            return "OK".equals(j.set(key + ":computing", instance, SetParams.setParams().nx().px(Math.max(1, ttl.toMillis()))));
        } catch (RuntimeException e) {
            failed(e);
            return true;
        }
    }

    /**
     * @param key a key whose computation is in question
     * @return whether some instance is computing it now (false when Redis cannot say)
     */
    public boolean computing(String key) {
        if (down) {
            return false;
        }
        try (Jedis j = pool.getResource()) {
            return j.exists(key + ":computing");
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    /** @param key a key this instance computed (or failed to): the right to compute it is given back, after the value's write */
    public void unlock(String key) {
        enqueue(j -> j.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
                List.of(key + ":computing"), List.of(instance)));
    }

    /**
     * Writes a value in the background, expiring with Redis's own clock.
     *
     * @param key a full key
     * @param value its bytes
     * @param ttl its time to live
     */
    public void set(String key, byte[] value, Duration ttl) {
        set(key, value, ttl, null);
    }

    /**
     * Writes a value in the background, unless it is no longer valid when its turn comes: an
     * invalidation made meanwhile is queued after the write, and the write must not outlive it.
     *
     * @param key a full key
     * @param value its bytes
     * @param ttl its time to live
     * @param stillValid asked on the writer thread right before the write, or {@code null}
     */
    public void set(String key, byte[] value, Duration ttl, java.util.function.BooleanSupplier stillValid) {
        if (down) {
            droppedWrites.increment();
            return;
        }
        long ms = Math.max(1, ttl.toMillis());
        if (!enqueue(j -> {
            if (stillValid != null && !stillValid.getAsBoolean()) {
                droppedWrites.increment();
                return;
            }
            j.set(key.getBytes(StandardCharsets.UTF_8), value, SetParams.setParams().px(ms));
            written.increment();
        })) {
            droppedWrites.increment();
        }
    }

    /**
     * Removes one key everywhere: from Redis, and from every instance's own tier.
     *
     * @param key a full key
     */
    public void invalidateKey(String key) {
        invalidate(new String[] {"key", key});
    }

    /**
     * Removes every key under a prefix from Redis, and tells the other instances.
     *
     * @param prefix a key prefix of this application's ({@link #namespace()} and more), or {@code null}
     *     when nothing of it is in Redis (the message alone goes out)
     * @param kind "tool", "category" or "all"
     * @param name the tool or category ({@code null} for all)
     */
    public void invalidatePrefix(String prefix, String kind, String name) {
        invalidate(new String[] {kind, name == null ? "" : name, prefix});
    }

    private void invalidate(String[] what) {
        Runnable r = () -> {
            try (Jedis j = pool.getResource()) {
                apply(j, what);
            } catch (RuntimeException e) {
                keep(what); // replayed when Redis is back
                throw e;
            }
        };
        if (!keptWhileDown(what) && !writes.offer(r)) {
            keep(what);
        }
    }

    /** Keeps an invalidation for the replay if the tier is down, under the lock {@link #recovered} ends the outage under. */
    private synchronized boolean keptWhileDown(String[] what) {
        if (!down) {
            return false;
        }
        keep(what);
        return true;
    }

    private synchronized void keep(String[] what) {
        if (pendingInvalidations.size() < PENDING_INVALIDATIONS) {
            pendingInvalidations.add(what);
        } else {
            pendingOverflow = true;
        }
    }

    private void apply(Jedis j, String[] what) {
        if (what[0].equals("key")) {
            j.unlink(what[1]);
        } else if (what[2] != null) {
            unlinkAll(j, what[2]);
        } // else: a category without a Redis tier: only the other instances' own copies are to go
        j.publish(channel, instance + " " + what[0] + " " + what[1]);
    }

    private static void unlinkAll(Jedis j, String prefix) {
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(escape(prefix) + "*").count(500);
        do {
            ScanResult<String> page = j.scan(cursor, match);
            if (!page.getResult().isEmpty()) {
                j.unlink(page.getResult().toArray(new String[0]));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    /** Glob characters in a prefix (a method's "(String)" has none, but a name may). */
    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** One operation for the writer thread. */
    private interface Operation {
        void run(Jedis j);
    }

    private boolean enqueue(Operation op) {
        return writes.offer(() -> {
            if (down) {
                throw new JedisConnectionException("down");
            }
            try (Jedis j = pool.getResource()) {
                op.run(j);
            }
        });
    }

    private void writeLoop() {
        while (!closed) {
            Runnable next;
            try {
                next = writes.poll(Math.min(retryNanos, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next != null) {
                try {
                    next.run();
                } catch (RuntimeException e) {
                    failed(e);
                }
            }
            probe();
        }
    }

    /**
     * On the writer thread: a tier that is down asks Redis again every retry interval; one that is up
     * sends the invalidations a full queue made it keep, and keeps the subscription's connection
     * alive (its read timeout is 30 s, so at least every 10 s).
     */
    private void probe() {
        long now = System.nanoTime();
        if (now - nextProbe < 0) {
            return;
        }
        if (down) {
            nextProbe = now + retryNanos;
            if (subscribeRefused) {
                return; // the subscriber retries on its own; the tier comes back after it is accepted
            }
            // Pooled connections from before the outage may be dead (a restarted Redis): the probe, and the
            // calls once the tier is back, must use new ones.
            pool.clear();
            try (Jedis j = pool.getResource()) {
                j.ping();
            } catch (RuntimeException e) {
                return;
            }
            recovered();
        } else {
            nextProbe = now + Math.min(retryNanos, TimeUnit.SECONDS.toNanos(10));
            drainKept();
            JedisPubSub s = subscription;
            if (s != null && subscribed) {
                try {
                    s.ping();
                } catch (RuntimeException e) {
                    // the subscriber thread sees the broken connection and reconnects
                }
            }
        }
    }

    /** Sends, while the tier is up, the invalidations kept because the queue was full. */
    private void drainKept() {
        List<String[]> replay;
        boolean overflow;
        synchronized (this) {
            if (pendingInvalidations.isEmpty() && !pendingOverflow) {
                return;
            }
            replay = new ArrayList<>(pendingInvalidations);
            overflow = pendingOverflow;
            pendingInvalidations.clear();
            pendingOverflow = false;
        }
        try (Jedis j = pool.getResource()) {
            if (overflow) {
                apply(j, new String[] {"all", "", namespace});
            } else {
                for (String[] what : replay) {
                    apply(j, what);
                }
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                pendingInvalidations.addAll(0, replay);
                pendingOverflow |= overflow;
            }
            failed(e);
        }
    }

    private void recovered() {
        int replayed = 0;
        boolean everything = false;
        try (Jedis j = pool.getResource()) {
            // Invalidations made during the replay are kept too (the tier is still down): replay until none is left,
            // and end the outage under the same lock invalidate() keeps them under, so that none is left behind.
            while (true) {
                List<String[]> replay;
                boolean overflow;
                synchronized (this) {
                    if (pendingInvalidations.isEmpty() && !pendingOverflow) {
                        down = false;
                        break;
                    }
                    replay = new ArrayList<>(pendingInvalidations);
                    overflow = pendingOverflow;
                    pendingInvalidations.clear();
                    pendingOverflow = false;
                }
                try {
                    if (overflow) {
                        apply(j, new String[] {"all", "", namespace});
                    } else {
                        for (String[] what : replay) {
                            apply(j, what);
                        }
                    }
                } catch (RuntimeException e) {
                    synchronized (this) {
                        pendingInvalidations.addAll(0, replay);
                        pendingOverflow |= overflow;
                    }
                    throw e;
                }
                replayed += replay.size();
                everything |= overflow;
            }
        } catch (RuntimeException e) {
            if (!(e instanceof JedisConnectionException)) {
                Log.warnOnce("redis-replay:" + described, "Redis " + described + " refuses the invalidations kept"
                        + " while it was away (" + e.getMessage() + "): the shared cache tier stays off until it accepts them");
            }
            return;
        }
        Log.info("Redis " + described + " answers again: the shared cache tier is back"
                + (replayed == 0 && !everything ? "" : " (" + (everything ? "every" : replayed) + " invalidation(s) replayed)"));
        alerts.accept(new Alert("CACHE_L2", "HARD", 0, 0, described, true, Instant.now()));
    }

    private void failed(RuntimeException e) {
        failures.increment();
        if (e instanceof JedisConnectionException) {
            markDown(e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
            return;
        }
        if (e.getCause() instanceof java.util.NoSuchElementException) {
            return; // more calls than pooled connections at this instant: this one went on without the shared tier
        }
        Log.warnOnce("redis-error:" + e.getClass().getName(), "Redis " + described + " refused an operation ("
                + e.getMessage() + "); the call went on without the shared cache");
    }

    private synchronized void markDown(String why) {
        if (down || closed) {
            return;
        }
        down = true;
        lost = true;
        nextProbe = System.nanoTime() + retryNanos;
        Log.warn("Redis " + described + " cannot be reached (" + why + "): the shared cache tier is off, each JVM uses"
                + " its own cache, and Redis is tried again every " + dev.toolwarden.Durations.format(Duration.ofNanos(retryNanos)));
        alerts.accept(new Alert("CACHE_L2", "HARD", 1, 0, described, false, Instant.now()));
    }

    private void subscribeLoop() {
        while (!closed) {
            JedisPubSub s = new JedisPubSub() {
                @Override
                public void onSubscribe(String ch, int count) {
                    subscribeRefused = false;
                    subscribed = true;
                    if (lost) {
                        lost = false;
                        listener.missedMessages();
                    }
                }

                @Override
                public void onMessage(String ch, String message) {
                    received(message);
                }
            };
            subscription = s;
            String why = null;
            try (Jedis j = new Jedis(address, subscriberConfig)) {
                j.subscribe(s, channel);
            } catch (JedisConnectionException e) {
                why = String.valueOf(e.getMessage());
            } catch (RuntimeException e) {
                // Not the network: Redis answered no. Without the subscription other instances' invalidations
                // would never reach this one, so the tier stays off (not back at the next PING) until it is accepted.
                why = String.valueOf(e.getMessage());
                if (!subscribeRefused) {
                    subscribeRefused = true;
                    Log.warnOnce("redis-subscribe:" + described, "Redis " + described + " refuses the subscription to "
                            + channel + " (" + why + "): the shared cache tier stays off until it is accepted (the"
                            + " Redis user needs the channel's permissions; a proxy, pub/sub)");
                }
            } finally {
                lost |= subscribed;
                subscribed = false;
                subscription = null;
            }
            if (closed) {
                return;
            }
            if (why != null) {
                markDown(why);
            }
            try {
                Thread.sleep(Math.max(10, TimeUnit.NANOSECONDS.toMillis(retryNanos)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void received(String message) {
        try {
            int first = message.indexOf(' ');
            int second = message.indexOf(' ', first + 1);
            if (first < 0 || second < 0 || message.substring(0, first).equals(instance)) {
                return;
            }
            String kind = message.substring(first + 1, second);
            String arg = message.substring(second + 1);
            switch (kind) {
                case "key" -> listener.key(arg);
                case "tool" -> listener.tool(arg);
                case "category" -> listener.category(arg);
                case "all" -> listener.category(null);
                default -> Log.warnOnce("redis-message:" + kind, "ignored a message of an unknown kind on " + channel);
            }
        } catch (RuntimeException e) {
            Log.warnOnce("redis-message", "an invalidation message could not be applied: " + e);
        }
    }

    /** @return whether the subscription for other instances' invalidations is live */
    public boolean subscribed() {
        return subscribed;
    }

    @Override
    public void close() {
        closed = true;
        JedisPubSub s = subscription;
        if (s != null) {
            try {
                s.unsubscribe();
            } catch (RuntimeException e) {
                // closing anyway
            }
        }
        writer.interrupt();
        subscriber.interrupt();
        pool.close();
    }
}
