package dev.toolwarden;

/**
 * Turns cached results of one type into bytes and back, so that they can be kept in the shared
 * second-level cache (Redis, {@code toolwarden.cache.<category>.l2=redis}). Strings, byte arrays,
 * boxed numbers and booleans have built-in codecs; a type that has none and no JSON library of the
 * application's can carry stays in each JVM's own cache. Java serialization is never used: a value
 * read from Redis is only ever handed to a codec, so a poisoned entry cannot run code.
 *
 * <p>Register codecs with {@link Toolwarden#registerCodec(ValueCodec)} before the first call of the
 * methods whose results they carry. A codec must be thread-safe; {@link #decode} should throw on
 * bytes it did not write (the value then counts as a miss and the method runs).
 *
 * @param <T> the type it carries
 */
public interface ValueCodec<T> {

    /** @return the type of the values, as the cached method declares it (or its stage's value type) */
    Class<T> type();

    /**
     * @param value a value, never {@code null}
     * @return its bytes
     * @throws Exception when the value cannot be written (it is then cached in this JVM only)
     */
    byte[] encode(T value) throws Exception;

    /**
     * @param bytes what {@link #encode} wrote, or anything else a shared cache may hold
     * @return the value
     * @throws Exception when the bytes are not a value of this codec's (counted as a miss)
     */
    T decode(byte[] bytes) throws Exception;
}
