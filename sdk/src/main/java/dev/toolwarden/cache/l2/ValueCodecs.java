package dev.toolwarden.cache.l2;

import dev.toolwarden.ValueCodec;
import dev.toolwarden.log.Log;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The codecs values cross the network with: built-in ones for strings, byte arrays, boxed numbers and
 * booleans; those the application registers ({@link ValueCodec}); and a JSON codec over the
 * application's own Jackson or Gson for concrete, non-generic types. Never Java serialization.
 *
 * <p>Every value is written behind a three-byte header of Toolwarden's ("TW" and a format version),
 * so that bytes some other program put under the key do not decode (they count as a miss).
 */
public final class ValueCodecs {

    /**
     * @param s a value's text
     * @return its UTF-8 bytes; a string with an unpaired surrogate, which UTF-8 would change (to '?'), is refused,
     *     so that it stays in this JVM's cache rather than come back from Redis as another string
     */
    static byte[] utf8(String s) {
        if (!KeyHash.wellFormed(s)) {
            throw new IllegalArgumentException("the text has an unpaired surrogate, which UTF-8 cannot hold");
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }


    /** What every stored value starts with: "TW" and the format version. */
    private static final byte[] MAGIC = {'T', 'W', 1};

    private final Map<String, ValueCodec<?>> registered = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger version = new java.util.concurrent.atomic.AtomicInteger();

    /** @return a number that changes with every registration, so that methods resolve their codec again */
    public int version() {
        return version.get();
    }

    /** A codec bound to one type, with its header. */
    public interface Codec {
        /** @return how messages name it: "string", "json (Jackson)", "registered com.acme.Codec" */
        String describe();

        /**
         * @param value a value of the type
         * @return its bytes, header included
         * @throws Exception when it cannot be written
         */
        byte[] write(Object value) throws Exception;

        /**
         * @param bytes bytes read from the shared cache
         * @return the value
         * @throws Exception when they are not a value of this codec's
         */
        Object read(byte[] bytes) throws Exception;
    }

    /**
     * Registers a codec for its type, replacing an earlier one.
     *
     * @param codec a codec
     */
    public void register(ValueCodec<?> codec) {
        Class<?> type = java.util.Objects.requireNonNull(codec.type(), "the codec's type()");
        ValueCodec<?> old = registered.put(type.getName(), codec);
        version.incrementAndGet();
        if (old != null && old != codec) {
            Log.info("the codec for " + type.getName() + " is now " + codec.getClass().getName() + " (it was "
                    + old.getClass().getName() + ")");
        }
    }

    /**
     * @param typeName a type name: a class name, or a primitive's ("int")
     * @return whether values of it have a built-in codec
     */
    public static boolean builtIn(String typeName) {
        return BuiltIn.CODECS.containsKey(typeName);
    }

    /**
     * The codec of a type.
     *
     * @param typeName the declared type's name
     * @param type the type, when it could be loaded (needed for JSON), or {@code null}
     * @param jsonSafe whether the declared type is concrete and not generic, so JSON can rebuild it
     * @return the codec, or {@code null} when there is none
     */
    public Codec forType(String typeName, Class<?> type, boolean jsonSafe) {
        ValueCodec<?> own = registered.get(BOXED.getOrDefault(typeName, typeName));
        if (own != null) {
            return new Registered(own);
        }
        Codec builtIn = BuiltIn.CODECS.get(typeName);
        if (builtIn != null) {
            return builtIn;
        }
        if (type == null || !jsonSafe || type.isInterface() || Modifier.isAbstract(type.getModifiers())
                || type.isArray() || type.isPrimitive() || type == Object.class || type.getName().startsWith("java.")) {
            return null;
        }
        return Json.forType(type);
    }

    /**
     * @param value a key value of a type without a built-in canonical form
     * @return its bytes by a registered codec, or {@code null} when none is registered or it fails
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    byte[] encodeKey(Object value) {
        ValueCodec codec = registered.get(value.getClass().getName());
        if (codec == null) {
            return null;
        }
        try {
            return codec.encode(value);
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    private static byte[] withHeader(byte[] payload) {
        byte[] out = new byte[MAGIC.length + payload.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(payload, 0, out, MAGIC.length, payload.length);
        return out;
    }

    private static byte[] payload(byte[] bytes) throws Exception {
        if (bytes.length < MAGIC.length || bytes[0] != MAGIC[0] || bytes[1] != MAGIC[1] || bytes[2] != MAGIC[2]) {
            throw new IllegalArgumentException("not a value of Toolwarden's (no TW1 header)");
        }
        return java.util.Arrays.copyOfRange(bytes, MAGIC.length, bytes.length);
    }

    private static String strictUtf8(byte[] b) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    }

    /** A codec through the value's text, for strings and boxed primitives. */
    private static final class Text implements Codec {
        private final String name;
        private final Function<String, Object> parse;

        Text(String name, Function<String, Object> parse) {
            this.name = name;
            this.parse = parse;
        }

        @Override
        public String describe() {
            return name;
        }

        @Override
        public byte[] write(Object value) {
            return withHeader(utf8(value.toString()));
        }

        @Override
        public Object read(byte[] bytes) throws Exception {
            return parse.apply(strictUtf8(payload(bytes)));
        }
    }

    private static final Codec BYTES = new Codec() {
        @Override
        public String describe() {
            return "bytes";
        }

        @Override
        public byte[] write(Object value) {
            return withHeader((byte[]) value);
        }

        @Override
        public Object read(byte[] bytes) throws Exception {
            return payload(bytes);
        }
    };

    /**
     * The built-in codecs, in a class of their own: made at the first shared-tier use, not when a
     * runtime is built (each is a lambda the JVM links at start-up otherwise).
     */
    private static final class BuiltIn {
        static final Map<String, Codec> CODECS = Map.ofEntries(
                Map.entry("java.lang.String", new Text("string", s -> s)),
                Map.entry("[B", BYTES),
                Map.entry("byte[]", BYTES),
                Map.entry("java.lang.Integer", new Text("integer", Integer::valueOf)),
                Map.entry("int", new Text("integer", Integer::valueOf)),
                Map.entry("java.lang.Long", new Text("long", Long::valueOf)),
                Map.entry("long", new Text("long", Long::valueOf)),
                Map.entry("java.lang.Double", new Text("double", Double::valueOf)),
                Map.entry("double", new Text("double", Double::valueOf)),
                Map.entry("java.lang.Float", new Text("float", Float::valueOf)),
                Map.entry("float", new Text("float", Float::valueOf)),
                Map.entry("java.lang.Short", new Text("short", Short::valueOf)),
                Map.entry("short", new Text("short", Short::valueOf)),
                Map.entry("java.lang.Byte", new Text("byte", Byte::valueOf)),
                Map.entry("byte", new Text("byte", Byte::valueOf)),
                Map.entry("java.lang.Character", new Text("char", ValueCodecs::character)),
                Map.entry("char", new Text("char", ValueCodecs::character)),
                Map.entry("java.lang.Boolean", new Text("boolean", ValueCodecs::bool)),
                Map.entry("boolean", new Text("boolean", ValueCodecs::bool)));
    }

    /** Primitive type names and their boxes: a codec registered for {@code Integer} serves {@code int} methods. */
    private static final Map<String, String> BOXED = Map.of("int", "java.lang.Integer", "long", "java.lang.Long",
            "double", "java.lang.Double", "float", "java.lang.Float", "short", "java.lang.Short", "byte",
            "java.lang.Byte", "char", "java.lang.Character", "boolean", "java.lang.Boolean");

    private static Object character(String s) {
        if (s.length() != 1) {
            throw new IllegalArgumentException("not one character");
        }
        return s.charAt(0);
    }

    private static Object bool(String s) {
        if (s.equals("true")) {
            return Boolean.TRUE;
        }
        if (s.equals("false")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("not a boolean");
    }

    /** The application's codec, behind the header. */
    private static final class Registered implements Codec {
        @SuppressWarnings("rawtypes")
        private final ValueCodec codec;

        Registered(ValueCodec<?> codec) {
            this.codec = codec;
        }

        @Override
        public String describe() {
            return "registered " + codec.getClass().getName();
        }

        @Override
        @SuppressWarnings("unchecked")
        public byte[] write(Object value) throws Exception {
            return withHeader(codec.encode(value));
        }

        @Override
        public Object read(byte[] bytes) throws Exception {
            Object v = codec.decode(payload(bytes));
            if (v != null && !codec.type().isInstance(v)) {
                throw new IllegalArgumentException("the codec gave a " + v.getClass().getName());
            }
            return v;
        }
    }

    /**
     * JSON by the application's own Jackson ({@code ObjectMapper}) or Gson, found through the
     * type's class loader and called reflectively. It builds only the declared type (no polymorphic
     * typing), so what Redis holds decides values, never classes.
     */
    private static final class Json implements Codec {
        private final Class<?> type;
        private final String library;
        private final Object mapper;
        private final Method write;
        private final Method read;
        private final boolean text;

        private Json(Class<?> type, String library, Object mapper, Method write, Method read, boolean text) {
            this.type = type;
            this.library = library;
            this.mapper = mapper;
            this.write = write;
            this.read = read;
            this.text = text;
        }

        static Codec forType(Class<?> type) {
            ClassLoader loader = type.getClassLoader();
            try {
                Class<?> jackson = Class.forName("com.fasterxml.jackson.databind.ObjectMapper", true, loader);
                Object mapper = jackson.getConstructor().newInstance();
                try {
                    mapper = jackson.getMethod("findAndRegisterModules").invoke(mapper);
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    // modules are a nicety (java.time, parameter names); the plain mapper does
                }
                return new Json(type, "Jackson", mapper, jackson.getMethod("writeValueAsBytes", Object.class),
                        jackson.getMethod("readValue", byte[].class, Class.class), false);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // no Jackson: Gson?
            }
            try {
                Class<?> gson = Class.forName("com.google.gson.Gson", true, loader);
                Object mapper = gson.getConstructor().newInstance();
                return new Json(type, "Gson", mapper, gson.getMethod("toJson", Object.class),
                        gson.getMethod("fromJson", String.class, Class.class), true);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }

        @Override
        public String describe() {
            return "json (" + library + ")";
        }

        @Override
        public byte[] write(Object value) throws Exception {
            Object out = invoke(write, value);
            return withHeader(text ? utf8((String) out) : (byte[]) out);
        }

        @Override
        public Object read(byte[] bytes) throws Exception {
            byte[] payload = payload(bytes);
            Object v = text ? invoke(read, strictUtf8(payload), type) : invoke(read, payload, type);
            if (v == null || !type.isInstance(v)) {
                throw new IllegalArgumentException("JSON gave " + (v == null ? "null" : v.getClass().getName()));
            }
            return v;
        }

        private Object invoke(Method m, Object... args) throws Exception {
            try {
                return m.invoke(mapper, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw cause instanceof Exception ? (Exception) cause : e;
            }
        }
    }
}
