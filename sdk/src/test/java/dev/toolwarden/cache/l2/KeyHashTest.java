package dev.toolwarden.cache.l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.ValueCodec;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyHash}: the names of shared cache entries, which must be the same in every JVM that
 * computes them. Stability across JVMs is shown two ways: a hash pinned as a literal (a change in
 * the canonical form breaks every running fleet's shared entries, so it must be deliberate), and
 * hashes that must not depend on anything a JVM chooses for itself (identity, hash codes, insertion
 * order of sorted collections, which instance of an enum constant's body class).
 */
class KeyHashTest {

    private static final ValueCodecs NO_CODECS = new ValueCodecs();

    private static String hash(Object... values) {
        return KeyHash.of(values, NO_CODECS);
    }

    private static void assertSameHash(Object[] a, Object[] b) {
        String ha = hash(a);
        assertNotNull(ha, () -> "no hash for " + Arrays.deepToString(a));
        assertEquals(ha, hash(b), () -> Arrays.deepToString(a) + " and " + Arrays.deepToString(b));
    }

    private static void assertDifferentHash(Object[] a, Object[] b) {
        String ha = hash(a);
        String hb = hash(b);
        assertNotNull(ha, () -> "no hash for " + Arrays.deepToString(a));
        assertNotNull(hb, () -> "no hash for " + Arrays.deepToString(b));
        assertNotEquals(ha, hb, () -> Arrays.deepToString(a) + " and " + Arrays.deepToString(b));
    }

    private static Object[] of(Object... values) {
        return values;
    }

    enum Color {
        RED, GREEN
    }

    /** Constants with bodies are instances of anonymous subclasses: the hash must use the declaring enum. */
    enum Op {
        PLUS {
            @Override
            int apply(int a, int b) {
                return a + b;
            }
        },
        MINUS {
            @Override
            int apply(int a, int b) {
                return a - b;
            }
        };

        abstract int apply(int a, int b);
    }

    record Point(int x, int y) {
    }

    record Pair(int x, int y) {
    }

    record Query(String text, Color color, List<Integer> pages, Optional<String> user) {
    }

    record Holder(Object value) {
    }

    private record Hidden(String secret) {
    }

    /** An application type without a canonical form of its own (not a record, no value semantics Toolwarden knows). */
    static final class Money {
        final long cents;
        final String currency;

        Money(long cents, String currency) {
            this.cents = cents;
            this.currency = currency;
        }
    }

    static final class MoneyCodec implements ValueCodec<Money> {
        @Override
        public Class<Money> type() {
            return Money.class;
        }

        @Override
        public byte[] encode(Money value) {
            return (value.cents + " " + value.currency).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Money decode(byte[] bytes) {
            String[] parts = new String(bytes, StandardCharsets.UTF_8).split(" ");
            return new Money(Long.parseLong(parts[0]), parts[1]);
        }
    }

    static final class Broken {
    }

    static final class FailingCodec implements ValueCodec<Broken> {
        @Override
        public Class<Broken> type() {
            return Broken.class;
        }

        @Override
        public byte[] encode(Broken value) throws Exception {
            throw new java.io.IOException("cannot");
        }

        @Override
        public Broken decode(byte[] bytes) {
            return new Broken();
        }
    }

    // ------------------------------------------------------------------ stability

    @Test
    void aHashIs32LowerCaseHexDigitsAndTheSameEveryTime() {
        Object[] values = {"tool", 42, 7L, true, 'c', 3.5, null, Color.RED, List.of("x", 1)};
        String first = hash(values);
        assertNotNull(first);
        assertTrue(first.matches("[0-9a-f]{32}"), first);
        assertEquals(first, hash(values));
        assertEquals(first, KeyHash.of(values.clone(), new ValueCodecs()), "another registry gives the same hash");
        assertEquals(first, KeyHash.of(values, null), "codecs only matter for values without a canonical form");
    }

    /**
     * Pinned: computed once by this implementation. Every JVM of every instance must name an entry
     * the same; if this literal has to change, the canonical form changed and shared entries written
     * by older versions are no longer found (which must then be a deliberate, documented change).
     */
    @Test
    void theHashOfAFixedInputIsPinned() {
        Object[] values = {"search", 42, 7L, true, 'x', 2.5, 1.5f, (short) 3, (byte) 4, null, Color.GREEN, Op.MINUS,
            new Point(1, 2), List.of("a", List.of(1, 2)), new int[] {5, 6}, new byte[] {1, 2, 3},
            new String[] {"p", "q"}, Optional.of("o"), Optional.empty(),
            UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), LocalDate.of(2024, 2, 29),
            Instant.parse("2024-01-02T03:04:05Z"), new BigInteger("123456789012345678901234567890"),
            new BigDecimal("1.50"), new TreeMap<>(Map.of("b", 2, "a", 1)), new TreeSet<>(List.of("z", "y"))};
        assertEquals("719cbba4ceb18e123a7d5ec6f9dd6fc0", hash(values));
    }

    /** The canonical form written out by hand, hashed with the JDK's SHA-256: nothing but these bytes decides the hash. */
    @Test
    void theHashIsTheFirst128BitsOfSha256OfTheDocumentedCanonicalForm() throws Exception {
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        // "a": tag S, length, UTF-8
        form.write('S');
        form.write(new byte[] {0, 0, 0, 1});
        form.write('a');
        // 1 (an Integer): tag P, the simple class name, the text
        form.write('P');
        form.write(new byte[] {0, 0, 0, 7});
        form.write("Integer".getBytes(StandardCharsets.US_ASCII));
        form.write(new byte[] {0, 0, 0, 1});
        form.write('1');
        // null: tag N
        form.write('N');
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(form.toByteArray());
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            hex.append(String.format("%02x", digest[i] & 0xFF));
        }
        assertEquals(hex.toString(), hash("a", 1, null));
    }

    @Test
    void equalValuesThatAreDifferentInstancesHashAlike() {
        assertSameHash(of("abc"), of(new String("abc")));
        assertSameHash(of(new Point(1, 2)), of(new Point(1, 2)));
        assertSameHash(of(new Query("q", Color.RED, List.of(1, 2), Optional.of("u"))),
                of(new Query(new String("q"), Color.RED, new ArrayList<>(List.of(1, 2)), Optional.of("u"))));
        assertSameHash(of(Color.RED), of(Color.valueOf("RED")));
        assertSameHash(of(Op.PLUS), of(Op.valueOf("PLUS")));
        // any List with the same elements in the same order
        assertSameHash(of(List.of(1, 2, 3)), of(new ArrayList<>(List.of(1, 2, 3))));
        assertSameHash(of(List.of(1, 2, 3)), of(new LinkedList<>(List.of(1, 2, 3))));
        assertSameHash(of(Arrays.asList("a", null)), of(new ArrayList<>(Arrays.asList("a", null))));
        assertSameHash(of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000")),
                of(new UUID(0x123e4567e89b12d3L, 0xa456426614174000L)));
        assertSameHash(of(LocalDate.of(2024, 1, 2)), of(LocalDate.parse("2024-01-02")));
        assertSameHash(of(new BigInteger("12345678901234567890")), of(BigInteger.valueOf(1234567890L)
                .multiply(BigInteger.valueOf(10_000_000_000L)).add(BigInteger.valueOf(1234567890L))));
        assertSameHash(of(Optional.of("x")), of(Optional.of(new String("x"))));
    }

    @Test
    void anEnumConstantWithABodyIsHashedByItsDeclaringEnumNotItsBodyClass() {
        assertNotEquals(Op.class, Op.MINUS.getClass(), "the premise: the constant's class is an anonymous subclass");
        // Anonymous class names (Op$2) depend on declaration order; the declaring class and name do not.
        assertDifferentHash(of(Op.PLUS), of(Op.MINUS));
        assertDifferentHash(of(Color.RED), of("RED"));
    }

    // ------------------------------------------------------------------ what tells values apart

    @Test
    void orderMatters() {
        assertDifferentHash(of("a", "b"), of("b", "a"));
        assertDifferentHash(of(List.of(1, 2)), of(List.of(2, 1)));
        assertDifferentHash(of(new Point(1, 2)), of(new Point(2, 1)));
        assertDifferentHash(of((Object) new int[] {1, 2}), of((Object) new int[] {2, 1}));
    }

    @Test
    void theTypeOfAValueMattersNotOnlyItsText() {
        Object[][] ones = {of(1), of(1L), of("1"), of((short) 1), of((byte) 1), of(1.0), of(1.0f), of('1'),
            of(BigInteger.ONE), of(BigDecimal.ONE), of(true), of(List.of(1)), of((Object) new int[] {1}),
            of(Optional.of(1))};
        for (int i = 0; i < ones.length; i++) {
            for (int j = i + 1; j < ones.length; j++) {
                assertDifferentHash(ones[i], ones[j]);
            }
        }
        assertDifferentHash(of(new Point(1, 2)), of(new Pair(1, 2)));
        assertDifferentHash(of(LocalDate.of(2024, 1, 2)), of("2024-01-02"));
        assertDifferentHash(of(LocalDate.of(2024, 1, 2)), of(LocalDateTime.of(2024, 1, 2, 0, 0)));
        assertDifferentHash(of(new BigDecimal("1.5")), of(new BigDecimal("1.50")));
        assertDifferentHash(of(0.0), of(-0.0));
        assertDifferentHash(of(true), of("true"));
    }

    @Test
    void nullIsNotTheTextNullNorAnEmptyOptionalNorNothing() {
        assertDifferentHash(of((Object) null), of("null"));
        assertDifferentHash(of((Object) null), of(Optional.empty()));
        assertDifferentHash(of((Object) null), of(""));
        assertDifferentHash(of((Object) null), of());
        assertDifferentHash(of(Optional.empty()), of(Optional.of("")));
        assertDifferentHash(of((Object) null, "a"), of("a", (Object) null));
    }

    @Test
    void valueBoundariesAreNotAmbiguous() {
        assertDifferentHash(of("ab"), of("a", "b"));
        assertDifferentHash(of("a", "bc"), of("ab", "c"));
        assertDifferentHash(of("a", ""), of("a"));
        assertDifferentHash(of(List.of("a", "b")), of("a", "b"));
        assertDifferentHash(of(List.of(List.of(1), List.of(2))), of(List.of(List.of(1, 2))));
        assertDifferentHash(of(List.of(List.of(1, 2), 3)), of(List.of(1, List.of(2, 3))));
        assertDifferentHash(of(List.of()), of(List.of(List.of())));
        assertDifferentHash(of(List.of(), "x"), of(List.of("x")));
        assertDifferentHash(of((Object) new String[] {"a", "b"}), of((Object) new String[] {"ab"}));
        assertDifferentHash(of((Object) new byte[] {1, 2}, (Object) new byte[] {3}),
                of((Object) new byte[] {1}, (Object) new byte[] {2, 3}));
    }

    @Test
    void textIsHashedAsUtf8SoEveryCharacterCounts() {
        assertDifferentHash(of("café"), of("cafe"));
        assertDifferentHash(of("e\u0301"), of("\u00e9"));
        assertSameHash(of("日本語 ✓ \uD83D\uDE00"), of(new StringBuilder("日本語 ✓ \uD83D\uDE00").toString()));
    }

    /** An emoji cut in half (a truncated message): UTF-8 would make each lone half '?', one key for three texts. */
    @Test
    void textWithAnUnpairedSurrogateIsNotTheTextWithAQuestionMark() {
        assertDifferentHash(of("what\uD83D"), of("what?"));
        assertDifferentHash(of("what\uDC00"), of("what?"));
        assertDifferentHash(of("what\uD83D"), of("what\uDC00"));
        assertSameHash(of("what\uD83D"), of(new StringBuilder("what").append('\uD83D').toString()));
        assertEquals(hash("what?"), hash("what?"), "well-formed text keeps its key");
    }

    @Test
    void arraysAreHashedByContentAndComponentType() {
        assertSameHash(of((Object) new int[] {1, 2}), of((Object) new int[] {1, 2}));
        assertSameHash(of((Object) new byte[] {1, 2, 3}), of((Object) new byte[] {1, 2, 3}));
        assertSameHash(of((Object) new String[] {"a", null}), of((Object) new String[] {"a", null}));
        assertSameHash(of((Object) new Object[] {"a", new int[] {1}, new Object[] {new String[] {"deep"}}}),
                of((Object) new Object[] {"a", new int[] {1}, new Object[] {new String[] {"deep"}}}));
        assertDifferentHash(of((Object) new Object[] {"a", new int[] {1}, new Object[] {new String[] {"deep"}}}),
                of((Object) new Object[] {"a", new int[] {1}, new Object[] {new String[] {"DEEP"}}}));
        assertDifferentHash(of((Object) new byte[] {1, 2, 3}), of((Object) new byte[] {1, 2, 4}));
        assertDifferentHash(of((Object) new int[] {1, 2}), of((Object) new long[] {1, 2}));
        assertDifferentHash(of((Object) new int[] {1, 2}), of((Object) new Integer[] {1, 2}));
        assertDifferentHash(of((Object) new int[] {1, 2}), of(List.of(1, 2)));
        assertDifferentHash(of((Object) new String[] {"a"}), of((Object) new Object[] {"a"}));
        assertDifferentHash(of((Object) new int[0]), of((Object) new long[0]));
    }

    @Test
    void sortedMapsAndSetsHashByContentWhateverTheInsertionOrder() {
        TreeMap<String, Integer> m1 = new TreeMap<>();
        m1.put("b", 2);
        m1.put("a", 1);
        TreeMap<String, Integer> m2 = new TreeMap<>();
        m2.put("a", 1);
        m2.put("b", 2);
        assertSameHash(of(m1), of(m2));
        assertDifferentHash(of(m1), of(new TreeMap<>(Map.of("a", 1, "b", 3))));
        assertDifferentHash(of(m1), of(new TreeMap<>(Map.of("a", 1, "c", 2))));
        assertDifferentHash(of(m1), of(new TreeMap<>(Map.of("a", 1))));
        assertDifferentHash(of(new TreeMap<>(Map.of("a", List.of(1)))), of(new TreeMap<>(Map.of("a", List.of(2)))));
        // keys and values are not interchangeable
        assertDifferentHash(of(new TreeMap<>(Map.of("a", "b"))), of(new TreeMap<>(Map.of("b", "a"))));

        assertSameHash(of(new TreeSet<>(List.of(3, 1, 2))), of(new TreeSet<>(List.of(2, 3, 1))));
        assertDifferentHash(of(new TreeSet<>(List.of(1, 2))), of(List.of(1, 2)));
        assertDifferentHash(of(new TreeSet<>(List.of(1, 2))), of(new TreeSet<>(List.of(1, 2, 3))));
    }

    @Test
    void unsortedMapsAndSetsHaveNoCanonicalFormTheirOrderIsTheJvmsOwn() {
        assertNull(hash(new HashMap<>(Map.of("a", 1))));
        assertNull(hash(new HashSet<>(List.of(1, 2))));
        assertTrue(KeyHash.unstable(new HashMap<>(), NO_CODECS).contains("java.util.HashMap"),
                KeyHash.unstable(new HashMap<>(), NO_CODECS));
    }

    @Test
    void recordsHashByTheirClassAndComponentsInDeclarationOrder() {
        assertSameHash(of(new Query("q", Color.GREEN, List.of(1), Optional.empty())),
                of(new Query("q", Color.GREEN, List.of(1), Optional.empty())));
        assertDifferentHash(of(new Query("q", Color.GREEN, List.of(1), Optional.empty())),
                of(new Query("q", Color.RED, List.of(1), Optional.empty())));
        assertDifferentHash(of(new Query("q", Color.GREEN, List.of(1), Optional.empty())),
                of(new Query("q", Color.GREEN, List.of(1), Optional.of("u"))));
        assertDifferentHash(of(new Query("q", Color.GREEN, List.of(1), null)),
                of(new Query("q", Color.GREEN, List.of(1), Optional.empty())));
        assertSameHash(of(new Hidden("s")), of(new Hidden("s")));
        assertDifferentHash(of(new Hidden("s")), of(new Hidden("t")));
        assertSameHash(of(new Holder(List.of(new Point(1, 2)))), of(new Holder(List.of(new Point(1, 2)))));
        assertDifferentHash(of(new Holder(1)), of(new Holder(1L)));
    }

    // ------------------------------------------------------------------ values without a canonical form

    @Test
    void anObjectThatOnlyHasIdentityHasNoHashAndUnstableSaysWhy() {
        Object o = new Object();
        assertNull(hash(o));
        assertNull(hash("a", 1, o), "one such value is enough");
        assertNull(hash(List.of("a", o)), "inside a list too");
        assertNull(hash(new Holder(o)), "inside a record too");
        assertNull(hash((Object) new Object[] {"a", o}), "inside an array too");
        assertNull(hash(Optional.of(o)), "inside an optional too");
        assertNull(hash(new TreeMap<>(Map.of("k", new Holder(o)))), "as a map value too");
        assertNull(hash(new java.util.concurrent.atomic.AtomicInteger(1)), "a mutable Number is not a boxed primitive");
        assertNull(hash(new Money(100, "EUR")), "an application type without a codec");

        String why = KeyHash.unstable(o, NO_CODECS);
        assertNotNull(why);
        assertTrue(why.contains("java.lang.Object") && why.contains("same in every JVM"), why);
        String nested = KeyHash.unstable(new Holder(List.of(new Money(1, "EUR"))), NO_CODECS);
        assertTrue(nested != null && nested.contains(Money.class.getName()), "names the value inside: " + nested);

        assertNull(KeyHash.unstable("text", NO_CODECS));
        assertNull(KeyHash.unstable(null, NO_CODECS));
        assertNull(KeyHash.unstable(new Point(1, 2), NO_CODECS));
        assertNull(KeyHash.unstable(List.of(1, Color.RED), NO_CODECS));
    }

    @Test
    void aValueNestedTooDeepOrContainingItselfHasNoHashInsteadOfOverflowingTheStack() {
        Object deep = "leaf";
        for (int i = 0; i < 40; i++) {
            deep = List.of(deep);
        }
        assertNull(hash(deep));
        assertTrue(KeyHash.unstable(deep, NO_CODECS).contains("nested more than"), KeyHash.unstable(deep, NO_CODECS));

        List<Object> self = new ArrayList<>();
        self.add("x");
        self.add(self);
        assertNull(hash(self));

        Object shallow = "leaf";
        for (int i = 0; i < 10; i++) {
            shallow = List.of(shallow);
        }
        assertNotNull(hash(shallow), "ten levels are fine");
    }

    @Test
    void aRegisteredCodecMakesAnApplicationTypeHashable() {
        ValueCodecs codecs = new ValueCodecs();
        assertNull(KeyHash.of(new Object[] {new Money(100, "EUR")}, codecs));
        codecs.register(new MoneyCodec());
        String h = KeyHash.of(new Object[] {new Money(100, "EUR")}, codecs);
        assertNotNull(h);
        assertNull(KeyHash.unstable(new Money(100, "EUR"), codecs));
        assertEquals(h, KeyHash.of(new Object[] {new Money(100, "EUR")}, codecs), "another instance of equal bytes");
        assertNotEquals(h, KeyHash.of(new Object[] {new Money(101, "EUR")}, codecs));
        assertNotEquals(h, KeyHash.of(new Object[] {"100 EUR"}, codecs), "the codec's bytes are tagged with the type");
        assertNotNull(KeyHash.of(new Object[] {List.of(new Money(1, "USD")), new Point(1, 2)}, codecs), "nested too");
        // The same codec in another registry (another JVM) gives the same hash.
        ValueCodecs other = new ValueCodecs();
        other.register(new MoneyCodec());
        assertEquals(h, KeyHash.of(new Object[] {new Money(100, "EUR")}, other));
    }

    @Test
    void aCodecThatFailsToEncodeAKeyLeavesItWithoutAHash() {
        ValueCodecs codecs = new ValueCodecs();
        codecs.register(new FailingCodec());
        assertNull(KeyHash.of(new Object[] {new Broken()}, codecs));
        assertNotNull(KeyHash.unstable(new Broken(), codecs));
    }

    @Test
    void aSortedMapWithAComparatorHashesInItsIterationOrder() {
        // Documented behaviour rather than a wish: the order is the map's, so the same comparator in every JVM gives the same hash.
        TreeMap<String, Integer> reversed = new TreeMap<>(Comparator.reverseOrder());
        reversed.put("a", 1);
        reversed.put("b", 2);
        TreeMap<String, Integer> reversedAgain = new TreeMap<>(Comparator.reverseOrder());
        reversedAgain.put("b", 2);
        reversedAgain.put("a", 1);
        assertSameHash(of(reversed), of(reversedAgain));
    }
}
