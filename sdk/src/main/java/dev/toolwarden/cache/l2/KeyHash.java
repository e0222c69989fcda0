package dev.toolwarden.cache.l2;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.UUID;

/**
 * A hash of a call's key values that is the same in every JVM, for naming entries of the shared
 * cache: the values are written in a canonical form (type tag, class name where it matters, then the
 * value), and the form hashed with SHA-256. {@code hashCode()} cannot serve: strings' is stable but
 * enums', records' of enums and most objects' are not.
 *
 * <p>Values with a canonical form: {@code null}, strings and other {@link CharSequence}s, boxed
 * primitives, enums, {@link UUID}, {@link BigInteger}, {@link BigDecimal}, {@code java.time} values,
 * {@link Optional}, arrays, lists, sorted sets and maps, records of such values, and values of a type
 * with a registered {@link dev.toolwarden.ValueCodec}. Anything else (an object that only has
 * identity) has none: the call then stays in its JVM's cache.
 */
public final class KeyHash {

    /**
     * @param s a string
     * @return whether it is well-formed UTF-16 (no surrogate without its pair), so that UTF-8 holds it exactly
     */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int MAX_DEPTH = 16;

    private KeyHash() {
    }

    /**
     * @param values key values
     * @param codecs registered codecs, for values of the application's own types
     * @return 32 hex digits (128 bits of SHA-256), or {@code null} when a value has no canonical form
     */
    public static String of(Object[] values, ValueCodecs codecs) {
        Writer w = new Writer(codecs);
        for (Object v : values) {
            if (!w.write(v, 0)) {
                return null;
            }
        }
        byte[] digest = w.digest.digest();
        char[] out = new char[32];
        for (int i = 0; i < 16; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[digest[i] & 0xF];
        }
        return new String(out);
    }

    /**
     * @param value a value
     * @return why it has no canonical form, or {@code null} when it has one
     */
    public static String unstable(Object value, ValueCodecs codecs) {
        Writer w = new Writer(codecs);
        return w.write(value, 0) ? null : w.problem;
    }

    private static final class Writer {
        final MessageDigest digest;
        final ValueCodecs codecs;
        String problem;

        Writer(ValueCodecs codecs) {
            this.codecs = codecs;
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }

        void tag(char t) {
            digest.update((byte) t);
        }

        void text(String s) {
            if (!wellFormed(s)) {
                // UTF-8 would write an unpaired surrogate as '?', one key for many strings: its UTF-16 code units
                // instead, after a length no UTF-8 form has. Well-formed strings keep their keys.
                length(-1 - s.length());
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    digest.update((byte) (c >>> 8));
                    digest.update((byte) c);
                }
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            length(b.length);
            digest.update(b);
        }

        void length(int n) {
            digest.update((byte) (n >>> 24));
            digest.update((byte) (n >>> 16));
            digest.update((byte) (n >>> 8));
            digest.update((byte) n);
        }

        boolean write(Object v, int depth) {
            if (depth > MAX_DEPTH) {
                problem = "nested more than " + MAX_DEPTH + " deep";
                return false;
            }
            if (v == null) {
                tag('N');
                return true;
            }
            if (v instanceof String || v instanceof CharSequence) {
                tag('S');
                text(v.toString());
                return true;
            }
            if (v instanceof Number || v instanceof Boolean || v instanceof Character) {
                if (v instanceof Number && !(v instanceof Integer || v instanceof Long || v instanceof Short
                        || v instanceof Byte || v instanceof Double || v instanceof Float || v instanceof BigInteger
                        || v instanceof BigDecimal)) {
                    return other(v, depth);
                }
                tag('P');
                text(v.getClass().getSimpleName());
                text(v.toString());
                return true;
            }
            if (v instanceof Enum) {
                tag('E');
                text(((Enum<?>) v).getDeclaringClass().getName());
                text(((Enum<?>) v).name());
                return true;
            }
            if (v instanceof UUID || v.getClass().getName().startsWith("java.time.")) {
                tag('T');
                text(v.getClass().getName());
                text(v.toString());
                return true;
            }
            if (v instanceof Optional) {
                tag('O');
                return write(((Optional<?>) v).orElse(null), depth + 1);
            }
            if (v.getClass().isArray()) {
                return array(v, depth);
            }
            if (v instanceof List || v instanceof SortedSet) {
                tag(v instanceof List ? 'L' : 'Z');
                Collection<?> c = (Collection<?>) v;
                length(c.size());
                for (Object e : c) {
                    if (!write(e, depth + 1)) {
                        return false;
                    }
                }
                return true;
            }
            if (v instanceof SortedMap) {
                tag('M');
                Map<?, ?> m = (Map<?, ?>) v;
                length(m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!write(e.getKey(), depth + 1) || !write(e.getValue(), depth + 1)) {
                        return false;
                    }
                }
                return true;
            }
            if (v instanceof Record) {
                return record((Record) v, depth);
            }
            return other(v, depth);
        }

        private boolean array(Object v, int depth) {
            tag('A');
            text(v.getClass().getComponentType().getName());
            int n = java.lang.reflect.Array.getLength(v);
            length(n);
            if (v instanceof byte[]) {
                digest.update((byte[]) v);
                return true;
            }
            for (int i = 0; i < n; i++) {
                if (!write(java.lang.reflect.Array.get(v, i), depth + 1)) {
                    return false;
                }
            }
            return true;
        }

        private boolean record(Record r, int depth) {
            tag('R');
            text(r.getClass().getName());
            RecordComponent[] components = r.getClass().getRecordComponents();
            length(components.length);
            for (RecordComponent c : components) {
                Object value;
                try {
                    java.lang.reflect.Method accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    value = accessor.invoke(r);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    problem = "record " + r.getClass().getName() + " cannot be read (" + e + ")";
                    return false;
                }
                if (!write(value, depth + 1)) {
                    return false;
                }
            }
            return true;
        }

        private boolean other(Object v, int depth) {
            byte[] encoded = codecs == null ? null : codecs.encodeKey(v);
            if (encoded == null) {
                problem = "a " + v.getClass().getName() + " has no form that is the same in every JVM";
                return false;
            }
            tag('C');
            text(v.getClass().getName());
            length(encoded.length);
            digest.update(encoded);
            return true;
        }
    }
}
