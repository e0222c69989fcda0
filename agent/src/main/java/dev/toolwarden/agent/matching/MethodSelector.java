package dev.toolwarden.agent.matching;

import dev.toolwarden.Durations;
import dev.toolwarden.ExecutionKind;
import dev.toolwarden.config.CacheCategorySettings;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.config.Keys;
import dev.toolwarden.config.MethodPattern;
import dev.toolwarden.config.ToolSettings;
import dev.toolwarden.log.Log;
import dev.toolwarden.runtime.CallPolicy;
import dev.toolwarden.runtime.MethodDescriptor;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.Type;

/**
 * Decides which methods are woven and what they are called: the one place that turns a method into
 * its tool name. Works on {@link ClassModel}s read from class files, never on loaded classes, and
 * reads annotations by name, so neither the application's classes nor any annotation type is
 * loaded to decide.
 */
public final class MethodSelector {

    static final String OWN = "dev.toolwarden.annotation.";
    private static final String TOOL = OWN + "Tool";
    private static final String CHAT = OWN + "Chat";
    private static final String TIMEOUT = OWN + "Timeout";
    private static final String CACHED = OWN + "Cached";
    private static final String FALLBACK = OWN + "Fallback";
    private static final String CONVERSATION_ID = OWN + "ConversationId";
    private static final String USER_ID = OWN + "UserId";
    private static final String SESSION_ID = OWN + "SessionId";
    private static final String CACHE_KEY = OWN + "CacheKey";

    private final Configuration configuration;
    private final Set<String> toolAnnotations;
    private final Set<String> chatAnnotations;
    private final List<MethodPattern> patterns;

    /** @param configuration the agent's settings */
    public MethodSelector(Configuration configuration) {
        this.configuration = configuration;
        this.toolAnnotations = new HashSet<>(configuration.get(Keys.TOOL_ANNOTATIONS));
        this.chatAnnotations = new HashSet<>(configuration.get(Keys.CHAT_ANNOTATIONS));
        this.patterns = configuration.get(Keys.METHODS);
    }

    /** @return every annotation name that marks a woven method, for the class-file pre-filter */
    public Set<String> markerAnnotations() {
        Set<String> all = new HashSet<>(toolAnnotations);
        all.addAll(chatAnnotations);
        all.add(TOOL);
        all.add(CHAT);
        all.add(TIMEOUT);
        all.add(CACHED);
        return all;
    }

    /** @return the method patterns of {@code toolwarden.methods} */
    public List<MethodPattern> patterns() {
        return patterns;
    }

    /**
     * @param type a type
     * @return whether any method it declares is woven
     */
    public boolean weavesAny(ClassModel type) {
        if (type.isAnnotation()) {
            return false;
        }
        for (MethodModel m : type.methods()) {
            if (isCandidate(type, m)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param type the declaring type
     * @param method one of its methods
     * @return whether the method is woven (cheap: no validation, no messages)
     */
    public boolean isCandidate(ClassModel type, MethodModel method) {
        if (!method.isMethod() || method.isBridge() || method.isSynthetic()) {
            return false;
        }
        boolean marked = marker(method) != null || matchesPattern(type, method);
        if (marked && (method.isAbstract() || method.isNative())) {
            if (hasOwnAnnotation(method)) {
                Log.warnOnce("abstract:" + describe(type, method), "cannot weave " + describe(type, method)
                        + ": it is " + (method.isNative() ? "native" : "abstract")
                        + "; annotate the method that implements it");
            }
            return false;
        }
        return marked;
    }

    /**
     * Selects a method, validating its annotations; problems are logged once, naming the method,
     * and the defaults are used for what was wrong.
     *
     * @param type the declaring type
     * @param method the method
     * @param facts answers about other types, from the class files of the declaring type's loader
     * @return the selection, or {@code null} when the method is not woven
     */
    public Selection select(ClassModel type, MethodModel method, TypeFacts facts) {
        if (!isCandidate(type, method)) {
            return null;
        }
        String where = describe(type, method);
        AnnotationModel tool = annotation(method, TOOL);
        AnnotationModel chat = annotation(method, CHAT);
        AnnotationModel foreign = marker(method);
        boolean isChat = chat != null || (foreign != null && chatAnnotations.contains(foreign.type()));
        ExecutionKind kind = isChat ? ExecutionKind.CHAT : ExecutionKind.TOOL;

        String name = stringValue(tool != null ? tool : chat, "name");
        if (name.isEmpty() && foreign != null && !foreign.type().startsWith(OWN)) {
            name = stringValue(foreign, "name");
        }
        if (name.isEmpty()) {
            name = defaultName(type, method);
        }
        MethodModel fallbackMethod = fallback(type, method, where, facts);
        boolean asynchronous = isAsynchronous(method);
        CallPolicy policy = policy(type, method, name, tool, where,
                fallbackMethod == null ? null : fallbackMethod.name(), asynchronous);
        int conversation = -1;
        for (int p = 0; p < method.parameterCount(); p++) {
            if (annotationOf(method, p, CONVERSATION_ID)) {
                if (conversation < 0) {
                    conversation = p;
                } else {
                    Log.warnOnce("conv:" + where, "@ConversationId appears more than once on " + where
                            + "; the first one (parameter " + conversation + ") is used");
                }
            }
        }
        if (policy.cacheCategory() != null) {
            policy = withCacheKey(policy, method, where);
        }
        // The value type matters only to a cached method (its codec for the shared tier), and is looked at
        // only then: judging it reads its class file, which an optional dependency may lack.
        ValueType value = policy.cacheCategory() == null ? null : valueType(method, asynchronous);
        boolean exact = value != null && value.exact(facts);
        if (policy.cacheCategory() != null) {
            sharedTierCheck(policy.cacheCategory(), where, value, exact);
        }
        return new Selection(new MethodDescriptor(name, kind, where, policy, asynchronous,
                value == null ? null : value.name(), exact), conversation, fallbackMethod);
    }

    /**
     * The cache key of a cached method: its {@code @CacheKey} parameters (all of them when none is
     * marked), and always its {@code @UserId}, {@code @SessionId} and {@code @ConversationId} ones, so
     * that one user's answer is never another's. A method returning nothing is not cached.
     */
    private static CallPolicy withCacheKey(CallPolicy p, MethodModel method, String where) {
        if (method.returnType().getSort() == Type.VOID) {
            Log.warnOnce("cache-void:" + where, "cannot cache " + where + ": it returns nothing; it is not cached");
            return new CallPolicy(p.softTimeout(), p.hardTimeout(), p.isolate(), null, null, p.maxConcurrent(),
                    p.fallback(), null);
        }
        boolean marked = false;
        for (int i = 0; i < method.parameterCount(); i++) {
            marked |= annotationOf(method, i, CACHE_KEY);
        }
        java.util.List<Integer> key = new java.util.ArrayList<>();
        for (int i = 0; i < method.parameterCount(); i++) {
            if (!marked || annotationOf(method, i, CACHE_KEY) || annotationOf(method, i, USER_ID)
                    || annotationOf(method, i, SESSION_ID) || annotationOf(method, i, CONVERSATION_ID)) {
                key.add(i);
            }
        }
        return new CallPolicy(p.softTimeout(), p.hardTimeout(), p.isolate(), p.cacheCategory(), p.cacheTtl(),
                p.maxConcurrent(), p.fallback(), java.util.List.copyOf(key));
    }

    /**
     * Whether the method's call ends when its returned stage completes: it is declared to return
     * {@code CompletionStage} or {@code CompletableFuture}, so the caller can be given a stage of
     * Toolwarden's. Other subtypes are timed as synchronous calls.
     */
    static boolean isAsynchronous(MethodModel method) {
        String returned = method.returnType().getDescriptor();
        return returned.equals("Ljava/util/concurrent/CompletionStage;")
                || returned.equals("Ljava/util/concurrent/CompletableFuture;");
    }

    /**
     * Says at weave time when a method of a category with a Redis tier cannot use it: its results
     * have no built-in codec and no JSON form (generic, abstract, an interface). A codec registered
     * later still makes them shared; a concrete class is checked at the first call (JSON needs the
     * application's Jackson or Gson).
     */
    private void sharedTierCheck(String category, String where, ValueType value, boolean exact) {
        dev.toolwarden.config.CacheCategorySettings c = configuration.cacheCategories().get(category);
        if (c == null || !c.l2() || configuration.get(Keys.REDIS_URL).isEmpty()) {
            return;
        }
        String name = value == null ? null : value.name();
        if (name != null && (dev.toolwarden.cache.l2.ValueCodecs.builtIn(name) || exact)) {
            return;
        }
        Log.warnOnce("l2-codec:" + where, "results of " + where + (name == null ? "" : " (" + value.typeName() + ")")
                + " have no codec: they are cached in this JVM only, not in Redis (register a dev.toolwarden.ValueCodec"
                + " for the type, or return a concrete, non-generic class and give the application Jackson or Gson)");
    }

    /**
     * What a call gives: its declared type, erased, and whether the declaration was generic.
     *
     * @param type the erasure
     * @param generic whether the declared type has type arguments or is a type variable
     * @param typeName the type as declared, for messages
     */
    record ValueType(Type type, boolean generic, String typeName) {

        /** @return the erasure's name as {@code Class.getName} gives it ({@code [B} for {@code byte[]}) */
        String name() {
            return type.getSort() == Type.ARRAY ? type.getDescriptor().replace('/', '.') : type.getClassName();
        }

        /**
         * Whether values can be rebuilt from JSON: a concrete class, not generic. A type whose class
         * file cannot be read (an optional dependency that is absent) is not.
         */
        boolean exact(TypeFacts facts) {
            if (generic || type.getSort() != Type.OBJECT) {
                return false;
            }
            ClassModel h = facts.header(type.getInternalName());
            return h != null && !h.isInterface() && !h.isAbstract() && !h.isGeneric();
        }
    }

    /** What a call gives: the return type, or the type argument of a returned stage (when declared). */
    static ValueType valueType(MethodModel method, boolean asynchronous) {
        String signature = method.signature();
        String returned = null;
        if (signature != null) {
            returned = signature.substring(signature.indexOf(')') + 1);
            int exceptions = returned.indexOf('^');
            if (exceptions >= 0) {
                returned = returned.substring(0, exceptions);
            }
        }
        if (!asynchronous) {
            Type erasure = method.returnType();
            boolean generic = returned != null && (returned.indexOf('<') >= 0 || returned.startsWith("T"));
            return new ValueType(erasure, generic, generic ? readable(returned) : erasure.getClassName());
        }
        // CompletionStage<X>: X, when it is a class or a parameterized class (not a wildcard or a variable).
        if (returned == null || !returned.endsWith(">;")) {
            return null;
        }
        String argument = returned.substring(returned.indexOf('<') + 1, returned.length() - 2);
        if (argument.isEmpty() || end(argument, 0) != argument.length()) {
            return null; // more than one argument
        }
        int dimensions = 0;
        while (argument.charAt(dimensions) == '[') {
            dimensions++;
        }
        String element = argument.substring(dimensions);
        boolean array = dimensions > 0;
        if (element.charAt(0) != 'L' && !(array && element.length() == 1) || array && element.indexOf('<') >= 0) {
            return null; // a wildcard, a type variable, a generic array
        }
        return new ValueType(Type.getType(erase(argument)), argument.indexOf('<') >= 0, readable(argument));
    }

    /** @return the index just past the type signature that starts at {@code from} */
    private static int end(String signature, int from) {
        int i = from;
        while (i < signature.length() && signature.charAt(i) == '[') {
            i++;
        }
        if (i >= signature.length()) {
            return -1;
        }
        char c = signature.charAt(i);
        if (c != 'L' && c != 'T') {
            return i + 1; // a primitive
        }
        int depth = 0;
        for (; i < signature.length(); i++) {
            char d = signature.charAt(i);
            if (d == '<') {
                depth++;
            } else if (d == '>') {
                depth--;
            } else if (d == ';' && depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** A class type signature without its type arguments: a descriptor. */
    private static String erase(String signature) {
        StringBuilder sb = new StringBuilder(signature.length());
        int depth = 0;
        for (int i = 0; i < signature.length(); i++) {
            char c = signature.charAt(i);
            if (c == '<') {
                depth++;
            } else if (c == '>') {
                depth--;
            } else if (depth == 0) {
                sb.append(c == '.' ? '$' : c);
            }
        }
        return sb.toString();
    }

    /** A signature for a message: {@code java.util.List<java.lang.String>}. */
    private static String readable(String signature) {
        return signature.replace('/', '.').replace(";>", ">").replace(";", ", ").replace("<L", "<").replace(", L", ", ")
                .replaceAll("^L|, $", "").replaceAll(", >", ">");
    }

    /** {@code SimpleClass.method}: the default tool name. */
    static String defaultName(ClassModel type, MethodModel method) {
        String simple = type.simpleName();
        if (simple.isEmpty()) {
            String full = type.name();
            simple = full.substring(full.lastIndexOf('.') + 1);
        }
        return simple + "." + method.name();
    }

    /** A type's simple name, from its name alone: {@code Inner} for {@code Outer$Inner}, {@code int[]}. */
    static String simpleName(Type t) {
        if (t.getSort() == Type.ARRAY) {
            return simpleName(t.getElementType()) + "[]".repeat(t.getDimensions());
        }
        String name = t.getClassName();
        String simple = name.substring(name.lastIndexOf('.') + 1);
        return simple.substring(simple.lastIndexOf('$') + 1);
    }

    /** {@code com.acme.Calc#add(int, String)}: how messages and events name a method. */
    static String describe(ClassModel type, MethodModel method) {
        StringBuilder sb = new StringBuilder(type.name()).append('#').append(method.name()).append('(');
        for (int i = 0; i < method.parameterCount(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(simpleName(method.parameterType(i)));
        }
        return sb.append(')').toString();
    }

    private CallPolicy policy(ClassModel type, MethodModel method, String name,
            AnnotationModel tool, String where, String fallback, boolean asynchronous) {
        Duration soft = configuration.get(Keys.TIMEOUT_SOFT);
        Duration hard = configuration.get(Keys.TIMEOUT_HARD);
        boolean isolate = false;
        // The class's @Timeout, then the method's on top of it: an attribute left at the annotation's
        // default keeps what is below it (the class's limit, or the configured default).
        for (AnnotationModel timeout : new AnnotationModel[] {find(type.annotations(), TIMEOUT),
            annotation(method, TIMEOUT)}) {
            if (timeout != null) {
                soft = duration(timeout, "soft", "30s", soft, "@Timeout", where);
                hard = duration(timeout, "hard", "60s", hard, "@Timeout", where);
                Object isolated = timeout.value("isolate");
                isolate = isolated instanceof Boolean ? (Boolean) isolated : isolate;
            }
        }
        int maxConcurrent = 0;
        if (tool != null) {
            maxConcurrent = intValue(tool, "maxConcurrent");
            if (maxConcurrent < 0) {
                Log.warnOnce("max:" + where, "invalid @Tool(maxConcurrent = " + maxConcurrent + ") on " + where
                        + ": expected 0 (no bound) or more; using 0");
                maxConcurrent = 0;
            }
        }
        String category = null;
        Duration ttl = null;
        AnnotationModel cached = annotation(method, CACHED);
        if (cached != null) {
            category = stringValue(cached, "category").trim().toLowerCase(java.util.Locale.ROOT);
            if (category.isEmpty()) {
                category = "response_cache";
            }
            String ttlText = stringValue(cached, "ttl");
            if (!ttlText.isEmpty()) {
                ttl = duration(cached, "ttl", "", null, "@Cached", where);
            }
        }

        ToolSettings configured = configuration.tool(name).orElse(null);
        if (configured != null) {
            soft = configured.softTimeout() != null ? configured.softTimeout() : soft;
            hard = configured.hardTimeout() != null ? configured.hardTimeout() : hard;
            isolate = configured.isolate() != null ? configured.isolate() : isolate;
            category = configured.cacheCategory() != null ? configured.cacheCategory() : category;
            maxConcurrent = configured.maxConcurrent() != null ? configured.maxConcurrent() : maxConcurrent;
        }
        if (category != null && !configuration.cacheCategories().containsKey(category)) {
            CacheCategorySettings base = configuration.cacheCategories().get("response_cache");
            Log.warnOnce("category:" + category, where + " uses cache category '" + category
                    + "', which is not configured; it gets the response_cache TTL of " + Durations.format(base.ttl())
                    + " (set toolwarden.cache." + category + ".ttl)");
        }
        if (isolate && method.isSynchronized()) {
            // The caller holds the method's monitor while it waits for the worker, and the worker's run of the
            // body takes the same monitor first: each would wait for the other until the hard limit.
            Log.warnOnce("isolate-sync:" + where, "isolate = true cannot apply to " + where + ": it is synchronized, and "
                    + "its body on a worker would wait for the monitor its caller holds; its calls are timed in place");
            isolate = false;
        }
        if (isolate && asynchronous) {
            Log.warnOnce("isolate:" + where, "isolate = true has no effect on " + where + ": it returns a stage, "
                    + "and its limits apply to the stage's completion; the body returns at once, so it is not isolated");
            isolate = false;
        }
        if (!soft.isZero() && !hard.isZero() && soft.compareTo(hard) >= 0) {
            Log.warnOnce("order:" + where, "soft limit " + Durations.format(soft) + " of " + where
                    + " is not below its hard limit " + Durations.format(hard) + ": the soft limit will never be reached");
        }
        return new CallPolicy(soft, hard, isolate, category, ttl, maxConcurrent, fallback);
    }

    /**
     * Checks {@code @Fallback}: a method of the same class with the same parameters, optionally one
     * more {@code Throwable}, whose return type fits.
     */
    private static MethodModel fallback(ClassModel type, MethodModel method, String where, TypeFacts facts) {
        AnnotationModel annotation = annotation(method, FALLBACK);
        if (annotation == null) {
            return null;
        }
        String target = stringValue(annotation, "value");
        List<Type> params = List.of(method.parameterTypes());
        Type returnType = method.returnType();
        String problem = "no method of that name";
        for (MethodModel candidate : type.methods()) {
            if (!candidate.isMethod() || !candidate.name().equals(target)) {
                continue;
            }
            List<Type> cp = List.of(candidate.parameterTypes());
            boolean sameParams = cp.equals(params);
            boolean withThrowable = cp.size() == params.size() + 1 && cp.subList(0, params.size()).equals(params)
                    // The reason passed is a ToolTimeoutException or ResourceExhaustedException (or what the body threw).
                    && takesRuntimeExceptions(cp.get(params.size()));
            if (!sameParams && !withThrowable) {
                problem = "its parameters differ";
                continue;
            }
            if (!returns(candidate.returnType(), returnType, facts)) {
                problem = "it returns " + simpleName(candidate.returnType()) + ", not " + simpleName(returnType);
                continue;
            }
            if (candidate.isStatic() != method.isStatic() && !candidate.isStatic()) {
                problem = "it is an instance method and " + where + " is static";
                continue;
            }
            return candidate;
        }
        Log.warnOnce("fallback:" + where, "invalid @Fallback(\"" + target + "\") on " + where + ": "
                + type.name() + "#" + target + " cannot be its fallback (" + problem + "); expected "
                + target + describeParams(params) + " or " + target + describeParams(params) + " with a trailing "
                + "Throwable (or Exception, RuntimeException), returning " + simpleName(returnType)
                + "; calls get no fallback");
        return null;
    }

    /** Whether a parameter of this type takes a {@code RuntimeException}: it is one of its super types. */
    private static boolean takesRuntimeExceptions(Type parameter) {
        switch (parameter.getDescriptor()) {
            case "Ljava/lang/RuntimeException;", "Ljava/lang/Exception;", "Ljava/lang/Throwable;",
                    "Ljava/lang/Object;", "Ljava/io/Serializable;":
                return true;
            default:
                return false;
        }
    }

    private static boolean returns(Type candidate, Type wanted, TypeFacts facts) {
        if (wanted.getSort() < Type.ARRAY || candidate.getSort() < Type.ARRAY) {
            return candidate.equals(wanted); // void and primitives
        }
        Boolean assignable = facts.isAssignable(candidate, wanted);
        // A type whose class file cannot be read: accept rather than reject a fallback we cannot judge.
        return assignable == null || assignable;
    }

    private static String describeParams(List<Type> params) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < params.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(simpleName(params.get(i)));
        }
        return sb.append(')').toString();
    }

    private static Duration duration(AnnotationModel a, String attribute, String builtIn, Duration fallback,
            String annotation, String where) {
        String text = stringValue(a, attribute);
        if (text.isEmpty() || text.equals(builtIn)) {
            return fallback;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            Log.warnOnce(annotation + attribute + ":" + where, "invalid " + annotation + "(" + attribute + " = \""
                    + text + "\") on " + where + ": expected " + Durations.EXPECTED + "; using "
                    + (fallback == null ? "the category's TTL" : Durations.format(fallback)));
            return fallback;
        }
    }

    private AnnotationModel marker(MethodModel method) {
        // A configured tool or chat annotation names the method and sets its kind, so it must win over
        // @Timeout and @Cached whatever the order the annotations are written in.
        AnnotationModel configured = null;
        AnnotationModel limits = null;
        for (AnnotationModel a : method.annotations()) {
            String n = a.type();
            if (n.equals(TOOL) || n.equals(CHAT)) {
                return a;
            }
            if (toolAnnotations.contains(n) || chatAnnotations.contains(n)) {
                if (configured == null) {
                    configured = a;
                }
            } else if (limits == null && (n.equals(TIMEOUT) || n.equals(CACHED))) {
                limits = a;
            }
        }
        return configured != null ? configured : limits;
    }

    private boolean matchesPattern(ClassModel type, MethodModel method) {
        if (patterns.isEmpty()) {
            return false;
        }
        String typeName = type.name();
        for (MethodPattern p : patterns) {
            if (p.matchesType(typeName) && p.matchesMethod(method.name(), method.isPublic())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasOwnAnnotation(MethodModel method) {
        for (AnnotationModel a : method.annotations()) {
            if (a.type().startsWith(OWN)) {
                return true;
            }
        }
        return false;
    }

    private static AnnotationModel annotation(MethodModel method, String name) {
        return find(method.annotations(), name);
    }

    private static AnnotationModel find(List<AnnotationModel> annotations, String name) {
        for (AnnotationModel a : annotations) {
            if (a.type().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static boolean annotationOf(MethodModel method, int parameter, String name) {
        return find(method.parameterAnnotations(parameter), name) != null;
    }

    /** An attribute's value as written; empty when absent (left at its default) or not a string. */
    private static String stringValue(AnnotationModel a, String attribute) {
        Object v = a == null ? null : a.value(attribute);
        return v instanceof String ? (String) v : "";
    }

    private static int intValue(AnnotationModel a, String attribute) {
        Object v = a == null ? null : a.value(attribute);
        return v instanceof Integer ? (Integer) v : 0;
    }
}
