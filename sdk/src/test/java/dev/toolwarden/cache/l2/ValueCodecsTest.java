package dev.toolwarden.cache.l2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.ValueCodec;
import dev.toolwarden.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ValueCodecs}: what crosses the network. The sdk's test class path has Gson (through
 * Jedis) and no Jackson, so the JSON codec found here is Gson's.
 */
class ValueCodecsTest {

    private static final byte[] HEADER = {'T', 'W', 1};

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    private static byte[] withHeader(byte[] payload) {
        byte[] out = Arrays.copyOf(HEADER, HEADER.length + payload.length);
        System.arraycopy(payload, 0, out, HEADER.length, payload.length);
        return out;
    }

    private static byte[] withHeader(String payload) {
        return withHeader(payload.getBytes(StandardCharsets.UTF_8));
    }

    private static ValueCodecs.Codec builtIn(String typeName) {
        ValueCodecs.Codec c = new ValueCodecs().forType(typeName, null, false);
        assertNotNull(c, "no built-in codec for " + typeName);
        return c;
    }

    private static Object roundTrip(ValueCodecs.Codec codec, Object value) throws Exception {
        byte[] bytes = codec.write(value);
        assertArrayEquals(HEADER, Arrays.copyOf(bytes, 3), "every value starts with TW1");
        return codec.read(bytes);
    }

    // ------------------------------------------------------------------ test types

    enum Color {
        RED, GREEN
    }

    record Point(int x, int y) {
    }

    /** A concrete class with a no-argument constructor, as JSON libraries rebuild them. */
    static final class Item {
        String name;
        int count;
        List<String> tags;
        Color color;
        Point where;

        Item() {
        }

        Item(String name, int count, List<String> tags, Color color, Point where) {
            this.name = name;
            this.count = count;
            this.tags = tags;
            this.color = color;
            this.where = where;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Item i && Objects.equals(name, i.name) && count == i.count && Objects.equals(tags, i.tags)
                    && color == i.color && Objects.equals(where, i.where);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, count, tags, color, where);
        }
    }

    interface Shape {
    }

    abstract static class AbstractShape implements Shape {
    }

    static final class Box<T> {
        T content;
    }

    /** Loaded again below by a class loader that sees no JSON library. */
    public static final class Plain {
        public String name;
    }

    static final class Money {
        final long cents;

        Money(long cents) {
            this.cents = cents;
        }
    }

    static final class MoneyCodec implements ValueCodec<Money> {
        final List<byte[]> decoded = new ArrayList<>();

        @Override
        public Class<Money> type() {
            return Money.class;
        }

        @Override
        public byte[] encode(Money value) {
            return ("cents=" + value.cents).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Money decode(byte[] bytes) {
            decoded.add(bytes);
            String s = new String(bytes, StandardCharsets.UTF_8);
            if (!s.startsWith("cents=")) {
                throw new IllegalArgumentException("not money: " + s);
            }
            return new Money(Long.parseLong(s.substring(6)));
        }
    }

    /** A codec for strings of its own: upper case on the wire. */
    static final class ShoutingCodec implements ValueCodec<String> {
        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public byte[] encode(String value) {
            return ("!" + value.toUpperCase()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8).substring(1).toLowerCase();
        }
    }

    static final class PointCodec implements ValueCodec<Point> {
        @Override
        public Class<Point> type() {
            return Point.class;
        }

        @Override
        public byte[] encode(Point value) {
            return (value.x() + "," + value.y()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Point decode(byte[] bytes) {
            String[] p = new String(bytes, StandardCharsets.UTF_8).split(",");
            return new Point(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
        }
    }

    /** Claims to carry Money, but gives back a String (raw types let a codec lie). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class LyingCodec implements ValueCodec {
        @Override
        public Class type() {
            return Money.class;
        }

        @Override
        public byte[] encode(Object value) {
            return "x".getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Object decode(byte[] bytes) {
            return "not money";
        }
    }

    // ------------------------------------------------------------------ built-ins

    @Test
    void stringsRoundTripIncludingEmptyAndNonAscii() throws Exception {
        ValueCodecs.Codec c = builtIn("java.lang.String");
        assertEquals("string", c.describe());
        for (String s : List.of("", "plain", "café ✓ 日本語 \uD83D\uDE00", "line\nbreak\u0000nul", "TW\u0001looks like a header")) {
            assertEquals(s, roundTrip(c, s));
        }
        assertArrayEquals(withHeader("héllo"), c.write("héllo"), "the header, then UTF-8");
    }

    @Test
    void aStringWithAnUnpairedSurrogateIsNotWrittenRatherThanComeBackAsAnotherString() {
        ValueCodecs.Codec c = builtIn("java.lang.String");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> c.write("cut \uD83D"));
    }

    @Test
    void stringsAreDecodedStrictlyInvalidUtf8AfterAValidHeaderFails() {
        ValueCodecs.Codec c = builtIn("java.lang.String");
        // an overlong encoding, a lone continuation byte, a truncated sequence, an unpaired surrogate
        for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {'a', (byte) 0x80},
                new byte[] {'a', (byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xFF})) {
            assertThrows(CharacterCodingException.class, () -> c.read(withHeader(bad)), Arrays.toString(bad));
        }
        assertThrows(CharacterCodingException.class, () -> builtIn("int").read(withHeader(new byte[] {'4', (byte) 0xC3})),
                "numbers are text too");
    }

    @Test
    void byteArraysRoundTripByContentUnderBothNames() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        for (String name : List.of("[B", "byte[]")) {
            ValueCodecs.Codec c = builtIn(name);
            assertEquals("bytes", c.describe());
            assertArrayEquals(all, (byte[]) roundTrip(c, all));
            assertArrayEquals(new byte[0], (byte[]) roundTrip(c, new byte[0]));
            assertArrayEquals(HEADER, c.write(new byte[0]));
            assertArrayEquals(new byte[] {(byte) 0xFF, 'T'}, (byte[]) c.read(withHeader(new byte[] {(byte) 0xFF, 'T'})),
                    "any bytes after the header are a value: no UTF-8 check");
        }
        assertTrue(ValueCodecs.builtIn("[B") && ValueCodecs.builtIn("byte[]"));
    }

    @Test
    void boxedNumbersAndBooleansRoundTripUnderTheirClassAndPrimitiveNames() throws Exception {
        List<Object[]> cases = List.of(
                new Object[] {"java.lang.Integer", "int", "integer",
                    List.of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE)},
                new Object[] {"java.lang.Long", "long", "long", List.of(0L, -7L, Long.MIN_VALUE, Long.MAX_VALUE)},
                new Object[] {"java.lang.Double", "double", "double",
                    List.of(0.0, -0.0, 0.1, Math.PI, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN,
                            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300)},
                new Object[] {"java.lang.Float", "float", "float",
                    List.of(0f, -0f, 0.1f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY)},
                new Object[] {"java.lang.Short", "short", "short", List.of((short) 0, Short.MIN_VALUE, Short.MAX_VALUE)},
                new Object[] {"java.lang.Byte", "byte", "byte", List.of((byte) 0, Byte.MIN_VALUE, Byte.MAX_VALUE)},
                new Object[] {"java.lang.Character", "char", "char", List.of('a', '\u00e9', '\u65e5', ',')},
                new Object[] {"java.lang.Boolean", "boolean", "boolean", List.of(true, false)});
        for (Object[] c : cases) {
            for (String name : List.of((String) c[0], (String) c[1])) {
                assertTrue(ValueCodecs.builtIn(name), name);
                ValueCodecs.Codec codec = builtIn(name);
                assertEquals(c[2], codec.describe());
                for (Object v : (List<?>) c[3]) {
                    Object back = roundTrip(codec, v);
                    assertEquals(v.getClass(), back.getClass(), name);
                    assertEquals(v, back, name + " " + v); // Double.equals: NaN equals NaN, -0.0 differs from 0.0
                }
            }
        }
        assertArrayEquals(withHeader("42"), builtIn("int").write(42), "numbers are their text");
        assertSame(Boolean.TRUE, builtIn("boolean").read(withHeader("true")));
    }

    @Test
    void aCodecRegisteredForABoxServesMethodsDeclaringThePrimitive() throws Exception {
        ValueCodecs codecs = new ValueCodecs();
        codecs.register(new dev.toolwarden.ValueCodec<Integer>() {
            @Override
            public Class<Integer> type() {
                return Integer.class;
            }

            @Override
            public byte[] encode(Integer value) {
                return ("n" + value).getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Integer decode(byte[] bytes) {
                return Integer.valueOf(new String(bytes, StandardCharsets.UTF_8).substring(1));
            }
        });
        ValueCodecs.Codec c = codecs.forType("int", int.class, true);
        assertTrue(c.describe().startsWith("registered"), c.describe());
        assertArrayEquals(withHeader("n7"), c.write(7));
        assertEquals(7, c.read(withHeader("n7")));
    }

    @Test
    void aCharIsExactlyOneCharacter() {
        assertThrows(IllegalArgumentException.class, () -> builtIn("char").read(withHeader("ab")));
        assertThrows(IllegalArgumentException.class, () -> builtIn("char").read(withHeader("")));
    }

    @Test
    void textThatIsNotAValueOfTheTypeFails() {
        assertThrows(NumberFormatException.class, () -> builtIn("int").read(withHeader("forty-two")));
        assertThrows(NumberFormatException.class, () -> builtIn("int").read(withHeader("2147483648")), "overflow");
        assertThrows(NumberFormatException.class, () -> builtIn("long").read(withHeader("")));
        assertThrows(NumberFormatException.class, () -> builtIn("short").read(withHeader("40000")));
        assertThrows(IllegalArgumentException.class, () -> builtIn("boolean").read(withHeader("TRUE")),
                "only what the codec writes");
        assertThrows(IllegalArgumentException.class, () -> builtIn("boolean").read(withHeader("1")));
        assertThrows(IllegalArgumentException.class, () -> builtIn("boolean").read(withHeader("")));
    }

    @Test
    void bytesWithoutTheHeaderNeverDecode() {
        List<String> names = List.of("java.lang.String", "[B", "int", "java.lang.Long", "double", "float", "short",
                "boolean");
        List<byte[]> headless = List.of(new byte[0], new byte[] {'T'}, new byte[] {'T', 'W'},
                "42".getBytes(StandardCharsets.US_ASCII), "true".getBytes(StandardCharsets.US_ASCII),
                new byte[] {'T', 'W', 2, '4', '2'}, new byte[] {'t', 'w', 1, '4', '2'}, new byte[] {1, 'T', 'W', '4'});
        for (String name : names) {
            ValueCodecs.Codec c = builtIn(name);
            for (byte[] b : headless) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.read(b),
                        name + " " + Arrays.toString(b));
                assertTrue(e.getMessage().contains("header"), e.getMessage());
            }
        }
    }

    @Test
    void typesWithoutABuiltInCodec() {
        assertFalse(ValueCodecs.builtIn("java.lang.Object"));
        assertFalse(ValueCodecs.builtIn("java.util.List"));
        assertFalse(ValueCodecs.builtIn("void"));
        assertFalse(ValueCodecs.builtIn("java.lang.string"), "names are exact");
        assertNull(new ValueCodecs().forType("java.math.BigDecimal", java.math.BigDecimal.class, true),
                "a java.* type never goes to JSON");
    }

    // ------------------------------------------------------------------ registered codecs

    @Test
    void aRegisteredCodecCarriesItsTypeBehindTheHeader() throws Exception {
        ValueCodecs codecs = new ValueCodecs();
        MoneyCodec money = new MoneyCodec();
        codecs.register(money);
        ValueCodecs.Codec c = codecs.forType(Money.class.getName(), Money.class, true);
        assertNotNull(c);
        assertEquals("registered " + MoneyCodec.class.getName(), c.describe());
        byte[] bytes = c.write(new Money(1234));
        assertArrayEquals(withHeader("cents=1234"), bytes);
        assertEquals(1234, ((Money) c.read(bytes)).cents);
        assertArrayEquals("cents=1234".getBytes(StandardCharsets.UTF_8), money.decoded.get(0),
                "the codec sees its own bytes, without the header");
        assertThrows(IllegalArgumentException.class, () -> c.read("cents=1234".getBytes(StandardCharsets.UTF_8)),
                "bytes the codec would accept still need the header");
        assertEquals(1, money.decoded.size(), "and the codec is not even asked");
        assertThrows(IllegalArgumentException.class, () -> c.read(withHeader("dollars=1")), "the codec's own refusal");
        assertNotNull(codecs.forType(Money.class.getName(), null, false),
                "a registered codec needs neither the class nor a JSON-safe type");
    }

    @Test
    void aRegisteredCodecWinsOverTheBuiltInOne() throws Exception {
        ValueCodecs codecs = new ValueCodecs();
        codecs.register(new ShoutingCodec());
        ValueCodecs.Codec c = codecs.forType("java.lang.String", String.class, true);
        assertTrue(c.describe().startsWith("registered "), c.describe());
        assertArrayEquals(withHeader("!HELLO"), c.write("hello"));
        assertEquals("hello", c.read(withHeader("!HELLO")));
        assertEquals("string", new ValueCodecs().forType("java.lang.String", String.class, true).describe(),
                "registrations belong to their registry");
    }

    @Test
    void aRegisteredCodecWinsOverJson() throws Exception {
        ValueCodecs codecs = new ValueCodecs();
        assertEquals("json (Gson)", codecs.forType(Point.class.getName(), Point.class, true).describe());
        codecs.register(new PointCodec());
        ValueCodecs.Codec c = codecs.forType(Point.class.getName(), Point.class, true);
        assertEquals("registered " + PointCodec.class.getName(), c.describe());
        assertArrayEquals(withHeader("3,4"), c.write(new Point(3, 4)));
        assertEquals(new Point(3, 4), c.read(withHeader("3,4")));
        assertNotNull(codecs.forType(Point.class.getName(), Point.class, false), "even where JSON would not be safe");
    }

    @Test
    void aCodecThatReturnsAValueOfTheWrongTypeFailsToDecode() {
        ValueCodecs codecs = new ValueCodecs();
        codecs.register(new LyingCodec());
        ValueCodecs.Codec c = codecs.forType(Money.class.getName(), Money.class, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.read(withHeader("x")));
        assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
    }

    @Test
    void registeringChangesTheVersionAndAReplacementIsLogged() {
        ValueCodecs codecs = new ValueCodecs();
        int v0 = codecs.version();
        codecs.register(new MoneyCodec());
        int v1 = codecs.version();
        assertTrue(v1 != v0, "a registration changes the version");
        codecs.register(new PointCodec());
        int v2 = codecs.version();
        assertTrue(v2 != v1 && v2 != v0);
        assertEquals(v2, codecs.version(), "reading it changes nothing");
        assertFalse(logged.toString(StandardCharsets.UTF_8).contains("is now"), "a first codec is not a replacement");
        codecs.register(new MoneyCodec());
        assertTrue(codecs.version() != v2);
        String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("the codec for " + Money.class.getName() + " is now"), log);
        assertThrows(NullPointerException.class, () -> codecs.register(new ValueCodec<Object>() {
            @Override
            public Class<Object> type() {
                return null;
            }

            @Override
            public byte[] encode(Object value) {
                return new byte[0];
            }

            @Override
            public Object decode(byte[] bytes) {
                return null;
            }
        }));
    }

    @Test
    void keysAreEncodedByRegisteredCodecsOnly() {
        ValueCodecs codecs = new ValueCodecs();
        assertNull(codecs.encodeKey(new Money(5)));
        codecs.register(new MoneyCodec());
        assertArrayEquals("cents=5".getBytes(StandardCharsets.UTF_8), codecs.encodeKey(new Money(5)));
        assertNull(codecs.encodeKey(new Point(1, 2)), "JSON is never used for keys");
        codecs.register(new ValueCodec<Item>() {
            @Override
            public Class<Item> type() {
                return Item.class;
            }

            @Override
            public byte[] encode(Item value) throws Exception {
                throw new java.io.IOException("no");
            }

            @Override
            public Item decode(byte[] bytes) {
                return new Item();
            }
        });
        assertNull(codecs.encodeKey(new Item()), "a codec that fails gives no key bytes, not an exception");
    }

    // ------------------------------------------------------------------ JSON

    @Test
    void theTestClassPathHasGsonAndNoJackson() throws Exception {
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName("com.fasterxml.jackson.databind.ObjectMapper", false, getClass().getClassLoader()));
        assertNotNull(Class.forName("com.google.gson.Gson", false, getClass().getClassLoader()));
    }

    @Test
    void aConcreteClassRoundTripsAsJsonThroughGson() throws Exception {
        ValueCodecs.Codec c = new ValueCodecs().forType(Item.class.getName(), Item.class, true);
        assertNotNull(c);
        assertEquals("json (Gson)", c.describe());
        Item item = new Item("widget ✓", 3, List.of("a", "b"), Color.GREEN, new Point(1, -2));
        byte[] bytes = c.write(item);
        String json = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{") && json.contains("\"name\":\"widget ✓\""), json);
        Object back = c.read(bytes);
        assertInstanceOf(Item.class, back);
        assertEquals(item, back);
    }

    @Test
    void aRecordRoundTripsAsJsonThroughGson() throws Exception {
        ValueCodecs.Codec c = new ValueCodecs().forType(Point.class.getName(), Point.class, true);
        assertNotNull(c);
        assertEquals(new Point(7, -8), roundTrip(c, new Point(7, -8)));
        assertEquals(new Point(1, 2), c.read(withHeader("{\"x\":1,\"y\":2}")), "JSON another instance wrote");
    }

    @Test
    void jsonThatIsNotAValueOfTheTypeFails() {
        ValueCodecs.Codec c = new ValueCodecs().forType(Item.class.getName(), Item.class, true);
        assertThrows(IllegalArgumentException.class, () -> c.read(withHeader("null")), "null is no value");
        assertThrows(Exception.class, () -> c.read(withHeader("{\"count\":\"many\"}")));
        assertThrows(Exception.class, () -> c.read(withHeader("[1,2]")));
        assertThrows(Exception.class, () -> c.read(withHeader("{\"name\":")));
        assertThrows(IllegalArgumentException.class, () -> c.read("{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8)),
                "JSON without the header");
        assertThrows(CharacterCodingException.class,
                () -> c.read(withHeader(new byte[] {'{', '"', 'n', (byte) 0xC3, '"', '}'})), "strict UTF-8 for JSON too");
    }

    @Test
    void typesJsonCannotRebuildHaveNoCodec() {
        ValueCodecs codecs = new ValueCodecs();
        assertNull(codecs.forType(Shape.class.getName(), Shape.class, true), "an interface");
        assertNull(codecs.forType(AbstractShape.class.getName(), AbstractShape.class, true), "an abstract class");
        assertNull(codecs.forType(Item.class.getName(), Item.class, false), "a declared type that is not exact");
        assertNull(codecs.forType(Box.class.getName(), Box.class, false), "a generic type");
        assertNull(codecs.forType("java.util.ArrayList", ArrayList.class, true), "a java.* type");
        assertNull(codecs.forType("java.time.LocalDate", java.time.LocalDate.class, true), "a java.* type");
        assertNull(codecs.forType("java.lang.Object", Object.class, true));
        assertNull(codecs.forType(Item[].class.getName(), Item[].class, true), "an array");
        assertNull(codecs.forType("void", void.class, true), "a primitive without a built-in codec");
        assertNull(codecs.forType(Item.class.getName(), null, true), "a type that could not be loaded");
        assertNull(codecs.forType("com.example.Missing", null, true));
        assertNotNull(codecs.forType(Item.class.getName(), Item.class, true), "the control: the same type, exact");
    }

    @Test
    void theJsonLibraryIsLookedForThroughTheTypesOwnClassLoader() throws Exception {
        assertNotNull(new ValueCodecs().forType(Plain.class.getName(), Plain.class, true), "the control: Gson is seen");
        // The same class, defined by a loader that sees only the JDK: no JSON library for it.
        String resource = Plain.class.getName().replace('.', '/') + ".class";
        byte[] classBytes;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            classBytes = in.readAllBytes();
        }
        class Isolated extends ClassLoader {
            Isolated() {
                super("isolated", ClassLoader.getPlatformClassLoader());
            }

            Class<?> define(String name, byte[] b) {
                return defineClass(name, b, 0, b.length);
            }
        }
        Class<?> isolated = new Isolated().define(Plain.class.getName(), classBytes);
        assertThrows(ClassNotFoundException.class, () -> Class.forName("com.google.gson.Gson", false,
                isolated.getClassLoader()), "the premise");
        assertNull(new ValueCodecs().forType(Plain.class.getName(), isolated, true));
    }
}
