package dev.toolwarden.agent.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.ExecutionKind;
import dev.toolwarden.annotation.Cached;
import dev.toolwarden.annotation.Chat;
import dev.toolwarden.annotation.ConversationId;
import dev.toolwarden.annotation.Fallback;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.log.Log;
import dev.toolwarden.runtime.CallPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Which methods are woven, under which name and kind, and with which call policy. Works, like the
 * agent, on {@link ClassModel}s read from class files: no fixture class is loaded.
 */
class MethodSelectorTest {

    private static final ClassLoader LOADER = MethodSelectorTest.class.getClassLoader();
    private static final String HANDLER = Handler.class.getName();

    // ------------------------------------------------------------------ fixtures

    static class Tools {
        @Tool
        public String search(String query) {
            return query;
        }

        @Tool(name = "web_search")
        public String named(String query) {
            return query;
        }

        @Chat
        public String answer(String message) {
            return message;
        }

        @Chat(name = "support")
        public String support(String message) {
            return message;
        }

        @Timeout(hard = "90s")
        public String timed() {
            return "";
        }

        @Cached
        public String cached() {
            return "";
        }

        @Tool(maxConcurrent = 3)
        public String bounded() {
            return "";
        }

        @Tool(maxConcurrent = -2)
        public String negativelyBounded() {
            return "";
        }

        public String plain() {
            return "";
        }

        @Fallback("plain")
        public String onlyFallback() {
            return "";
        }
    }

    static class Outer {
        static class Inner {
            @Tool
            public void run() {
            }
        }
    }

    static class LangChain {
        @dev.langchain4j.agent.tool.Tool(name = "lookup")
        public String find(String query) {
            return query;
        }

        @dev.langchain4j.agent.tool.Tool("Describes a thing")
        public String describeIt(String thing) {
            return thing;
        }

        @Timeout(hard = "90s")
        @dev.langchain4j.agent.tool.Tool(name = "limited_lookup")
        public String limitedFind(String query) {
            return query;
        }
    }

    /** A chat annotation that the application already uses, configured with {@code toolwarden.chat.annotations}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface Handler {
        String name() default "";
    }

    static class Handlers {
        @Handler
        public String handle(String message) {
            return message;
        }

        @Handler(name = "support_bot")
        public String support(String message) {
            return message;
        }

        @Timeout(hard = "90s")
        @Handler(name = "timed_bot")
        public String timedHandle(String message) {
            return message;
        }

        @Cached
        @Handler
        public String cachedHandle(String message) {
            return message;
        }
    }

    static class Patterned {
        public Patterned() {
        }

        public String open() {
            return "";
        }

        String packagePrivate() {
            return "";
        }

        private String hidden() {
            return "";
        }

        protected String guarded() {
            return "";
        }
    }

    static class Lambdas {
        public Runnable run() {
            return () -> System.out.println("lambda");
        }
    }

    abstract static class Abstracts {
        @Tool
        public abstract String search(String query);

        @Tool
        public abstract String reported(String query);

        @Tool
        public native String poke(String target);

        @dev.langchain4j.agent.tool.Tool(name = "foreign_abstract")
        public abstract String foreignSearch(String query);
    }

    static class Comparing implements Comparable<Comparing> {
        @Tool
        @Override
        public int compareTo(Comparing other) {
            return 0;
        }
    }

    static class Conversations {
        @Chat
        public String chat(String text, @ConversationId String conversation) {
            return text;
        }

        @Chat
        public String anonymous(String text) {
            return text;
        }

        @Chat
        public String twice(@ConversationId String first, String text, @ConversationId String second) {
            return text;
        }
    }

    static class Limits {
        @Tool
        public String defaults() {
            return "";
        }

        @Tool
        @Timeout(soft = "1s", hard = "2s")
        public String own() {
            return "";
        }

        @Tool
        @Timeout(hard = "9s")
        public String onlyHard() {
            return "";
        }

        @Tool
        @Timeout(soft = "0", hard = "0")
        public String unlimited() {
            return "";
        }

        @Tool
        @Timeout(isolate = true)
        public String isolated() {
            return "";
        }

        @Tool
        @Timeout(hard = "soon")
        public String malformed() {
            return "";
        }
    }

    @Timeout(soft = "5s", hard = "10s")
    static class ClassLimits {
        @Tool
        public String inherits() {
            return "";
        }

        @Tool
        @Timeout(soft = "1s", hard = "2s")
        public String overrides() {
            return "";
        }

        public String unmarked() {
            return "";
        }
    }

    @Timeout(soft = "5s", isolate = true)
    static class MixedLimits {
        @Tool
        @Timeout(hard = "8s")
        public String hardOnMethod() {
            return "";
        }

        @Tool
        @Timeout(isolate = false)
        public String notIsolated() {
            return "";
        }

        @Tool
        public synchronized String lockedAndIsolated() {
            return "";
        }
    }

    @Timeout(hard = "10s")
    static class OnlyClassTimeout {
        public String run() {
            return "";
        }
    }

    static class Configured {
        @Tool(name = "forecast", maxConcurrent = 2)
        @Timeout(soft = "1s", hard = "3s")
        @Cached(category = "tool_performance")
        public String forecast(String city) {
            return city;
        }
    }

    static class Caching {
        @Cached
        public String byDefault() {
            return "";
        }

        @Cached(category = "tool_recommendations", ttl = "5m")
        public String custom() {
            return "";
        }

        @Tool
        public String uncached() {
            return "";
        }
    }

    static class Fallbacks {
        @Tool
        @Fallback("cachedAnswer")
        public String search(String query, int limit) {
            return query;
        }

        public String cachedAnswer(String query, int limit) {
            return query;
        }

        @Tool
        @Fallback("apology")
        public String lookup(String query) {
            return query;
        }

        public String apology(String query, Throwable reason) {
            return "sorry";
        }

        @Tool
        @Fallback("shortText")
        public CharSequence text(String query) {
            return query;
        }

        public String shortText(String query) {
            return query;
        }

        @Tool
        @Fallback("nothing")
        public void fire(String target) {
        }

        public void nothing(String target) {
        }

        @Tool
        @Fallback("nowhere")
        public String missing(String query) {
            return query;
        }

        @Tool
        @Fallback("otherParameters")
        public String query(String query) {
            return query;
        }

        public String otherParameters(int query) {
            return "";
        }

        @Tool
        @Fallback("twoExtras")
        public String extras(String query) {
            return query;
        }

        public String twoExtras(String query, Throwable reason, Throwable more) {
            return "";
        }

        @Tool
        @Fallback("trailingText")
        public String trailing(String query) {
            return query;
        }

        public String trailingText(String query, String reason) {
            return reason;
        }

        @Tool
        @Fallback("onlyForIo")
        public String narrow(String query) {
            return query;
        }

        public String onlyForIo(String query, java.io.IOException reason) {
            return "";
        }

        @Tool
        @Fallback("forRuntimeProblems")
        public String wide(String query) {
            return query;
        }

        public String forRuntimeProblems(String query, RuntimeException reason) {
            return "";
        }

        @Tool
        @Fallback("number")
        public String fetch(String query) {
            return query;
        }

        public Integer number(String query) {
            return 0;
        }

        @Tool
        @Fallback("instanceFallback")
        public static String statically(String query) {
            return query;
        }

        public String instanceFallback(String query) {
            return query;
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Configuration config(String agentArgs) {
        Configuration configuration = Configuration.load(agentArgs, Map.of(), Map.of());
        assertEquals(List.of(), configuration.problems(), "fixture configuration is valid");
        return configuration;
    }

    private static MethodSelector selector(String agentArgs) {
        return new MethodSelector(config(agentArgs));
    }

    /** The fixture's class file, read as the agent reads it: the class is not loaded. */
    private static ClassModel type(Class<?> type) {
        return ClassModel.read(ClassFiles.read(LOADER, type.getName().replace('.', '/')));
    }

    private static MethodModel method(ClassModel type, String name) {
        List<MethodModel> found = methods(type, m -> m.name().equals(name) && !m.isBridge());
        assertEquals(1, found.size(), found::toString);
        return found.get(0);
    }

    private static List<MethodModel> methods(ClassModel type, java.util.function.Predicate<MethodModel> which) {
        return type.methods().stream().filter(which).toList();
    }

    private static Selection select(String agentArgs, Class<?> type, String method) {
        ClassModel t = type(type);
        return selector(agentArgs).select(t, method(t, method), new TypeFacts(LOADER));
    }

    private static Selection select(Class<?> type, String method) {
        return select(null, type, method);
    }

    private static CallPolicy policy(String agentArgs, Class<?> type, String method) {
        Selection s = select(agentArgs, type, method);
        assertNotNull(s, method + " is selected");
        return s.descriptor().policy();
    }

    /** Runs the action with Toolwarden's log captured; returns the lines it printed. */
    private static List<String> logOf(Runnable action) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            Log.setOutput(System.err);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\\R"));
    }

    // ------------------------------------------------------------------ what is selected

    @Nested
    class Marking {

        @Test
        void aToolAnnotationSelectsAMethod() {
            assertNotNull(select(Tools.class, "search"));
        }

        @Test
        void aChatAnnotationSelectsAMethod() {
            assertNotNull(select(Tools.class, "answer"));
        }

        @Test
        void aTimeoutAnnotationSelectsAMethod() {
            assertNotNull(select(Tools.class, "timed"));
        }

        @Test
        void aCachedAnnotationSelectsAMethod() {
            assertNotNull(select(Tools.class, "cached"));
        }

        @Test
        void anUnmarkedMethodIsNotSelected() {
            assertNull(select(Tools.class, "plain"));
        }

        @Test
        void aFallbackAnnotationAloneDoesNotSelectAMethod() {
            assertNull(select(Tools.class, "onlyFallback"));
        }

        @Test
        void aConfiguredToolAnnotationSelectsAMethod() {
            assertNotNull(select(LangChain.class, "find"));
        }

        @Test
        void aThirdPartyToolAnnotationThatIsNotConfiguredDoesNotSelectAMethod() {
            assertNull(select("tool.annotations=org.springframework.ai.tool.annotation.Tool", LangChain.class, "find"));
        }

        @Test
        void aConfiguredChatAnnotationSelectsAMethod() {
            assertNotNull(select("chat.annotations=" + HANDLER, Handlers.class, "handle"));
        }

        @Test
        void aChatAnnotationThatIsNotConfiguredDoesNotSelectAMethod() {
            assertNull(select(Handlers.class, "handle"));
        }

        @Test
        void aTypeWithAMarkedMethodWeavesSomething() {
            assertTrue(selector(null).weavesAny(type(Tools.class)));
        }

        @Test
        void aTimeoutOnTheTypeAloneWeavesNothing() {
            assertFalse(selector(null).weavesAny(type(OnlyClassTimeout.class)));
        }

        @Test
        void aTimeoutOnTheTypeDoesNotSelectItsUnmarkedMethods() {
            assertNull(select(ClassLimits.class, "unmarked"));
        }

        @Test
        void theMarkerAnnotationsAreTheOwnOnesAndTheConfiguredOnes() {
            assertEquals(java.util.Set.of("dev.toolwarden.annotation.Tool", "dev.toolwarden.annotation.Chat",
                    "dev.toolwarden.annotation.Timeout", "dev.toolwarden.annotation.Cached",
                    "dev.langchain4j.agent.tool.Tool", HANDLER),
                    selector("tool.annotations=dev.langchain4j.agent.tool.Tool,chat.annotations=" + HANDLER)
                            .markerAnnotations());
        }
    }

    @Nested
    class MethodsThatCannotBeWoven {

        @Test
        void anAbstractMethodIsNotSelected() {
            logOf(() -> assertNull(select(Abstracts.class, "search")));
        }

        @Test
        void anAbstractMethodWithAnOwnAnnotationIsReportedNamingIt() {
            List<String> log = logOf(() -> select(Abstracts.class, "reported"));
            assertEquals(1, log.size(), log::toString);
            assertTrue(log.get(0).contains(Abstracts.class.getName() + "#reported(String)"), log::toString);
            assertTrue(log.get(0).contains("abstract"), log::toString);
        }

        @Test
        void anAbstractMethodWithOnlyAThirdPartyAnnotationIsNotSelectedSilently() {
            List<String> log = logOf(() -> assertNull(select(Abstracts.class, "foreignSearch")));
            assertEquals(List.of(), log);
        }

        @Test
        void aNativeMethodIsNotSelected() {
            List<String> log = logOf(() -> assertNull(select(Abstracts.class, "poke")));
            assertEquals(1, log.size(), log::toString);
            assertTrue(log.get(0).contains("native"), log::toString);
        }

        @Test
        void aBridgeMethodIsNotSelectedButTheMethodItBridgesTo() {
            ClassModel comparing = type(Comparing.class);
            List<MethodModel> compareTo = methods(comparing, m -> m.name().equals("compareTo"));
            assertEquals(2, compareTo.size(), "javac generates a bridge compareTo(Object)");
            MethodSelector selector = selector(null);
            List<MethodModel> selected = new ArrayList<>();
            for (MethodModel m : compareTo) {
                if (selector.select(comparing, m, new TypeFacts(LOADER)) != null) {
                    selected.add(m);
                }
            }
            assertEquals(1, selected.size(), selected::toString);
            assertFalse(selected.get(0).isBridge());
            assertEquals(comparing.internalName(), selected.get(0).parameterType(0).getInternalName());
        }

        @Test
        void aSyntheticMethodIsNotSelectedEvenWhenAPatternNamesIt() {
            ClassModel lambdas = type(Lambdas.class);
            List<MethodModel> synthetic = methods(lambdas, m -> m.isSynthetic() && !m.isBridge());
            assertFalse(synthetic.isEmpty(), "javac generates a synthetic method for the lambda");
            for (MethodModel m : synthetic) {
                MethodSelector selector = selector("methods=" + Lambdas.class.getName() + "#" + m.name());
                assertNull(selector.select(lambdas, m, new TypeFacts(LOADER)), m.toString());
            }
        }

        @Test
        void aConstructorIsNotSelectedByAWildcardPattern() {
            ClassModel patterned = type(Patterned.class);
            MethodModel constructor = methods(patterned, MethodModel::isConstructor).get(0);
            assertNull(selector("methods=" + Patterned.class.getName() + "#*").select(patterned, constructor,
                    new TypeFacts(LOADER)));
        }

        @Test
        void aConstructorIsNotSelectedByAPatternNamingIt() {
            ClassModel patterned = type(Patterned.class);
            MethodModel constructor = methods(patterned, MethodModel::isConstructor).get(0);
            assertNull(selector("methods=" + Patterned.class.getName() + "#<init>").select(patterned, constructor,
                    new TypeFacts(LOADER)));
        }
    }

    @Nested
    class Patterns {

        private final String all = "methods=" + Patterned.class.getName() + "#*";

        @Test
        void aWildcardPatternChoosesPublicMethods() {
            assertNotNull(select(all, Patterned.class, "open"));
        }

        @Test
        void aWildcardPatternDoesNotChoosePackagePrivateMethods() {
            assertNull(select(all, Patterned.class, "packagePrivate"));
        }

        @Test
        void aWildcardPatternDoesNotChooseProtectedMethods() {
            assertNull(select(all, Patterned.class, "guarded"));
        }

        @Test
        void aWildcardPatternDoesNotChoosePrivateMethods() {
            assertNull(select(all, Patterned.class, "hidden"));
        }

        @Test
        void anExactPatternChoosesAPrivateMethod() {
            assertNotNull(select("methods=" + Patterned.class.getName() + "#hidden", Patterned.class, "hidden"));
        }

        @Test
        void anExactPatternChoosesAPackagePrivateMethod() {
            assertNotNull(select("methods=" + Patterned.class.getName() + "#packagePrivate", Patterned.class,
                    "packagePrivate"));
        }

        @Test
        void anExactPatternChoosesOnlyTheMethodItNames() {
            assertNull(select("methods=" + Patterned.class.getName() + "#hidden", Patterned.class, "open"));
        }

        @Test
        void aWildcardInTheTypeMatchesNestedClassNames() {
            assertNotNull(select("methods=" + MethodSelectorTest.class.getName() + "$Pat*#open", Patterned.class,
                    "open"));
        }

        @Test
        void aPatternForAnotherTypeChoosesNothing() {
            assertNull(select("methods=" + Tools.class.getName() + "#*", Patterned.class, "open"));
        }

        @Test
        void aPatternChoosesToolsWithTheDefaultName() {
            Selection s = select(all, Patterned.class, "open");
            assertEquals(ExecutionKind.TOOL, s.descriptor().kind());
            assertEquals("Patterned.open", s.descriptor().name());
        }
    }

    // ------------------------------------------------------------------ names and kinds

    @Nested
    class NamesAndKinds {

        @Test
        void aToolIsNamedSimpleClassDotMethodByDefault() {
            assertEquals("Tools.search", select(Tools.class, "search").descriptor().name());
        }

        @Test
        void aToolNameAttributeNamesTheTool() {
            assertEquals("web_search", select(Tools.class, "named").descriptor().name());
        }

        @Test
        void aChatNameAttributeNamesTheHandler() {
            assertEquals("support", select(Tools.class, "support").descriptor().name());
        }

        @Test
        void aNestedClassContributesOnlyItsSimpleName() {
            assertEquals("Inner.run", select(Outer.Inner.class, "run").descriptor().name());
        }

        @Test
        void aLangChain4jToolIsNamedByItsNameAttribute() {
            assertEquals("lookup", select(LangChain.class, "find").descriptor().name());
        }

        @Test
        void aLangChain4jToolWithOnlyADescriptionGetsTheDefaultName() {
            assertEquals("LangChain.describeIt", select(LangChain.class, "describeIt").descriptor().name());
        }

        @Test
        void aLangChain4jToolKeepsItsNameWhenATimeoutComesFirst() {
            assertEquals("limited_lookup", select(LangChain.class, "limitedFind").descriptor().name());
        }

        @Test
        void aToolHasKindTool() {
            assertEquals(ExecutionKind.TOOL, select(Tools.class, "search").descriptor().kind());
        }

        @Test
        void aChatHandlerHasKindChat() {
            assertEquals(ExecutionKind.CHAT, select(Tools.class, "answer").descriptor().kind());
        }

        @Test
        void aMethodWithOnlyATimeoutIsATool() {
            assertEquals(ExecutionKind.TOOL, select(Tools.class, "timed").descriptor().kind());
        }

        @Test
        void aMethodWithOnlyCachedIsATool() {
            assertEquals(ExecutionKind.TOOL, select(Tools.class, "cached").descriptor().kind());
        }

        @Test
        void aLangChain4jToolIsATool() {
            assertEquals(ExecutionKind.TOOL, select(LangChain.class, "find").descriptor().kind());
        }

        @Test
        void aConfiguredChatAnnotationGivesKindChat() {
            assertEquals(ExecutionKind.CHAT,
                    select("chat.annotations=" + HANDLER, Handlers.class, "handle").descriptor().kind());
        }

        @Test
        void aConfiguredChatAnnotationsNameAttributeNamesTheHandler() {
            assertEquals("support_bot",
                    select("chat.annotations=" + HANDLER, Handlers.class, "support").descriptor().name());
        }

        @Test
        void aConfiguredChatAnnotationGivesKindChatWhenATimeoutComesFirst() {
            Selection s = select("chat.annotations=" + HANDLER, Handlers.class, "timedHandle");
            assertEquals(ExecutionKind.CHAT, s.descriptor().kind());
            assertEquals("timed_bot", s.descriptor().name());
        }

        @Test
        void aConfiguredChatAnnotationGivesKindChatWhenCachedComesFirst() {
            assertEquals(ExecutionKind.CHAT,
                    select("chat.annotations=" + HANDLER, Handlers.class, "cachedHandle").descriptor().kind());
        }

        @Test
        void theDescriptorNamesTheMethodWithItsParameterTypes() {
            assertEquals(Tools.class.getName() + "#search(String)", select(Tools.class, "search").descriptor().method());
        }
    }

    // ------------------------------------------------------------------ conversation

    @Nested
    class ConversationParameter {

        @Test
        void theConversationIdParameterIndexIsRecorded() {
            assertEquals(1, select(Conversations.class, "chat").conversationParameter());
        }

        @Test
        void withoutAConversationIdTheIndexIsMinusOne() {
            assertEquals(-1, select(Conversations.class, "anonymous").conversationParameter());
        }

        @Test
        void aRepeatedConversationIdUsesTheFirstAndIsReported() {
            List<String> log = logOf(() -> assertEquals(0, select(Conversations.class, "twice").conversationParameter()));
            assertEquals(1, log.size(), log::toString);
            assertTrue(log.get(0).contains(Conversations.class.getName() + "#twice(String, String, String)"),
                    log::toString);
        }
    }

    // ------------------------------------------------------------------ call policy

    @Nested
    class Timeouts {

        @Test
        void withoutATimeoutTheConfiguredDefaultsApply() {
            CallPolicy p = policy("timeout.soft=2s,timeout.hard=4s", Limits.class, "defaults");
            assertEquals(Duration.ofSeconds(2), p.softTimeout());
            assertEquals(Duration.ofSeconds(4), p.hardTimeout());
        }

        @Test
        void withoutATimeoutOrConfigurationTheBuiltInDefaultsApply() {
            CallPolicy p = policy(null, Limits.class, "defaults");
            assertEquals(Duration.ofSeconds(30), p.softTimeout());
            assertEquals(Duration.ofSeconds(60), p.hardTimeout());
        }

        @Test
        void aMethodTimeoutWinsOverTheDefaults() {
            CallPolicy p = policy("timeout.soft=20s,timeout.hard=40s", Limits.class, "own");
            assertEquals(Duration.ofSeconds(1), p.softTimeout());
            assertEquals(Duration.ofSeconds(2), p.hardTimeout());
        }

        @Test
        void aTimeoutAttributeLeftAtItsDefaultKeepsTheConfiguredLimit() {
            CallPolicy p = policy("timeout.soft=2s,timeout.hard=40s", Limits.class, "onlyHard");
            assertEquals(Duration.ofSeconds(2), p.softTimeout());
            assertEquals(Duration.ofSeconds(9), p.hardTimeout());
        }

        @Test
        void aZeroTimeoutDisablesTheLimit() {
            CallPolicy p = policy(null, Limits.class, "unlimited");
            assertEquals(Duration.ZERO, p.softTimeout());
            assertEquals(Duration.ZERO, p.hardTimeout());
        }

        @Test
        void aTimeoutCanIsolateTheBody() {
            assertTrue(policy(null, Limits.class, "isolated").isolate());
        }

        @Test
        void bodiesAreNotIsolatedByDefault() {
            assertFalse(policy(null, Limits.class, "defaults").isolate());
        }

        @Test
        void aClassTimeoutWinsOverTheDefaults() {
            CallPolicy p = policy("timeout.soft=2s,timeout.hard=4s", ClassLimits.class, "inherits");
            assertEquals(Duration.ofSeconds(5), p.softTimeout());
            assertEquals(Duration.ofSeconds(10), p.hardTimeout());
        }

        @Test
        void aMethodTimeoutWinsOverTheClassTimeout() {
            CallPolicy p = policy(null, ClassLimits.class, "overrides");
            assertEquals(Duration.ofSeconds(1), p.softTimeout());
            assertEquals(Duration.ofSeconds(2), p.hardTimeout());
        }

        @Test
        void aMethodTimeoutOverridesOnlyTheAttributesItSets() {
            CallPolicy p = policy("timeout.soft=2s,timeout.hard=40s", MixedLimits.class, "hardOnMethod");
            assertEquals(Duration.ofSeconds(5), p.softTimeout(), "the class's soft limit");
            assertEquals(Duration.ofSeconds(8), p.hardTimeout(), "the method's hard limit");
            assertTrue(p.isolate(), "the class's isolate");
        }

        @Test
        void aSynchronizedMethodIsNotIsolatedSinceItsBodyWouldWaitForItsCallersMonitor() {
            List<String> log = logOf(() -> assertFalse(policy(null, MixedLimits.class, "lockedAndIsolated").isolate()));
            assertEquals(1, log.size(), log::toString);
            assertTrue(log.get(0).contains("synchronized"), log::toString);
        }

        @Test
        void aMethodCanTurnOffItsClasssIsolation() {
            CallPolicy p = policy("timeout.hard=40s", MixedLimits.class, "notIsolated");
            assertFalse(p.isolate());
            assertEquals(Duration.ofSeconds(5), p.softTimeout());
            assertEquals(Duration.ofSeconds(40), p.hardTimeout(), "neither annotation sets it: the configured one");
        }

        @Test
        void aMalformedTimeoutIsReportedAndTheDefaultIsUsed() {
            List<String> log = logOf(() -> assertEquals(Duration.ofSeconds(4),
                    policy("timeout.soft=2s,timeout.hard=4s", Limits.class, "malformed").hardTimeout()));
            assertEquals(1, log.size(), log::toString);
            assertTrue(log.get(0).contains("soon"), log::toString);
            assertTrue(log.get(0).contains(Limits.class.getName() + "#malformed()"), log::toString);
        }
    }

    @Nested
    class Concurrency {

        @Test
        void maxConcurrentComesFromTheToolAnnotation() {
            assertEquals(3, policy(null, Tools.class, "bounded").maxConcurrent());
        }

        @Test
        void toolsAreUnboundedByDefault() {
            assertEquals(0, policy(null, Tools.class, "search").maxConcurrent());
        }

        @Test
        void aNegativeMaxConcurrentIsReportedAndTreatedAsUnbounded() {
            List<String> log = logOf(() -> assertEquals(0, policy(null, Tools.class, "negativelyBounded").maxConcurrent()));
            assertEquals(1, log.size(), log::toString);
            assertTrue(log.get(0).contains("#negativelyBounded()"), log::toString);
        }
    }

    @Nested
    class CachePolicy {

        @Test
        void cachedUsesTheResponseCacheCategoryByDefault() {
            CallPolicy p = policy(null, MethodSelectorTest.Caching.class, "byDefault");
            assertEquals("response_cache", p.cacheCategory());
            assertNull(p.cacheTtl());
        }

        @Test
        void cachedNamesItsCategoryAndTtl() {
            CallPolicy p = policy(null, MethodSelectorTest.Caching.class, "custom");
            assertEquals("tool_recommendations", p.cacheCategory());
            assertEquals(Duration.ofMinutes(5), p.cacheTtl());
        }

        @Test
        void withoutCachedResultsAreNotCached() {
            assertNull(policy(null, MethodSelectorTest.Caching.class, "uncached").cacheCategory());
        }
    }

    @Nested
    class PerToolConfiguration {

        @Test
        void aPerToolHardTimeoutWinsOverTheAnnotation() {
            CallPolicy p = policy("tools.forecast.timeout.hard=7s", Configured.class, "forecast");
            assertEquals(Duration.ofSeconds(7), p.hardTimeout());
            assertEquals(Duration.ofSeconds(1), p.softTimeout(), "the soft limit stays the annotation's");
        }

        @Test
        void aPerToolSoftTimeoutWinsOverTheAnnotation() {
            assertEquals(Duration.ofMillis(500),
                    policy("tools.forecast.timeout.soft=500ms", Configured.class, "forecast").softTimeout());
        }

        @Test
        void aPerToolIsolateWinsOverTheAnnotation() {
            assertTrue(policy("tools.forecast.isolate=true", Configured.class, "forecast").isolate());
        }

        @Test
        void aPerToolCacheCategoryWinsOverTheAnnotation() {
            assertEquals("context_cache",
                    policy("tools.forecast.cache=context_cache", Configured.class, "forecast").cacheCategory());
        }

        @Test
        void aPerToolMaxConcurrentWinsOverTheAnnotation() {
            assertEquals(5, policy("tools.forecast.max-concurrent=5", Configured.class, "forecast").maxConcurrent());
        }

        @Test
        void aPerToolCacheCategoryCachesAToolWithoutCached() {
            assertEquals("query_analysis",
                    policy("tools.Limits.defaults.cache=query_analysis", Limits.class, "defaults").cacheCategory());
        }

        @Test
        void perToolConfigurationFindsAToolByItsDefaultName() {
            assertEquals(Duration.ofSeconds(80),
                    policy("tools.Limits.defaults.timeout.hard=80s", Limits.class, "defaults").hardTimeout());
        }

        @Test
        void perToolConfigurationFindsAToolByItsThirdPartyName() {
            assertEquals(Duration.ofSeconds(90),
                    policy("tools.lookup.timeout.hard=90s", LangChain.class, "find").hardTimeout());
        }

        @Test
        void perToolConfigurationWinsOverTheClassTimeout() {
            assertEquals(Duration.ofSeconds(7),
                    policy("tools.ClassLimits.inherits.timeout.hard=7s", ClassLimits.class, "inherits").hardTimeout());
        }

        @Test
        void perToolConfigurationOfAnotherToolDoesNotApply() {
            assertEquals(Duration.ofSeconds(3),
                    policy("tools.weather.timeout.hard=7s", Configured.class, "forecast").hardTimeout());
        }
    }

    @Nested
    class FallbackValidation {

        private final Class<?> fixture = MethodSelectorTest.Fallbacks.class;
        private final String typeName = MethodSelectorTest.Fallbacks.class.getName();

        @Test
        void aFallbackWithTheSameParametersIsAccepted() {
            List<String> log = logOf(() -> assertEquals("cachedAnswer", policy(null, fixture, "search").fallback()));
            assertEquals(List.of(), log);
        }

        @Test
        void aFallbackWithATrailingThrowableIsAccepted() {
            List<String> log = logOf(() -> assertEquals("apology", policy(null, fixture, "lookup").fallback()));
            assertEquals(List.of(), log);
        }

        @Test
        void aFallbackReturningASubtypeIsAccepted() {
            assertEquals("shortText", policy(null, fixture, "text").fallback());
        }

        @Test
        void aVoidFallbackOfAVoidMethodIsAccepted() {
            assertEquals("nothing", policy(null, fixture, "fire").fallback());
        }

        @Test
        void withoutFallbackThereIsNone() {
            assertNull(policy(null, Tools.class, "search").fallback());
        }

        @Test
        void aMissingFallbackIsReportedNamingBothMethods() {
            assertRejected("missing", "missing(String)", "nowhere");
        }

        @Test
        void aFallbackWithOtherParametersIsReportedNamingBothMethods() {
            assertRejected("query", "query(String)", "otherParameters");
        }

        @Test
        void aFallbackWithMoreThanOneExtraParameterIsReportedNamingBothMethods() {
            assertRejected("extras", "extras(String)", "twoExtras");
        }

        @Test
        void aFallbackWhoseExtraParameterIsNotAThrowableIsReportedNamingBothMethods() {
            assertRejected("trailing", "trailing(String)", "trailingText");
        }

        @Test
        void aFallbackThatOnlyTakesACheckedExceptionIsReportedBecauseTimeoutsAndRejectionsAreRuntimeExceptions() {
            assertRejected("narrow", "narrow(String)", "onlyForIo");
        }

        @Test
        void aFallbackTakingRuntimeExceptionIsAccepted() {
            assertEquals("forRuntimeProblems", policy(null, fixture, "wide").fallback());
        }

        @Test
        void aFallbackWithAnIncompatibleReturnTypeIsReportedNamingBothMethods() {
            assertRejected("fetch", "fetch(String)", "number");
        }

        @Test
        void anInstanceFallbackOfAStaticMethodIsReportedNamingBothMethods() {
            assertRejected("statically", "statically(String)", "instanceFallback");
        }

        private void assertRejected(String method, String methodText, String fallback) {
            List<String> log = logOf(() -> assertNull(policy(null, fixture, method).fallback()));
            assertEquals(1, log.size(), log::toString);
            assertTrue(log.get(0).contains(typeName + "#" + methodText), log::toString);
            assertTrue(log.get(0).contains(typeName + "#" + fallback), log::toString);
        }
    }
}
