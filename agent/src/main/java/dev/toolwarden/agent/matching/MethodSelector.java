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
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationValue;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.method.ParameterList;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;

/**
 * Decides which methods are woven and what they are called: the one place that turns a method into
 * its tool name. Works on descriptions read from class files, never on loaded classes, and reads
 * annotations by name, so neither the application's classes nor any annotation type is loaded to
 * decide.
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
    private final ThreadLocal<Object[]> last = new ThreadLocal<>();

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
    public boolean weavesAny(TypeDescription type) {
        if (type.isAnnotation()) {
            return false;
        }
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
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
    public boolean isCandidate(TypeDescription type, MethodDescription method) {
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
     * @return the selection, or {@code null} when the method is not woven
     */
    public Selection select(TypeDescription type, MethodDescription method) {
        // Each woven method is selected several times while its advice is woven (once per binding):
        // the last answer on this thread is kept, by name, until forget() at the end of the class.
        String key = type.getName() + '#' + method.getInternalName() + method.getDescriptor();
        Object[] memo = last.get();
        if (memo != null && key.equals(memo[0])) {
            return (Selection) memo[1];
        }
        Selection s = selectOnce(type, method);
        last.set(new Object[] {key, s});
        return s;
    }

    /** Drops what {@link #select} remembers on this thread; called when a class has been woven. */
    public void forget() {
        last.remove();
    }

    private Selection selectOnce(TypeDescription type, MethodDescription method) {
        if (!isCandidate(type, method)) {
            return null;
        }
        String where = describe(type, method);
        AnnotationDescription tool = annotation(method, TOOL);
        AnnotationDescription chat = annotation(method, CHAT);
        AnnotationDescription foreign = marker(method);
        boolean isChat = chat != null || (foreign != null && chatAnnotations.contains(name(foreign)));
        ExecutionKind kind = isChat ? ExecutionKind.CHAT : ExecutionKind.TOOL;

        String name = stringValue(tool != null ? tool : chat, "name");
        if (name.isEmpty() && foreign != null && !name(foreign).startsWith(OWN)) {
            name = stringValue(foreign, "name");
        }
        if (name.isEmpty()) {
            name = defaultName(type, method);
        }
        MethodDescription.InDefinedShape fallbackMethod = fallback(type, method, where);
        boolean asynchronous = isAsynchronous(method);
        CallPolicy policy = policy(type, method, name, tool, where,
                fallbackMethod == null ? null : fallbackMethod.getName(), asynchronous);
        int conversation = -1;
        ParameterList<?> parameters = method.getParameters();
        for (ParameterDescription p : parameters) {
            if (annotationOf(p, CONVERSATION_ID)) {
                if (conversation < 0) {
                    conversation = p.getIndex();
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
        // only then: resolving a return type reads its class file, which an optional dependency may lack.
        TypeDescription.Generic value = policy.cacheCategory() == null ? null : valueType(method, asynchronous);
        boolean exact = value != null && exact(value);
        if (policy.cacheCategory() != null) {
            sharedTierCheck(policy.cacheCategory(), where, value, exact);
        }
        return new Selection(new MethodDescriptor(name, kind, where, policy, asynchronous,
                value == null ? null : value.asErasure().getName(), exact), conversation, fallbackMethod);
    }

    /**
     * The cache key of a cached method: its {@code @CacheKey} parameters (all of them when none is
     * marked), and always its {@code @UserId}, {@code @SessionId} and {@code @ConversationId} ones, so
     * that one user's answer is never another's. A method returning nothing is not cached.
     */
    private static CallPolicy withCacheKey(CallPolicy p, MethodDescription method, String where) {
        if (method.getReturnType().represents(void.class)) {
            Log.warnOnce("cache-void:" + where, "cannot cache " + where + ": it returns nothing; it is not cached");
            return new CallPolicy(p.softTimeout(), p.hardTimeout(), p.isolate(), null, null, p.maxConcurrent(),
                    p.fallback(), null);
        }
        ParameterList<?> parameters = method.getParameters();
        boolean marked = false;
        for (ParameterDescription parameter : parameters) {
            marked |= annotationOf(parameter, CACHE_KEY);
        }
        java.util.List<Integer> key = new java.util.ArrayList<>();
        for (ParameterDescription parameter : parameters) {
            if (!marked || annotationOf(parameter, CACHE_KEY) || annotationOf(parameter, USER_ID)
                    || annotationOf(parameter, SESSION_ID) || annotationOf(parameter, CONVERSATION_ID)) {
                key.add(parameter.getIndex());
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
    static boolean isAsynchronous(MethodDescription method) {
        // From the descriptor: resolving the return type would read its class file, which an optional
        // dependency that is absent does not have (H2's geometry methods without JTS, say).
        String descriptor = method.getDescriptor();
        String returned = descriptor.substring(descriptor.indexOf(')') + 1);
        return returned.equals("Ljava/util/concurrent/CompletionStage;")
                || returned.equals("Ljava/util/concurrent/CompletableFuture;");
    }

    /**
     * Says at weave time when a method of a category with a Redis tier cannot use it: its results
     * have no built-in codec and no JSON form (generic, abstract, an interface). A codec registered
     * later still makes them shared; a concrete class is checked at the first call (JSON needs the
     * application's Jackson or Gson).
     */
    private void sharedTierCheck(String category, String where, TypeDescription.Generic value, boolean exact) {
        dev.toolwarden.config.CacheCategorySettings c = configuration.cacheCategories().get(category);
        if (c == null || !c.l2() || configuration.get(Keys.REDIS_URL).isEmpty()) {
            return;
        }
        String name = value == null ? null : value.asErasure().getName();
        if (name != null && (dev.toolwarden.cache.l2.ValueCodecs.builtIn(name) || exact)) {
            return;
        }
        Log.warnOnce("l2-codec:" + where, "results of " + where + (name == null ? "" : " (" + value.getTypeName() + ")")
                + " have no codec: they are cached in this JVM only, not in Redis (register a dev.toolwarden.ValueCodec"
                + " for the type, or return a concrete, non-generic class and give the application Jackson or Gson)");
    }

    /** What a call gives: the return type, or the type argument of a returned stage (when declared). */
    static TypeDescription.Generic valueType(MethodDescription method, boolean asynchronous) {
        TypeDescription.Generic returned = method.getReturnType();
        if (!asynchronous) {
            return returned;
        }
        if (returned.getSort() == TypeDefinition.Sort.PARAMETERIZED && returned.getTypeArguments().size() == 1) {
            TypeDescription.Generic argument = returned.getTypeArguments().get(0);
            return argument.getSort() == TypeDefinition.Sort.NON_GENERIC || argument.getSort() == TypeDefinition.Sort.PARAMETERIZED
                    ? argument : null;
        }
        return null;
    }

    /**
     * Whether values of a type can be rebuilt from JSON: a concrete class, not generic. A type whose
     * class file cannot be read (an optional dependency that is absent) is not.
     */
    static boolean exact(TypeDescription.Generic type) {
        try {
            if (type.getSort() != TypeDefinition.Sort.NON_GENERIC) {
                return false;
            }
            TypeDescription erasure = type.asErasure();
            return !erasure.isInterface() && !erasure.isAbstract() && !erasure.isArray() && !erasure.isPrimitive()
                    && erasure.getTypeVariables().isEmpty();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** {@code SimpleClass.method}: the default tool name. */
    static String defaultName(TypeDescription type, MethodDescription method) {
        String simple = type.getSimpleName();
        if (simple == null || simple.isEmpty()) {
            String full = type.getName();
            simple = full.substring(full.lastIndexOf('.') + 1);
        }
        return simple + "." + method.getName();
    }

    /**
     * A type's simple name, from its name alone when its class file cannot be read (a parameter of a
     * type from an optional dependency that is absent, such as H2's geometry types without JTS).
     */
    static String simpleName(TypeDescription t) {
        try {
            return t.getSimpleName();
        } catch (RuntimeException | LinkageError e) {
            String name = t.getName();
            String simple = name.substring(name.lastIndexOf('.') + 1);
            return simple.substring(simple.lastIndexOf('$') + 1);
        }
    }

    /** {@code com.acme.Calc#add(int, String)}: how messages and events name a method. */
    static String describe(TypeDescription type, MethodDescription method) {
        StringBuilder sb = new StringBuilder(type.getName()).append('#').append(method.getName()).append('(');
        TypeList params = method.getParameters().asTypeList().asErasures();
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(simpleName(params.get(i)));
        }
        return sb.append(')').toString();
    }

    private CallPolicy policy(TypeDescription type, MethodDescription method, String name,
            AnnotationDescription tool, String where, String fallback, boolean asynchronous) {
        Duration soft = configuration.get(Keys.TIMEOUT_SOFT);
        Duration hard = configuration.get(Keys.TIMEOUT_HARD);
        boolean isolate = false;
        AnnotationDescription timeout = annotation(method, TIMEOUT);
        if (timeout == null) {
            timeout = typeAnnotation(type, TIMEOUT);
        }
        if (timeout != null) {
            // An attribute left at the annotation's default keeps the configured default limit.
            soft = duration(timeout, "soft", "30s", soft, "@Timeout", where);
            hard = duration(timeout, "hard", "60s", hard, "@Timeout", where);
            isolate = booleanValue(timeout, "isolate");
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
        AnnotationDescription cached = annotation(method, CACHED);
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

    private static AnnotationDescription typeAnnotation(TypeDescription type, String annotation) {
        for (AnnotationDescription a : type.getDeclaredAnnotations()) {
            if (name(a).equals(annotation)) {
                return a;
            }
        }
        return null;
    }

    /**
     * Checks {@code @Fallback}: a method of the same class with the same parameters, optionally one
     * more {@code Throwable}, whose return type fits.
     */
    private static MethodDescription.InDefinedShape fallback(TypeDescription type, MethodDescription method,
            String where) {
        AnnotationDescription annotation = annotation(method, FALLBACK);
        if (annotation == null) {
            return null;
        }
        String target = stringValue(annotation, "value");
        TypeList params = method.getParameters().asTypeList().asErasures();
        TypeDescription returnType = method.getReturnType().asErasure();
        String problem = "no method of that name";
        for (MethodDescription.InDefinedShape candidate : type.getDeclaredMethods()) {
            if (!candidate.isMethod() || !candidate.getName().equals(target)) {
                continue;
            }
            TypeList cp = candidate.getParameters().asTypeList().asErasures();
            boolean sameParams = cp.equals(params);
            boolean withThrowable = cp.size() == params.size() + 1 && cp.subList(0, params.size()).equals(params)
                    // The reason passed is a ToolTimeoutException or ResourceExhaustedException (or what the body threw).
                    && takesRuntimeExceptions(cp.get(params.size()));
            if (!sameParams && !withThrowable) {
                problem = "its parameters differ";
                continue;
            }
            if (!returns(candidate.getReturnType().asErasure(), returnType)) {
                problem = "it returns " + candidate.getReturnType().asErasure().getSimpleName() + ", not "
                        + returnType.getSimpleName();
                continue;
            }
            if (candidate.isStatic() != method.isStatic() && !candidate.isStatic()) {
                problem = "it is an instance method and " + where + " is static";
                continue;
            }
            return candidate;
        }
        Log.warnOnce("fallback:" + where, "invalid @Fallback(\"" + target + "\") on " + where + ": "
                + type.getName() + "#" + target + " cannot be its fallback (" + problem + "); expected "
                + target + describeParams(params) + " or " + target + describeParams(params) + " with a trailing "
                + "Throwable (or Exception, RuntimeException), returning " + returnType.getSimpleName() + "; calls get no fallback");
        return null;
    }

    private static boolean takesRuntimeExceptions(TypeDescription parameter) {
        try {
            return parameter.isAssignableFrom(RuntimeException.class);
        } catch (RuntimeException e) {
            // A type the pool cannot resolve cannot be judged; it is not a fallback we can call.
            return false;
        }
    }

    private static boolean returns(TypeDescription candidate, TypeDescription wanted) {
        if (wanted.represents(void.class) || wanted.isPrimitive() || candidate.isPrimitive()) {
            return candidate.equals(wanted);
        }
        try {
            return candidate.isAssignableTo(wanted);
        } catch (RuntimeException e) {
            // A type the pool cannot resolve: accept rather than reject a fallback we cannot judge.
            return true;
        }
    }

    private static String describeParams(TypeList params) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < params.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(params.get(i).getSimpleName());
        }
        return sb.append(')').toString();
    }

    private static Duration duration(AnnotationDescription a, String attribute, String builtIn, Duration fallback,
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

    private AnnotationDescription marker(MethodDescription method) {
        // A configured tool or chat annotation names the method and sets its kind, so it must win over
        // @Timeout and @Cached whatever the order the annotations are written in.
        AnnotationDescription configured = null;
        AnnotationDescription limits = null;
        for (AnnotationDescription a : method.getDeclaredAnnotations()) {
            String n = name(a);
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

    private boolean matchesPattern(TypeDescription type, MethodDescription method) {
        if (patterns.isEmpty()) {
            return false;
        }
        String typeName = type.getName();
        for (MethodPattern p : patterns) {
            if (p.matchesType(typeName) && p.matchesMethod(method.getName(), method.isPublic())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasOwnAnnotation(MethodDescription method) {
        for (AnnotationDescription a : method.getDeclaredAnnotations()) {
            if (name(a).startsWith(OWN)) {
                return true;
            }
        }
        return false;
    }

    private static AnnotationDescription annotation(MethodDescription method, String name) {
        for (AnnotationDescription a : method.getDeclaredAnnotations()) {
            if (name(a).equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static boolean annotationOf(ParameterDescription p, String name) {
        for (AnnotationDescription a : p.getDeclaredAnnotations()) {
            if (name(a).equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String name(AnnotationDescription a) {
        return a.getAnnotationType().getName();
    }

    /** An attribute's value as written; empty when absent or unreadable (a third-party annotation without that attribute). */
    private static String stringValue(AnnotationDescription a, String attribute) {
        Object v = value(a, attribute);
        return v instanceof String ? (String) v : "";
    }

    private static boolean booleanValue(AnnotationDescription a, String attribute) {
        Object v = value(a, attribute);
        return v instanceof Boolean && (Boolean) v;
    }

    private static int intValue(AnnotationDescription a, String attribute) {
        Object v = value(a, attribute);
        return v instanceof Integer ? (Integer) v : 0;
    }

    private static Object value(AnnotationDescription a, String attribute) {
        if (a == null) {
            return null;
        }
        try {
            AnnotationValue<?, ?> v = a.getValue(attribute);
            return v == null ? null : v.resolve();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
