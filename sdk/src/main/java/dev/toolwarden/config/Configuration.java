package dev.toolwarden.config;

import dev.toolwarden.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Toolwarden's settings, read once from all sources into immutable values.
 *
 * <p>Sources, highest precedence first: agent arguments, system properties ({@code toolwarden.*}),
 * environment variables ({@code TOOLWARDEN_*}, with dots and dashes written as underscores), the
 * properties file named by {@code toolwarden.config}, and the defaults. Every value is parsed
 * here; a bad one (unknown key, malformed value, unreadable file) becomes one line in
 * {@link #problems()} naming the key, the value, its source and what was expected, and the key
 * keeps its default.
 *
 * <p>In agent arguments, pairs are separated by commas, and a list value is written with commas
 * too: an item without {@code =} continues the list of the key before it
 * ({@code methods=com.acme.A#run,com.acme.B#*,timeout.hard=5s}). The {@code toolwarden.} prefix
 * may be left out there.
 */
public final class Configuration {

    private static final String PREFIX = "toolwarden.";
    private static final String ENV_PREFIX = "TOOLWARDEN_";
    private static final List<String> TOOL_SUFFIXES =
            List.of("timeout.soft", "timeout.hard", "isolate", "cache", "max-concurrent");
    private static final List<String> CACHE_SUFFIXES = List.of("ttl", "refresh-after", "max-bytes", "l2-wait", "l2");

    /** The built-in cache categories and their default TTLs. */
    public static final Map<String, Duration> DEFAULT_CATEGORIES = defaultCategories();

    private final Map<Key<?>, Object> values;
    private final Map<Key<?>, ConfigSource> sources;
    private final Map<String, ToolSettings> tools;
    private final Map<String, CacheCategorySettings> categories;
    private final List<String> problems;

    private Configuration(Map<Key<?>, Object> values, Map<Key<?>, ConfigSource> sources,
            Map<String, ToolSettings> tools, Map<String, CacheCategorySettings> categories, List<String> problems) {
        this.values = values;
        this.sources = sources;
        this.tools = tools;
        this.categories = categories;
        this.problems = problems;
    }

    /** @return the defaults, as if no source set anything */
    public static Configuration defaults() {
        return load(null, Map.of(), Map.of());
    }

    /**
     * Reads the configuration of this JVM: the given agent arguments, the system properties and the
     * environment.
     *
     * @param agentArguments the text after {@code =} in {@code -javaagent:...=}, or {@code null}
     * @return the configuration
     */
    public static Configuration fromEnvironment(String agentArguments) {
        Map<String, String> props = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                props.put(name, System.getProperty(name));
            }
        }
        return load(agentArguments, props, System.getenv());
    }

    /**
     * Reads a configuration from explicit sources.
     *
     * @param agentArguments agent arguments, or {@code null}
     * @param systemProperties system properties (only {@code toolwarden.*} ones are read)
     * @param environment environment variables (only {@code TOOLWARDEN_*} ones are read)
     * @return the configuration
     */
    public static Configuration load(String agentArguments, Map<String, String> systemProperties,
            Map<String, String> environment) {
        List<String> problems = new ArrayList<>();
        // Per source, the raw entries in the order they were written.
        EnumMap<ConfigSource, Map<String, Raw>> raw = new EnumMap<>(ConfigSource.class);
        raw.put(ConfigSource.AGENT_ARGUMENT, parseAgentArguments(agentArguments, problems));
        Map<String, Raw> props = new LinkedHashMap<>();
        // Loops rather than lambdas here and below: this runs once, at the agent's start, where each lambda
        // would be a class the JVM spins first.
        for (Map.Entry<String, String> e : new TreeMap<>(systemProperties).entrySet()) {
            String k = e.getKey();
            if (k.startsWith(PREFIX)) {
                props.put(k, new Raw(k, e.getValue(), ConfigSource.SYSTEM_PROPERTY, "-D" + k));
            }
        }
        raw.put(ConfigSource.SYSTEM_PROPERTY, props);
        raw.put(ConfigSource.ENVIRONMENT, parseEnvironment(environment, problems));

        Raw configFile = highest(raw, Keys.CONFIG.name());
        raw.put(ConfigSource.FILE, configFile == null || configFile.value.isBlank()
                ? Map.of() : readFile(configFile, problems));

        // Resolve every raw key to what it configures, highest source first, first one wins.
        Map<String, Raw> chosen = new LinkedHashMap<>();
        for (Map<String, Raw> entries : raw.values()) {
            for (Raw r : entries.values()) {
                String identity = identity(r, problems);
                if (identity != null) {
                    chosen.putIfAbsent(identity, r);
                }
            }
        }

        Map<Key<?>, Object> values = new HashMap<>();
        Map<Key<?>, ConfigSource> sources = new HashMap<>();
        for (Key<?> key : Keys.all()) {
            Raw r = chosen.get(key.name());
            Object value = key.defaultValue();
            ConfigSource source = ConfigSource.DEFAULT;
            if (r != null) {
                try {
                    value = key.parse(r.value);
                    source = r.source;
                } catch (IllegalArgumentException e) {
                    problems.add(r.describe() + " " + e.getMessage() + "; using the default " + formatDefault(key));
                }
            }
            values.put(key, value);
            sources.put(key, source);
        }
        Map<String, ToolSettings> tools = toolSettings(chosen, problems);
        Map<String, CacheCategorySettings> categories = categorySettings(chosen, problems);
        Configuration c = new Configuration(Collections.unmodifiableMap(values), Collections.unmodifiableMap(sources),
                tools, categories, problems);
        c.crossCheck();
        // A value may hold a line break (an escape in the file, an environment variable): keep each problem one line.
        for (int i = 0; i < problems.size(); i++) {
            problems.set(i, problems.get(i).replace("\r", "\\r").replace("\n", "\\n"));
        }
        return c;
    }

    private static <T> String formatDefault(Key<T> key) {
        return key.format(key.defaultValue());
    }

    /**
     * @param key a key
     * @param <T> its type
     * @return its value
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        return (T) values.get(key);
    }

    /**
     * @param key a key
     * @return where its value came from ({@link ConfigSource#DEFAULT} also when a bad value was ignored)
     */
    public ConfigSource sourceOf(Key<?> key) {
        return sources.get(key);
    }

    /**
     * @param toolName a tool name
     * @return its per-tool settings, when configuration has any
     */
    public Optional<ToolSettings> tool(String toolName) {
        return Optional.ofNullable(tools.get(normalize(toolName)));
    }

    /** @return every cache category: the built-in ones and those configured, with their settings */
    public Map<String, CacheCategorySettings> cacheCategories() {
        return categories;
    }

    /** @return one line per bad setting, in the order they were found; empty when all is well */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /**
     * @param key a full key such as {@code toolwarden.timeout.soft}
     * @return its environment variable, such as {@code TOOLWARDEN_TIMEOUT_SOFT}
     */
    public static String environmentName(String key) {
        return normalize(key);
    }

    /** Upper case, with every character that is not a letter or digit as {@code _}. */
    static String normalize(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- sources

    private static final class Raw {
        final String key;
        final String value;
        final ConfigSource source;
        final String origin;

        Raw(String key, String value, ConfigSource source, String origin) {
            this.key = key;
            this.value = value == null ? "" : value;
            this.source = source;
            this.origin = origin;
        }

        String describe() {
            return key + "=" + masked(key, value) + " (" + source.label() + (origin == null ? "" : " " + origin) + ")";
        }
    }

    /** A password, or the password in a URL's user information, as {@code ***}: problem lines end up in logs. */
    static String masked(String key, String value) {
        if (key.toLowerCase(Locale.ROOT).contains("password")) {
            return value.isEmpty() ? value : "***";
        }
        // The password runs to the '@' before the host: whatever it holds but a slash (a space, a '%' that is
        // not an escape: a malformed URL is quoted in its problem line too).
        return value.replaceAll("(://[^:/@\\s]*:)[^@/]*@", "$1***@");
    }

    private static Map<String, Raw> parseAgentArguments(String text, List<String> problems) {
        Map<String, Raw> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        String currentKey = null;
        StringBuilder currentValue = null;
        for (String token : text.split(",")) {
            String t = token.trim();
            if (t.isEmpty()) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq < 0) {
                if (currentKey == null) {
                    problems.add("agent argument '" + t + "' is not key=value; ignored");
                } else {
                    currentValue.append(',').append(t);
                }
                continue;
            }
            if (currentKey != null) {
                putArgument(out, currentKey, currentValue.toString(), problems);
            }
            String k = t.substring(0, eq).trim();
            currentKey = k.startsWith(PREFIX) ? k : PREFIX + k;
            currentValue = new StringBuilder(t.substring(eq + 1).trim());
        }
        if (currentKey != null) {
            putArgument(out, currentKey, currentValue.toString(), problems);
        }
        return out;
    }

    private static void putArgument(Map<String, Raw> out, String key, String value, List<String> problems) {
        Raw earlier = out.put(key, new Raw(key, value, ConfigSource.AGENT_ARGUMENT, null));
        if (earlier != null) {
            problems.add(key + " is given twice in the agent arguments (" + masked(key, earlier.value) + ", then "
                    + masked(key, value) + "); the last one is used");
        }
    }

    private static Map<String, Raw> parseEnvironment(Map<String, String> env, List<String> problems) {
        Map<String, Raw> out = new LinkedHashMap<>();
        // Most environments name no TOOLWARDEN_ variable: then nothing more is done (this runs in premain).
        TreeMap<String, String> ours = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith(ENV_PREFIX)) {
                ours.put(e.getKey(), e.getValue());
            }
        }
        if (ours.isEmpty()) {
            return out;
        }
        Map<String, String> byEnvName = new HashMap<>();
        for (Key<?> key : Keys.all()) {
            byEnvName.put(key.environmentName(), key.name());
        }
        for (Map.Entry<String, String> e : ours.entrySet()) {
            String name = e.getKey();
            String key = byEnvName.get(name);
            if (key == null) {
                key = envPerName(name, "TOOLWARDEN_TOOLS_", TOOL_SUFFIXES, "toolwarden.tools.");
            }
            if (key == null) {
                key = envPerName(name, "TOOLWARDEN_CACHE_", CACHE_SUFFIXES, "toolwarden.cache.");
            }
            if (key == null) {
                String suggestion = suggest(name, Key::environmentName);
                problems.add("unknown configuration variable " + name + "=" + masked(name, e.getValue()) + " ("
                        + ConfigSource.ENVIRONMENT.label() + "); ignored"
                        + (suggestion == null ? "" : " (did you mean " + suggestion + "?)"));
                continue;
            }
            out.put(key, new Raw(key, e.getValue(), ConfigSource.ENVIRONMENT, name));
        }
        return out;
    }

    /** Maps TOOLWARDEN_TOOLS_CALC_ADD_TIMEOUT_SOFT to toolwarden.tools.calc_add.timeout.soft. */
    private static String envPerName(String envName, String envPrefix, List<String> suffixes, String keyPrefix) {
        if (!envName.startsWith(envPrefix)) {
            return null;
        }
        for (String suffix : suffixes) {
            String envSuffix = "_" + normalize(suffix);
            if (envName.endsWith(envSuffix) && envName.length() > envPrefix.length() + envSuffix.length()) {
                String middle = envName.substring(envPrefix.length(), envName.length() - envSuffix.length());
                return keyPrefix + middle.toLowerCase(Locale.ROOT) + "." + suffix;
            }
        }
        return null;
    }

    private static Map<String, Raw> readFile(Raw configKey, List<String> problems) {
        Path path;
        Properties p = new Properties();
        try {
            path = Paths.get(configKey.value.trim()); // InvalidPathException: an IllegalArgumentException
            String text = Files.readString(path, StandardCharsets.UTF_8);
            // A byte-order mark (some editors write one) is not part of the first key.
            p.load(new java.io.StringReader(text.startsWith("\ufeff") ? text.substring(1) : text));
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            problems.add("cannot read " + configKey.describe() + ": " + reason(e) + "; continuing without it");
            return Map.of();
        }
        Map<String, Raw> out = new LinkedHashMap<>();
        for (String name : new TreeMap<>(Map.copyOf(propertiesAsMap(p))).keySet()) {
            String key = name.startsWith(PREFIX) ? name : PREFIX + name;
            out.put(key, new Raw(key, p.getProperty(name), ConfigSource.FILE, path.toString()));
        }
        return out;
    }

    private static Map<String, String> propertiesAsMap(Properties p) {
        Map<String, String> m = new HashMap<>();
        for (String n : p.stringPropertyNames()) {
            m.put(n, p.getProperty(n));
        }
        return m;
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }

    private static Raw highest(EnumMap<ConfigSource, Map<String, Raw>> raw, String key) {
        for (Map<String, Raw> entries : raw.values()) {
            Raw r = entries.get(key);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- keys

    /** What a raw key configures: the fixed key's name, or tools|NAME|suffix, or cache|cat|suffix. */
    private static String identity(Raw r, List<String> problems) {
        if (Keys.byName(r.key) != null) {
            return r.key;
        }
        String perTool = perName(r.key, "toolwarden.tools.", TOOL_SUFFIXES);
        if (perTool != null) {
            return "tools|" + perTool;
        }
        String perCategory = perName(r.key, "toolwarden.cache.", CACHE_SUFFIXES);
        if (perCategory != null) {
            return "cache|" + perCategory;
        }
        String suggestion = suggest(r.key, Key::name);
        problems.add("unknown configuration key " + r.describe() + "; ignored"
                + (suggestion == null ? "" : " (did you mean " + suggestion + "?)"));
        return null;
    }

    /** For toolwarden.tools.Calc.add.timeout.soft, returns "Calc.add|timeout.soft". */
    private static String perName(String key, String prefix, List<String> suffixes) {
        if (!key.startsWith(prefix)) {
            return null;
        }
        for (String suffix : suffixes) {
            if (key.endsWith("." + suffix) && key.length() > prefix.length() + suffix.length() + 1) {
                return key.substring(prefix.length(), key.length() - suffix.length() - 1) + "|" + suffix;
            }
        }
        return null;
    }

    private static Map<String, ToolSettings> toolSettings(Map<String, Raw> chosen, List<String> problems) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Map<String, Raw>> byTool = new LinkedHashMap<>();
        for (Map.Entry<String, Raw> e : chosen.entrySet()) {
            String identity = e.getKey();
            if (identity.startsWith("tools|")) {
                String[] parts = identity.split("\\|");
                String n = normalize(parts[1]);
                names.putIfAbsent(n, parts[1]);
                byTool.computeIfAbsent(n, x -> new LinkedHashMap<>()).putIfAbsent(parts[2], e.getValue());
            }
        }
        Map<String, ToolSettings> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Raw>> e : byTool.entrySet()) {
            String n = e.getKey();
            Map<String, Raw> settings = e.getValue();
            Duration soft = perValue(settings.get("timeout.soft"), Keys::parseDuration, problems);
            Duration hard = perValue(settings.get("timeout.hard"), Keys::parseDuration, problems);
            Boolean isolate = perValue(settings.get("isolate"), Keys::parseBoolean, problems);
            String cache = perValue(settings.get("cache"), Configuration::categoryName, problems);
            Integer max = perValue(settings.get("max-concurrent"), Keys::nonNegativeInt, problems);
            out.put(n, new ToolSettings(names.get(n), soft, hard, isolate, cache, max));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, CacheCategorySettings> categorySettings(Map<String, Raw> chosen, List<String> problems) {
        Map<String, Map<String, Raw>> byCategory = new LinkedHashMap<>();
        for (Map.Entry<String, Raw> e : chosen.entrySet()) {
            String identity = e.getKey();
            if (identity.startsWith("cache|")) {
                String[] parts = identity.split("\\|");
                byCategory.computeIfAbsent(parts[1].toLowerCase(Locale.ROOT), x -> new LinkedHashMap<>())
                        .putIfAbsent(parts[2], e.getValue());
            }
        }
        Map<String, CacheCategorySettings> out = new LinkedHashMap<>();
        for (Map.Entry<String, Duration> e : DEFAULT_CATEGORIES.entrySet()) {
            out.put(e.getKey(), new CacheCategorySettings(e.getKey(), e.getValue(), null));
        }
        for (Map.Entry<String, Map<String, Raw>> e : byCategory.entrySet()) {
            String name = e.getKey();
            Map<String, Raw> settings = e.getValue();
            if (!name.matches("[a-z0-9_\\-]+")) {
                problems.add("cache category '" + name + "' in " + settings.values().iterator().next().describe()
                        + " is not a name of letters, digits, '_' and '-'; ignored");
                continue;
            }
            CacheCategorySettings base = out.getOrDefault(name,
                    new CacheCategorySettings(name, DEFAULT_CATEGORIES.get("response_cache"), null));
            Duration ttl = perValue(settings.get("ttl"), Keys::parseDuration, problems);
            Duration refresh = perValue(settings.get("refresh-after"), Keys::parseDuration, problems);
            Long maxBytes = perValue(settings.get("max-bytes"), DataSize::parse, problems);
            Boolean l2 = perValue(settings.get("l2"), Configuration::tier, problems);
            Duration l2Wait = perValue(settings.get("l2-wait"), Keys::parseDuration, problems);
            out.put(name, new CacheCategorySettings(name, ttl == null ? base.ttl() : ttl,
                    refresh == null || refresh.isZero() ? base.refreshAfter() : refresh,
                    maxBytes == null || maxBytes <= 0 ? base.maxBytes() : maxBytes, l2 == null ? base.l2() : l2,
                    l2Wait == null || l2Wait.isZero() ? base.l2Wait() : l2Wait));
        }
        return Collections.unmodifiableMap(out);
    }

    private static <T> T perValue(Raw r, java.util.function.Function<String, T> parser, List<String> problems) {
        if (r == null) {
            return null;
        }
        try {
            return parser.apply(r.value);
        } catch (IllegalArgumentException e) {
            problems.add(r.describe() + " " + e.getMessage() + "; ignored");
            return null;
        }
    }

    private static Boolean tier(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("redis")) {
            return Boolean.TRUE;
        }
        if (s.equals("none") || s.isEmpty()) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("is not a second-level tier (expected redis or none)");
    }

    private static String categoryName(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (!s.matches("[a-z0-9_\\-]+")) {
            throw new IllegalArgumentException("is not a cache category name (letters, digits, '_' and '-')");
        }
        return s;
    }

    private void crossCheck() {
        if (get(Keys.REDIS_URL).isEmpty()) {
            for (CacheCategorySettings c : categories.values()) {
                if (c.l2()) {
                    problems.add("toolwarden.cache." + c.category()
                            + ".l2=redis needs toolwarden.redis.url; the category is cached in each JVM only");
                }
            }
        }
        order(Keys.TIMEOUT_SOFT, Keys.TIMEOUT_HARD);
        order(Keys.MEMORY_SOFT, Keys.MEMORY_HARD);
        order(Keys.CPU_SOFT, Keys.CPU_HARD);
        order(Keys.DB_SOFT, Keys.DB_HARD);
        order(Keys.CONVERSATION_SOFT, Keys.CONVERSATION_HARD);
        for (ToolSettings t : tools.values()) {
            if (t.softTimeout() != null && t.hardTimeout() != null && !t.softTimeout().isZero()
                    && !t.hardTimeout().isZero() && t.softTimeout().compareTo(t.hardTimeout()) >= 0) {
                problems.add("toolwarden.tools." + t.name() + ".timeout.soft=" + Durations.format(t.softTimeout())
                        + " is not below its timeout.hard=" + Durations.format(t.hardTimeout())
                        + ": the soft limit will never be reached");
            }
        }
    }

    private <T extends Comparable<T>> void order(Key<T> soft, Key<T> hard) {
        T s = get(soft);
        T h = get(hard);
        boolean disabled = s instanceof Duration && (((Duration) s).isZero() || ((Duration) h).isZero());
        if (!disabled && s.compareTo(h) >= 0 && (sources.get(soft) != ConfigSource.DEFAULT
                || sources.get(hard) != ConfigSource.DEFAULT)) {
            problems.add(soft.name() + "=" + soft.format(s) + " is not below " + hard.name() + "=" + hard.format(h)
                    + ": the soft level will never be reached before the hard one");
        }
    }

    private static String suggest(String key, java.util.function.Function<Key<?>, String> spelling) {
        String best = null;
        int bestDistance = 4;
        for (Key<?> k : Keys.all()) {
            String candidate = spelling.apply(k);
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Map<String, Duration> defaultCategories() {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put("tool_performance", Duration.ofHours(1));
        m.put("tool_recommendations", Duration.ofMinutes(30));
        m.put("response_cache", Duration.ofMinutes(10));
        m.put("context_cache", Duration.ofMinutes(15));
        m.put("query_analysis", Duration.ofMinutes(20));
        return Collections.unmodifiableMap(m);
    }
}
