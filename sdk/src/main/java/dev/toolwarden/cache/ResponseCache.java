package dev.toolwarden.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Answers to queries, keyed by the query and a hash of the context it was answered in (the
 * conversation so far, the retrieved documents, the user), in the {@value PerformanceCache#RESPONSE_CACHE}
 * category: the reference design's "cache responses for expensive operations with context-based
 * keys". Two different contexts never share an answer; the same query in the same context is
 * answered once, however many callers ask at once.
 *
 * @param <V> the answer type
 */
public final class ResponseCache<V> {

    private final PerformanceCache cache;
    private final String category;

    /** @param cache the caches; answers go to the {@value PerformanceCache#RESPONSE_CACHE} category */
    public ResponseCache(PerformanceCache cache) {
        this(cache, PerformanceCache.RESPONSE_CACHE);
    }

    /**
     * @param cache the caches
     * @param category the category that holds the answers
     */
    public ResponseCache(PerformanceCache cache, String category) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.category = category;
        cache.category(category); // an unknown category fails here, not on the first answer
    }

    /**
     * A stable hash of the parts of a context: the same parts give the same hash in every JVM.
     *
     * @param parts what the answer depends on besides the query; their {@code toString} is hashed
     * @return a hex SHA-256 of the parts
     */
    public static String contextHash(Object... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Object part : parts) {
                byte[] bytes = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
                // The length first, so that ("ab", "c") and ("a", "bc") differ.
                digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                digest.update((byte) ':');
                digest.update(bytes);
            }
            StringBuilder hex = new StringBuilder(64);
            for (byte b : digest.digest()) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * @param query the query
     * @param contextHash the context's hash
     * @return the cached answer, or {@code null}
     */
    @SuppressWarnings("unchecked")
    public V get(String query, String contextHash) {
        return (V) cache.getIfPresent(category, new Key(query, contextHash));
    }

    /**
     * The cached answer, or the one {@code answer} gives, computed once per query and context.
     *
     * @param query the query
     * @param contextHash the context's hash
     * @param answer computes the answer on a miss
     * @return the answer
     */
    public V get(String query, String contextHash, Supplier<? extends V> answer) {
        return cache.get(category, new Key(query, contextHash), answer);
    }

    /**
     * @param query the query
     * @param contextHash the context's hash
     * @param answer the answer; {@code null} removes it
     */
    public void put(String query, String contextHash, V answer) {
        cache.put(category, new Key(query, contextHash), answer);
    }

    /**
     * @param query the query
     * @param contextHash the context's hash
     */
    public void invalidate(String query, String contextHash) {
        cache.invalidate(category, new Key(query, contextHash));
    }

    private record Key(String query, String contextHash) {
        Key {
            Objects.requireNonNull(query, "query");
            Objects.requireNonNull(contextHash, "contextHash");
        }
    }
}
