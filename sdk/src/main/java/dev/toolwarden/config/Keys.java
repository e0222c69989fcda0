package dev.toolwarden.config;

import dev.toolwarden.Durations;
import dev.toolwarden.log.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Every fixed configuration key of Toolwarden, with its default and its parser. */
public final class Keys {

    private static final Map<String, Key<?>> ALL = new LinkedHashMap<>();

    /** {@code toolwarden.enabled}: {@code false} makes the agent transform nothing. */
    public static final Key<Boolean> ENABLED = bool("toolwarden.enabled", true,
            "false: the agent transforms nothing");
    /** {@code toolwarden.strict}: bad configuration stops the JVM at start-up. */
    public static final Key<Boolean> STRICT = bool("toolwarden.strict", false,
            "true: bad configuration stops the JVM at start-up");
    /** {@code toolwarden.config}: a properties file with more settings. */
    public static final Key<String> CONFIG = string("toolwarden.config", "",
            "a properties file with more settings (lowest precedence but for the defaults)");
    /** {@code toolwarden.tool.annotations}: more annotations, by class name, that mark tools. */
    public static final Key<List<String>> TOOL_ANNOTATIONS = nameList("toolwarden.tool.annotations",
            List.of("dev.langchain4j.agent.tool.Tool", "org.springframework.ai.tool.annotation.Tool"),
            "more annotations (by class name) that mark tools");
    /** {@code toolwarden.chat.annotations}: more annotations that mark chat handlers. */
    public static final Key<List<String>> CHAT_ANNOTATIONS = nameList("toolwarden.chat.annotations", List.of(),
            "more annotations (by class name) that mark chat handlers");
    /** {@code toolwarden.methods}: tool methods chosen by pattern. */
    public static final Key<List<MethodPattern>> METHODS = add(new Key<>("toolwarden.methods", List.of(),
            conv(Conv.PATTERN_LIST), conv(Conv.JOIN_LIST),
            "tool methods by pattern: com.acme.Search#query, com.acme.tools.*#*"));
    /** {@code toolwarden.include}: package prefixes to consider; empty means all. */
    public static final Key<List<String>> INCLUDE = nameList("toolwarden.include", List.of(),
            "package prefixes to consider (default: all)");
    /** {@code toolwarden.exclude}: package prefixes to skip. */
    public static final Key<List<String>> EXCLUDE = nameList("toolwarden.exclude", List.of(),
            "package prefixes to skip");
    /** {@code toolwarden.timeout.soft}: the default soft limit. */
    public static final Key<Duration> TIMEOUT_SOFT = duration("toolwarden.timeout.soft", Duration.ofSeconds(30),
            "default soft limit of a woven call");
    /** {@code toolwarden.timeout.hard}: the default hard limit. */
    public static final Key<Duration> TIMEOUT_HARD = duration("toolwarden.timeout.hard", Duration.ofSeconds(60),
            "default hard limit of a woven call");
    /** {@code toolwarden.isolation.threads}: the bound on worker threads for isolated calls. */
    public static final Key<Integer> ISOLATION_THREADS = add(new Key<>("toolwarden.isolation.threads", 64,
            conv(Conv.POSITIVE_INT), conv(Conv.VALUE_OF),
            "worker threads for isolated calls (@Timeout(isolate = true)); past it, calls are rejected"));
    /** {@code toolwarden.cache.max-size}: entries per cache category. */
    public static final Key<Integer> CACHE_MAX_SIZE = add(new Key<>("toolwarden.cache.max-size", 1000,
            conv(Conv.POSITIVE_INT), conv(Conv.VALUE_OF), "entries per cache category"));
    /** {@code toolwarden.shedding}: shed tool calls while a hard memory or CPU limit holds. */
    public static final Key<Boolean> SHEDDING = bool("toolwarden.shedding", true,
            "shed tool calls while a hard memory or CPU limit holds");
    /** {@code toolwarden.shedding.chat}: shed chat handlers too, not only tools. */
    public static final Key<Boolean> SHEDDING_CHAT = bool("toolwarden.shedding.chat", false,
            "true: chat handlers are shed too while a hard memory or CPU limit holds (default: only tools)");
    /** {@code toolwarden.conversation.max}: the most conversations tracked at once. */
    public static final Key<Integer> CONVERSATION_MAX = add(new Key<>("toolwarden.conversation.max", 100_000,
            conv(Conv.POSITIVE_INT), conv(Conv.VALUE_OF),
            "the most conversations tracked at once; past it some are dropped before they are idle (logged)"));
    /** {@code toolwarden.conversation.idle}: drop conversations idle this long. */
    public static final Key<Duration> CONVERSATION_IDLE = positiveDuration("toolwarden.conversation.idle",
            Duration.ofMinutes(30), "drop conversations idle this long");
    /** {@code toolwarden.limits.memory.soft}: % of memory in use (system memory or heap after GC, the higher). */
    public static final Key<Double> MEMORY_SOFT = percent("toolwarden.limits.memory.soft", 80,
            "% of memory in use: system memory or heap after GC, the higher");
    /** {@code toolwarden.limits.memory.hard}: % of memory in use (system memory or heap after GC, the higher). */
    public static final Key<Double> MEMORY_HARD = percent("toolwarden.limits.memory.hard", 90,
            "% of memory in use: system memory or heap after GC, the higher");
    /** {@code toolwarden.limits.cpu.soft}: % CPU. */
    public static final Key<Double> CPU_SOFT = percent("toolwarden.limits.cpu.soft", 70, "% CPU");
    /** {@code toolwarden.limits.cpu.hard}: % CPU. */
    public static final Key<Double> CPU_HARD = percent("toolwarden.limits.cpu.hard", 85, "% CPU");
    /** {@code toolwarden.limits.db.soft}: % of a pool's connections in use. */
    public static final Key<Double> DB_SOFT = percent("toolwarden.limits.db.soft", 80,
            "% of a pool's connections in use");
    /** {@code toolwarden.limits.db.hard}: % of a pool's connections in use. */
    public static final Key<Double> DB_HARD = percent("toolwarden.limits.db.hard", 95,
            "% of a pool's connections in use");
    /** {@code toolwarden.limits.conversation.soft}: memory of one conversation. */
    public static final Key<Long> CONVERSATION_SOFT = dataSize("toolwarden.limits.conversation.soft", 50L << 20,
            "memory of one conversation");
    /** {@code toolwarden.limits.conversation.hard}: memory of one conversation. */
    public static final Key<Long> CONVERSATION_HARD = dataSize("toolwarden.limits.conversation.hard", 100L << 20,
            "memory of one conversation");
    /** {@code toolwarden.monitor.interval}: resource sampling period. */
    public static final Key<Duration> MONITOR_INTERVAL = positiveDuration("toolwarden.monitor.interval",
            Duration.ofSeconds(1), "resource sampling period");
    /**
     * {@code toolwarden.startup.grace}: how long after the agent starts the work that serves only later
     * waits: OSHI's set-up (the monitor samples the JDK's figures until then) and the JMX beans.
     */
    public static final Key<Duration> STARTUP_GRACE = duration("toolwarden.startup.grace", Duration.ofSeconds(10),
            "how long after start OSHI's set-up and the JMX beans wait, off the application's start-up");
    /** {@code toolwarden.jfr.arguments}: what events record of argument values. */
    public static final Key<ArgumentRecording> JFR_ARGUMENTS = add(new Key<>("toolwarden.jfr.arguments",
            ArgumentRecording.NONE, conv(Conv.ARGUMENT_RECORDING), conv(Conv.LOWER_NAME),
            "none, hash or full: what events record of argument values"));
    /** {@code toolwarden.jfr.record}: a file the agent records to and dumps on exit. */
    public static final Key<String> JFR_RECORD = string("toolwarden.jfr.record", "",
            "a file: the agent records to it and dumps it on exit");
    /** {@code toolwarden.db.url}: where tool metrics persist. */
    public static final Key<String> DB_URL = add(new Key<>("toolwarden.db.url", "", conv(Conv.JDBC_URL),
            conv(Conv.DB_URL_SHOWN),
            "JDBC URL where tool metrics persist (default: embedded H2 under ~/.toolwarden; none: not persisted)"));
    /** {@code toolwarden.db.user}: the metrics database's user. */
    public static final Key<String> DB_USER = string("toolwarden.db.user", "", "the metrics database's user");
    /** {@code toolwarden.db.password}: the metrics database's password. */
    public static final Key<String> DB_PASSWORD = string("toolwarden.db.password", "",
            "the metrics database's password");
    /** {@code toolwarden.db.flush-interval}: how often tool metrics are written. */
    public static final Key<Duration> DB_FLUSH = positiveDuration("toolwarden.db.flush-interval", Duration.ofSeconds(10),
            "how often tool metrics are written to the database");
    /** {@code toolwarden.application}: the application's name in the metrics database. */
    public static final Key<String> APPLICATION = string("toolwarden.application", "default",
            "the application's name: the metrics database keeps one set of tool metrics per application");
    /** {@code toolwarden.redis.url}: the Redis server of the shared second-level cache. */
    public static final Key<String> REDIS_URL = add(new Key<>("toolwarden.redis.url", "", conv(Conv.REDIS_URL),
            conv(Conv.REDIS_URL_SHOWN),
            "redis://host:port[/database] of the shared cache tier that categories with .l2=redis use (default: none)"));
    /** {@code toolwarden.redis.timeout}: the bound on every Redis operation. */
    public static final Key<Duration> REDIS_TIMEOUT = positiveDuration("toolwarden.redis.timeout", Duration.ofMillis(100),
            "the bound on every Redis operation; past it the call goes on without the shared tier");
    /** {@code toolwarden.redis.retry}: how often a Redis that is down is tried again. */
    public static final Key<Duration> REDIS_RETRY = positiveDuration("toolwarden.redis.retry", Duration.ofSeconds(2),
            "how often a Redis that cannot be reached is tried again");
    /** {@code toolwarden.accounting.cpu}: whether calls measure their CPU time. */
    public static final Key<CpuAccounting> ACCOUNTING_CPU = add(new Key<>("toolwarden.accounting.cpu",
            CpuAccounting.ON, conv(Conv.CPU_ACCOUNTING), conv(Conv.VALUE_OF),
            "on, off or 1/N: measure CPU time of every call, none, or one in N"));
    /** {@code toolwarden.jmx}: publish MXBeans under the {@code dev.toolwarden} domain. */
    public static final Key<Boolean> JMX = bool("toolwarden.jmx", true,
            "publish statistics as MXBeans under the dev.toolwarden JMX domain");
    /** {@code toolwarden.log.level}: the lowest level of Toolwarden's own log lines. */
    public static final Key<Log.Level> LOG_LEVEL = add(new Key<>("toolwarden.log.level", Log.Level.INFO,
            conv(Conv.LOG_LEVEL), conv(Conv.LOWER_NAME), "debug, info, warn, error or off"));
    /** {@code toolwarden.debug.fail}: injected internal failures, for tests. */
    public static final Key<FaultInjection> DEBUG_FAIL = add(new Key<>("toolwarden.debug.fail", FaultInjection.NONE,
            conv(Conv.FAULT_INJECTION), conv(Conv.LOWER_NAME),
            "none, enter, exit, weave, cache, monitor or jfr: fail inside Toolwarden on purpose (tests only)"));

    private Keys() {
    }

    /** @return every fixed key, in documentation order */
    public static List<Key<?>> all() {
        return Collections.unmodifiableList(new ArrayList<>(ALL.values()));
    }

    static Key<?> byName(String name) {
        return ALL.get(name);
    }

    /**
     * The parsers and formatters of the keys, as one class that switches on what it is: written as
     * lambdas, each would be a class the JVM spins at the agent's start-up (34 of them, about a
     * millisecond each, before the JIT has compiled the spinning), for code that runs once.
     */
    private static final class Conv implements Function<Object, Object> {
        static final int BOOLEAN = 0;
        static final int VALUE_OF = 1;
        static final int TRIM = 2;
        static final int NONE_IF_EMPTY = 3;
        static final int DURATION = 4;
        static final int POSITIVE_DURATION = 5;
        static final int DURATION_SHOWN = 6;
        static final int PERCENT = 7;
        static final int PERCENT_SHOWN = 8;
        static final int DATA_SIZE = 9;
        static final int DATA_SIZE_SHOWN = 10;
        static final int NAME_LIST = 11;
        static final int PATTERN_LIST = 12;
        static final int JOIN_LIST = 13;
        static final int POSITIVE_INT = 14;
        static final int ARGUMENT_RECORDING = 15;
        static final int CPU_ACCOUNTING = 16;
        static final int LOG_LEVEL = 17;
        static final int FAULT_INJECTION = 18;
        static final int LOWER_NAME = 19;
        static final int JDBC_URL = 20;
        static final int DB_URL_SHOWN = 21;
        static final int REDIS_URL = 22;
        static final int REDIS_URL_SHOWN = 23;

        private final int what;

        Conv(int what) {
            this.what = what;
        }

        @Override
        public Object apply(Object v) {
            switch (what) {
                case BOOLEAN: return parseBoolean((String) v);
                case VALUE_OF: return String.valueOf(v);
                case TRIM: return ((String) v).trim();
                case NONE_IF_EMPTY: return ((String) v).isEmpty() ? "(none)" : v;
                case DURATION: return parseDuration((String) v);
                case POSITIVE_DURATION: return positiveDuration((String) v);
                case DURATION_SHOWN: return Durations.format((Duration) v);
                case PERCENT: return parsePercent((String) v);
                case PERCENT_SHOWN: return formatPercent((Double) v);
                case DATA_SIZE: return DataSize.parse((String) v);
                case DATA_SIZE_SHOWN: return DataSize.format((Long) v);
                case NAME_LIST: return list((String) v, new Conv(-1));
                case PATTERN_LIST: return list((String) v, new Conv(-2));
                case JOIN_LIST: return joinList((List<?>) v);
                case POSITIVE_INT: return positiveInt((String) v);
                case ARGUMENT_RECORDING: return ArgumentRecording.parse((String) v);
                case CPU_ACCOUNTING: return CpuAccounting.parse((String) v);
                case LOG_LEVEL: return Log.parseLevel((String) v);
                case FAULT_INJECTION: return FaultInjection.parse((String) v);
                case LOWER_NAME: return ((Enum<?>) v).name().toLowerCase(Locale.ROOT);
                case JDBC_URL: return jdbcUrl((String) v);
                case DB_URL_SHOWN: return ((String) v).isEmpty() ? "embedded H2" : v;
                case REDIS_URL: return redisUrl((String) v);
                case REDIS_URL_SHOWN: return ((String) v).isEmpty() ? "none"
                        : Configuration.masked("toolwarden.redis.url", (String) v);
                case -1: return javaName((String) v); // an item of NAME_LIST
                case -2: return MethodPattern.parse((String) v); // an item of PATTERN_LIST
                default: throw new IllegalStateException("no conversion " + what);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <A, B> Function<A, B> conv(int what) {
        return (Function<A, B>) (Function<?, ?>) new Conv(what);
    }

    private static Duration positiveDuration(String text) {
        Duration d = parseDuration(text);
        if (d.isZero()) {
            throw new IllegalArgumentException("is zero: expected a positive duration such as 1s");
        }
        return d;
    }

    private static <T> Key<T> add(Key<T> key) {
        ALL.put(key.name(), key);
        return key;
    }

    private static Key<Boolean> bool(String name, boolean def, String description) {
        return add(new Key<>(name, def, conv(Conv.BOOLEAN), conv(Conv.VALUE_OF), description));
    }

    static String redisUrl(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("none")) {
            return "";
        }
        if (!t.startsWith("redis://") && !t.startsWith("rediss://")) {
            throw new IllegalArgumentException("is not a Redis URL (expected redis://host:port or rediss://host:port)");
        }
        try {
            java.net.URI uri = java.net.URI.create(t);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("names no host (expected redis://host:port)");
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                throw new IllegalArgumentException("has a port " + uri.getPort() + " that is not between 1 and 65535");
            }
            String path = uri.getPath();
            if (path != null && path.length() > 1 && !path.substring(1).matches("\\d{1,3}")) {
                throw new IllegalArgumentException("has a database '" + path.substring(1) + "' that is not a number");
            }
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && (e.getMessage().startsWith("names") || e.getMessage().startsWith("has"))
                    ? e : new IllegalArgumentException("is not a Redis URL (" + (e.getCause() instanceof java.net.URISyntaxException u
                            // Its message quotes the input, password included: the reason and where, only.
                            ? u.getReason() + " at index " + u.getIndex() : e.getMessage()) + ")");
        }
        return t;
    }

    private static Key<String> string(String name, String def, String description) {
        return add(new Key<>(name, def, conv(Conv.TRIM), conv(Conv.NONE_IF_EMPTY), description));
    }

    private static Key<Duration> duration(String name, Duration def, String description) {
        return add(new Key<>(name, def, conv(Conv.DURATION), conv(Conv.DURATION_SHOWN), description));
    }

    private static Key<Duration> positiveDuration(String name, Duration def, String description) {
        return add(new Key<>(name, def, conv(Conv.POSITIVE_DURATION), conv(Conv.DURATION_SHOWN), description));
    }

    private static Key<Double> percent(String name, double def, String description) {
        return add(new Key<>(name, def, conv(Conv.PERCENT), conv(Conv.PERCENT_SHOWN), description));
    }

    private static Key<Long> dataSize(String name, long def, String description) {
        return add(new Key<>(name, def, conv(Conv.DATA_SIZE), conv(Conv.DATA_SIZE_SHOWN), description));
    }

    private static Key<List<String>> nameList(String name, List<String> def, String description) {
        return add(new Key<>(name, def, conv(Conv.NAME_LIST), conv(Conv.JOIN_LIST), description));
    }

    static Duration parseDuration(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not " + Durations.EXPECTED);
        }
    }

    static boolean parseBoolean(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) {
            return true;
        }
        if (s.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("is not true or false");
    }

    static int nonNegativeInt(String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new IllegalArgumentException("is not a whole number of 0 or more");
    }

    private static int positiveInt(String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new IllegalArgumentException("is not a whole number of 1 or more");
    }

    private static double parsePercent(String text) {
        String s = text.trim();
        if (s.endsWith("%")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a percentage between 0 and 100");
        }
        if (!(v >= 0 && v <= 100)) {
            throw new IllegalArgumentException("is not a percentage between 0 and 100");
        }
        if (v == 0) { // -0 too
            throw new IllegalArgumentException("is 0, which every sample reaches (it would alert, or shed every call, for"
                    + " good): expected a percentage above 0, at most 100 (100 for never)");
        }
        return v;
    }

    private static String formatPercent(Double v) {
        return v == Math.rint(v) ? String.valueOf(v.longValue()) : String.valueOf(v);
    }

    private static String jdbcUrl(String text) {
        String s = text.trim();
        if (!s.isEmpty() && !s.equals("none") && !s.startsWith("jdbc:")) {
            throw new IllegalArgumentException("is not a JDBC URL (jdbc:...) or none");
        }
        return s;
    }

    private static String javaName(String item) {
        if (!item.matches("[\\w$]+(\\.[\\w$]+)*\\.?")) {
            throw new IllegalArgumentException("has '" + item + "', which is not a Java class or package name");
        }
        return item;
    }

    /** Splits a comma-separated list, trimming items and dropping empty ones. */
    static <T> List<T> list(String text, Function<? super String, ? extends T> item) {
        List<T> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(item.apply(p));
            }
        }
        return List.copyOf(out);
    }

    private static String joinList(List<?> values) {
        if (values.isEmpty()) {
            return "(empty)";
        }
        StringBuilder sb = new StringBuilder();
        for (Object v : values) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(v);
        }
        return sb.toString();
    }
}
