package dev.toolwarden.agent.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import dev.toolwarden.config.Configuration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The byte-level pre-filter: which classes are parsed at all. The fixtures' class files are read from
 * the test class path and offered under made-up application names, since their real names lie in the
 * agent's own package, which is always skipped.
 */
class ClassPrefilterTest {

    private static final String TOOL = "dev.toolwarden.annotation.Tool";
    private static final String MARK = Mark.class.getName();

    // ------------------------------------------------------------------ fixtures

    @Retention(RetentionPolicy.CLASS)
    @Target(ElementType.METHOD)
    @interface Mark {
    }

    /** Its name starts with {@link Mark}'s name. */
    @Retention(RetentionPolicy.CLASS)
    @Target(ElementType.METHOD)
    @interface MarkTwo {
    }

    static class Annotated {
        @Tool
        public String search(String query) {
            return query;
        }
    }

    static class Plain {
        public String search(String query) {
            return query;
        }
    }

    static class CustomMarked {
        @Mark
        public void run() {
        }
    }

    static class TimedOnly {
        @Timeout(hard = "5s")
        public void run() {
        }
    }

    static class LongerMarked {
        @MarkTwo
        public void run() {
        }
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] classFile(Class<?> type) {
        String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream in = ClassPrefilterTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no class file " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ClassPrefilter prefilter(String agentArgs, String... markers) {
        Configuration configuration = Configuration.load(agentArgs, Map.of(), Map.of());
        assertEquals(java.util.List.of(), configuration.problems(), "fixture configuration is valid");
        return new ClassPrefilter(configuration, Set.of(markers));
    }

    private static ClassPrefilter toolPrefilter(String agentArgs) {
        return prefilter(agentArgs, TOOL);
    }

    // ------------------------------------------------------------------ names

    @Nested
    class Names {

        @ParameterizedTest
        @ValueSource(strings = {"java/lang/Thread", "javax/swing/JButton", "jdk/internal/misc/Unsafe",
            "jdk/jfr/Recording", "sun/misc/Signal", "com/sun/proxy/$Proxy12"})
        void jdkClassesAreSkippedEvenWhenTheyCarryAMarker(String name) {
            assertFalse(toolPrefilter(null).mayWeave(name, classFile(Annotated.class)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"net/bytebuddy/ByteBuddy", "dev/toolwarden/agent/Installer",
            "dev/toolwarden/bootstrap/AgentMain", "dev/toolwarden/runtime/ToolwardenRuntime",
            "dev/toolwarden/config/Configuration", "dev/toolwarden/annotation/Tool", "dev/toolwarden/log/Log",
            "dev/toolwarden/accounting/ToolAggregate", "dev/toolwarden/events/ExecutionEvent",
            "dev/toolwarden/cli/CommandLine"})
        void agentInternalClassesAreSkippedEvenWhenTheyCarryAMarker(String name) {
            assertFalse(toolPrefilter(null).mayWeave(name, classFile(Annotated.class)));
        }

        @Test
        void aNameThatOnlyBeginsLikeAJdkPackageIsNotSkipped() {
            assertTrue(toolPrefilter(null).mayWeave("javafoo/Search", classFile(Annotated.class)));
        }

        @Test
        void aHiddenClassWithoutANameIsRejected() {
            assertFalse(toolPrefilter(null).mayWeave(null, classFile(Annotated.class)));
        }

        @Test
        void aClassWithoutBytesIsRejected() {
            assertFalse(toolPrefilter(null).mayWeave("com/acme/Search", null));
        }
    }

    // ------------------------------------------------------------------ include / exclude

    @Nested
    class IncludeAndExclude {

        @Test
        void withoutIncludeEveryPackageIsConsidered() {
            assertTrue(toolPrefilter(null).mayWeave("org/other/Search", classFile(Annotated.class)));
        }

        @Test
        void anIncludeConsidersItsPackage() {
            assertTrue(toolPrefilter("include=com.acme").mayWeave("com/acme/Search", classFile(Annotated.class)));
        }

        @Test
        void anIncludeConsidersItsSubpackages() {
            assertTrue(toolPrefilter("include=com.acme")
                    .mayWeave("com/acme/tools/deep/Search", classFile(Annotated.class)));
        }

        @Test
        void anIncludeSkipsOtherPackages() {
            assertFalse(toolPrefilter("include=com.acme").mayWeave("org/other/Search", classFile(Annotated.class)));
        }

        @Test
        void anIncludePrefixStopsAtAPackageBoundary() {
            assertFalse(toolPrefilter("include=com.acme").mayWeave("com/acmex/Foo", classFile(Annotated.class)));
        }

        @Test
        void anIncludeWithATrailingDotConsidersItsPackage() {
            assertTrue(toolPrefilter("include=com.acme.").mayWeave("com/acme/Search", classFile(Annotated.class)));
        }

        @Test
        void anIncludeNamingAClassConsidersItsNestedClasses() {
            assertTrue(toolPrefilter("include=com.acme.A").mayWeave("com/acme/A$B", classFile(Annotated.class)));
        }

        @Test
        void anIncludeNamingAClassDoesNotConsiderAClassWithALongerName() {
            assertFalse(toolPrefilter("include=com.acme.A").mayWeave("com/acme/AB", classFile(Annotated.class)));
        }

        @Test
        void everyIncludePrefixOfAListCounts() {
            ClassPrefilter prefilter = toolPrefilter("include=com.acme,org.other");
            assertTrue(prefilter.mayWeave("org/other/Search", classFile(Annotated.class)));
        }

        @Test
        void anExcludeSkipsItsPackage() {
            assertFalse(toolPrefilter("exclude=com.acme.internal")
                    .mayWeave("com/acme/internal/Impl", classFile(Annotated.class)));
        }

        @Test
        void anExcludePrefixStopsAtAPackageBoundary() {
            assertTrue(toolPrefilter("exclude=com.acme.internal")
                    .mayWeave("com/acme/internalx/Impl", classFile(Annotated.class)));
        }

        @Test
        void anExcludeNamingAClassSkipsItsNestedClasses() {
            assertFalse(toolPrefilter("exclude=com.acme.Secret")
                    .mayWeave("com/acme/Secret$Inner", classFile(Annotated.class)));
        }

        @Test
        void anExcludeWinsOverAnInclude() {
            assertFalse(toolPrefilter("include=com.acme,exclude=com.acme.internal")
                    .mayWeave("com/acme/internal/Impl", classFile(Annotated.class)));
        }
    }

    // ------------------------------------------------------------------ markers in the bytes

    @Nested
    class Markers {

        @Test
        void aClassUsingAMarkerAnnotationPasses() {
            assertTrue(toolPrefilter(null).mayWeave("com/acme/Search", classFile(Annotated.class)));
        }

        @Test
        void aClassUsingNoMarkerAnnotationIsRejected() {
            assertFalse(toolPrefilter(null).mayWeave("com/acme/Search", classFile(Plain.class)));
        }

        @Test
        void aConfiguredMarkerLetsItsClassesPass() {
            assertTrue(prefilter(null, TOOL, MARK).mayWeave("com/acme/Job", classFile(CustomMarked.class)));
        }

        @Test
        void anAnnotationThatIsNotAMarkerDoesNotLetItsClassPass() {
            assertFalse(prefilter(null, TOOL).mayWeave("com/acme/Job", classFile(CustomMarked.class)));
        }

        @Test
        void aMarkerMatchesOnlyTheWholeAnnotationName() {
            assertFalse(prefilter(null, MARK).mayWeave("com/acme/Job", classFile(LongerMarked.class)));
        }

        @Test
        void withoutMarkersNoClassPassesByItsBytes() {
            assertFalse(prefilter(null).mayWeave("com/acme/Search", classFile(Annotated.class)));
        }

        @Test
        void theSelectorsMarkersLetAClassWithATimeoutPass() {
            Configuration configuration = Configuration.load(null, Map.of(), Map.of());
            ClassPrefilter prefilter = new ClassPrefilter(configuration,
                    new MethodSelector(configuration).markerAnnotations());
            assertTrue(prefilter.mayWeave("com/acme/Limited", classFile(TimedOnly.class)));
        }
    }

    // ------------------------------------------------------------------ method patterns

    @Nested
    class Patterns {

        @Test
        void aWildcardPatternLetsAClassOfItsPackagePassWithoutAMarker() {
            assertTrue(toolPrefilter("methods=com.acme.tools.*#*")
                    .mayWeave("com/acme/tools/Search", classFile(Plain.class)));
        }

        @Test
        void anExactPatternLetsItsClassPassWithoutAMarker() {
            assertTrue(toolPrefilter("methods=com.acme.Search#query")
                    .mayWeave("com/acme/Search", classFile(Plain.class)));
        }

        @Test
        void aPatternDoesNotLetAClassOfAnotherPackagePass() {
            assertFalse(toolPrefilter("methods=com.acme.tools.*#*")
                    .mayWeave("com/acme/other/Search", classFile(Plain.class)));
        }

        @Test
        void aPatternDoesNotOverrideAnExclude() {
            assertFalse(toolPrefilter("methods=com.acme.tools.*#*,exclude=com.acme.tools")
                    .mayWeave("com/acme/tools/Search", classFile(Plain.class)));
        }

        @Test
        void aPatternDoesNotOverrideTheJdkSkip() {
            assertFalse(toolPrefilter("methods=java.**#*").mayWeave("java/lang/String", classFile(Plain.class)));
        }
    }

    // ------------------------------------------------------------------ Boyer-Moore-Horspool

    @Nested
    class Contains {

        private boolean contains(String haystack, String needle) {
            return contains(haystack.getBytes(StandardCharsets.ISO_8859_1), needle.getBytes(StandardCharsets.ISO_8859_1));
        }

        private boolean contains(byte[] haystack, byte[] needle) {
            return ClassPrefilter.contains(haystack, needle, ClassPrefilter.shiftTable(needle));
        }

        @Test
        void findsANeedleAtTheStart() {
            assertTrue(contains("Lcom/acme/Tool;xxxxxxxx", "Lcom/acme/Tool;"));
        }

        @Test
        void findsANeedleAtTheEnd() {
            assertTrue(contains("xxxxxxxxLcom/acme/Tool;", "Lcom/acme/Tool;"));
        }

        @Test
        void findsANeedleInTheMiddle() {
            assertTrue(contains("xxxxLcom/acme/Tool;xxxx", "Lcom/acme/Tool;"));
        }

        @Test
        void findsANeedleThatIsTheWholeHaystack() {
            assertTrue(contains("Lcom/acme/Tool;", "Lcom/acme/Tool;"));
        }

        @Test
        void findsNothingWhenTheNeedleIsAbsent() {
            assertFalse(contains("xxxxLcom/acme/Tooh;xxxxLcom/acme/Tox;", "Lcom/acme/Tool;"));
        }

        @Test
        void findsNothingWhenTheNeedleRunsPastTheEnd() {
            assertFalse(contains("xxxxxxxxLcom/acme/Tool", "Lcom/acme/Tool;"));
        }

        @Test
        void findsNothingInAHaystackShorterThanTheNeedle() {
            assertFalse(contains("Tool;", "Lcom/acme/Tool;"));
        }

        @Test
        void findsNothingInAnEmptyHaystack() {
            assertFalse(contains("", "L;"));
        }

        @Test
        void findsASingleByteNeedle() {
            assertTrue(contains("abcdef", "f"));
        }

        @Test
        void findsANeedleOfRepeatedCharactersAfterAShorterRun() {
            assertTrue(contains("aaXaaaaab", "aaaab"));
        }

        @Test
        void findsNothingWhenRepeatedCharactersNeverCompleteTheNeedle() {
            assertFalse(contains("aaaaaaaaaa", "aaab"));
        }

        @Test
        void findsANeedleThatOverlapsAnEarlierPartialMatch() {
            assertTrue(contains("abaababab", "ababab"));
        }

        @Test
        void handlesBytesAbove127() {
            byte[] needle = {(byte) 0xE9, 'x', (byte) 0xFF};
            byte[] haystack = {(byte) 0xFF, (byte) 0xE9, (byte) 0xE9, 'x', (byte) 0xFF, 0};
            assertTrue(contains(haystack, needle));
        }

        @Test
        void agreesWithANaiveSearchOnRandomInput() {
            Random random = new Random(42);
            int found = 0;
            for (int round = 0; round < 20_000; round++) {
                byte[] haystack = randomBytes(random, random.nextInt(24));
                byte[] needle = randomBytes(random, 1 + random.nextInt(5));
                boolean expected = naive(haystack, needle);
                assertEquals(expected, contains(haystack, needle),
                        () -> new String(haystack, StandardCharsets.ISO_8859_1) + " / "
                                + new String(needle, StandardCharsets.ISO_8859_1));
                found += expected ? 1 : 0;
            }
            assertTrue(found > 1000 && found < 19_000, "the inputs exercise both answers: " + found);
        }

        private byte[] randomBytes(Random random, int length) {
            byte[] b = new byte[length];
            for (int i = 0; i < length; i++) {
                b[i] = (byte) "ab\u00e9".charAt(random.nextInt(3));
            }
            return b;
        }

        private boolean naive(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    // ------------------------------------------------------------------ class loaders

    static class DirectLoader extends ClassLoader {
    }

    static class UrlLoader extends java.net.URLClassLoader {
        UrlLoader() {
            super(new java.net.URL[0]);
        }
    }

    static class GrandchildLoader extends UrlLoader {
        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            return super.loadClass(name, resolve);
        }
    }

    /** Constants of every kind in its pool (long and double take two entries, a lambda a method handle). */
    static class ManyConstants {
        static final long BIG = System.nanoTime() > 0 ? 1L << 40 : 0;
        static final double RATIO = BIG * 0.5;
        final Runnable task = () -> System.out.println(BIG + RATIO + "text");
    }

    @Nested
    class ClassLoaders {

        @Test
        void theSuperClassAndDeclaredMethodsAreReadFromTheClassFileWhateverItsPoolHolds() {
            assertEquals("java/lang/ClassLoader", ClassFiles.superName(classFile(DirectLoader.class)));
            assertEquals("java/net/URLClassLoader", ClassFiles.superName(classFile(UrlLoader.class)));
            assertEquals(UrlLoader.class.getName().replace('.', '/'),
                    ClassFiles.superName(classFile(GrandchildLoader.class)));
            assertEquals("java/lang/Object", ClassFiles.superName(classFile(ManyConstants.class)));
            assertTrue(ClassFiles.declaresMethod(classFile(GrandchildLoader.class), "loadClass"));
            assertFalse(ClassFiles.declaresMethod(classFile(UrlLoader.class), "loadClass"));
            assertTrue(ClassFiles.declaresMethod(classFile(ManyConstants.class), "<init>"));
            assertFalse(ClassFiles.declaresMethod(classFile(ManyConstants.class), "BIG"), "a field is not a method");
            byte[] truncated = java.util.Arrays.copyOf(classFile(GrandchildLoader.class), 40);
            assertEquals(null, ClassFiles.superName(truncated), "a truncated class file has no answer, no exception");
            assertFalse(ClassFiles.declaresMethod(truncated, "loadClass"));
        }

        @Test
        void aLoaderIsKnownByItsSuperClassesReadThroughItsLoaderWithoutLoadingAnything() {
            ClassPrefilter p = toolPrefilter("");
            ClassLoader here = ClassPrefilterTest.class.getClassLoader();
            assertTrue(p.isClassLoader("com/acme/Grandchild", classFile(GrandchildLoader.class), null, here),
                    "its super class (a URLClassLoader) is read as a resource of its loader");
            assertFalse(p.isClassLoader("com/acme/Url", classFile(UrlLoader.class), null, here),
                    "a loader that declares no loadClass needs nothing");
            assertFalse(p.isClassLoader("com/acme/Constants", classFile(ManyConstants.class), null, here));
            assertFalse(p.isClassLoader("java/net/FactoryURLClassLoader", classFile(GrandchildLoader.class), null,
                    here), "the JDK's own loaders are never woven");
            assertTrue(p.isClassLoader("com/acme/Loaded", classFile(GrandchildLoader.class), DirectLoader.class, here),
                    "a loaded class (retransformed at attach) is asked directly");
            assertFalse(p.isClassLoader("com/acme/Loaded", classFile(GrandchildLoader.class), String.class, here));
            assertFalse(p.isClassLoader(null, classFile(GrandchildLoader.class), null, here), "hidden classes are not");
        }
    }
}
