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
import java.util.List;
import java.util.Map;
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

    // ------------------------------------------------------------------ the constant pool, read once

    /** The marker only inside a longer string: not an entry of its own, so not an annotation of the class. */
    static class MentionsTheMarker {
        static final String TEXT = "see Ldev/toolwarden/annotation/Tool; in the docs";
    }

    /** Two-slot constants, a method handle and an invokedynamic before the annotation's entry. */
    static class LongsThenMarker {
        static final long BIG = System.nanoTime() > 0 ? 1L << 40 : 0;
        static final double RATIO = BIG * 0.5;
        final Runnable task = () -> System.out.println(BIG + RATIO + "text");

        @Tool
        public void run() {
        }
    }

    @Nested
    class Constants {

        @Test
        void aMarkersDescriptorInThePoolIsFound() {
            assertEquals(ClassPrefilter.MARKER, toolPrefilter(null).constants(classFile(Annotated.class)));
            assertEquals(ClassPrefilter.MARKER, toolPrefilter(null).constants(classFile(LongsThenMarker.class)),
                    "long and double take two entries: the entries after them are read in step");
            assertEquals(0, toolPrefilter(null).constants(classFile(Plain.class)));
            assertEquals(0, toolPrefilter(null).constants(classFile(ManyConstants.class)));
        }

        @Test
        void loadClassIsFoundWithTheMarkersInTheSamePass() {
            assertEquals(ClassPrefilter.LOADS_CLASSES, toolPrefilter(null).constants(classFile(GrandchildLoader.class)));
        }

        @Test
        void aDescriptorInsideALongerStringIsNoAnnotation() {
            assertEquals(0, toolPrefilter(null).constants(classFile(MentionsTheMarker.class)));
        }

        @Test
        void aClassFileThatCannotBeReadSoIsLeftToTheWeaver() {
            ClassPrefilter p = toolPrefilter(null);
            int both = ClassPrefilter.MARKER | ClassPrefilter.LOADS_CLASSES;
            byte[] whole = classFile(Plain.class);
            assertEquals(both, p.constants(java.util.Arrays.copyOf(whole, 40)), "cut short");
            org.objectweb.asm.ClassReader reader = new org.objectweb.asm.ClassReader(whole);
            int poolEnd = reader.header; // the access flags, right after the last entry
            assertEquals(both, p.constants(java.util.Arrays.copyOf(whole, poolEnd - 1)), "cut inside the last entry");
            assertEquals(both, p.constants(java.util.Arrays.copyOf(whole, poolEnd + 2)), "cut right after the pool");
            assertEquals(0, p.constants(java.util.Arrays.copyOf(whole, poolEnd + 6)), "the pool and the header read");
            assertEquals(both, p.constants(new byte[3]));
            byte[] unknownTag = whole.clone();
            unknownTag[10] = 42; // the first entry's tag
            assertEquals(both, p.constants(unknownTag));
        }

        /** Every class file of this module's tests, its pool walked by ASM's own index of it. */
        @Test
        void agreesWithAsmsReadingOfThePoolOnEveryTestClass() throws IOException {
            ClassPrefilter p = prefilter(null, TOOL, MARK, "dev.langchain4j.agent.tool.Tool");
            List<byte[]> needles = List.of(descriptor(TOOL), descriptor(MARK), descriptor("dev.langchain4j.agent.tool.Tool"));
            java.nio.file.Path root;
            try {
                root = java.nio.file.Path.of(ClassPrefilterTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            int classes = 0;
            int marked = 0;
            int loaders = 0;
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(root)) {
                for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files.filter(x -> x.toString().endsWith(".class"))::iterator) {
                    byte[] b = java.nio.file.Files.readAllBytes(f);
                    org.objectweb.asm.ClassReader reader = new org.objectweb.asm.ClassReader(b);
                    boolean marker = false;
                    boolean loadClass = false;
                    for (int i = 1; i < reader.getItemCount(); i++) {
                        int offset = reader.getItem(i);
                        if (offset == 0 || b[offset - 1] != 1) {
                            continue; // the second slot of a long or double, or not a Utf8 entry
                        }
                        int length = ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
                        byte[] value = java.util.Arrays.copyOfRange(b, offset + 2, offset + 2 + length);
                        for (byte[] n : needles) {
                            marker |= java.util.Arrays.equals(value, n);
                        }
                        loadClass |= new String(value, StandardCharsets.ISO_8859_1).equals("loadClass");
                    }
                    int expected = (marker ? ClassPrefilter.MARKER : 0) | (loadClass ? ClassPrefilter.LOADS_CLASSES : 0);
                    assertEquals(expected, p.constants(b), f::toString);
                    classes++;
                    marked += marker ? 1 : 0;
                    loaders += loadClass ? 1 : 0;
                }
            }
            assertTrue(classes > 100 && marked > 20 && loaders > 3, classes + " classes, " + marked + " marked, "
                    + loaders + " naming loadClass: the test classes exercise every answer");
        }

        private byte[] descriptor(String annotation) {
            return ("L" + annotation.replace('.', '/') + ";").getBytes(StandardCharsets.UTF_8);
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
