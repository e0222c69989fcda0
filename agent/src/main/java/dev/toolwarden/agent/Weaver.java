package dev.toolwarden.agent;

import dev.toolwarden.agent.advice.AdviceBindings;
import dev.toolwarden.agent.advice.BootDelegationAdvice;
import dev.toolwarden.agent.advice.PoolAdvice;
import dev.toolwarden.agent.matching.MethodSelector;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.matcher.LatentMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Weaves one class that passed the prefilter: describes it from its class file (no class is
 * loaded to decide), asks the {@link MethodSelector}, and rewrites the methods it selects with
 * advice only, so that the result is also valid for retransformation (no new fields or methods,
 * no type initializer added).
 *
 * <p>This is what Byte Buddy's {@code AgentBuilder} does with {@code disableClassFormatChanges()},
 * a pool-only description and one type pool per class, written out without the builder: its
 * construction generates a transformer class and prepares class injection, which cost about a
 * third of the agent's start-up and which Toolwarden never uses. No read edge is added for named
 * modules: the JVM makes every transformed class's module read the unnamed module of the bootstrap
 * loader, where {@code Dispatch} is ({@code ModulesIT}).
 */
final class Weaver {

    /** The class of the application's HikariCP pools, whose constructors are woven. */
    static final String HIKARI_DATA_SOURCE = "com.zaxxer.hikari.HikariDataSource";

    /** Made at the first class woven (or by the warm-up): creating it loads much of Byte Buddy. */
    private volatile ByteBuddy byteBuddy;
    private final MethodSelector selector;
    private final AdviceBindings bindings;
    private final ClassFileLocator api;
    private final TransformationListener listener;
    private volatile AsmVisitorWrapper poolAdvice;
    private volatile AsmVisitorWrapper bootDelegation;

    /**
     * @param selector decides what each method is
     * @param bindings the advice for selected methods
     * @param api finds Toolwarden's annotation and API class files, for loaders that cannot
     * @param listener counts woven classes and reports failures
     */
    Weaver(MethodSelector selector, AdviceBindings bindings, ClassFileLocator api, TransformationListener listener) {
        this.selector = selector;
        this.bindings = bindings;
        this.api = api;
        this.listener = listener;
    }

    private ByteBuddy byteBuddy() {
        ByteBuddy b = byteBuddy;
        if (b == null) {
            b = new ByteBuddy()
                    .with(TypeValidation.DISABLED)
                    // Advice only: no accessor methods, no type initializer, no bridges added.
                    .with(Implementation.Context.Disabled.Factory.INSTANCE)
                    .with(InstrumentedType.Factory.Default.FROZEN)
                    .with(VisibilityBridgeStrategy.Default.NEVER)
                    // Only visitors on declared methods: no method is added or overridden, so the graph of the
                    // type's inherited methods is never used, and its super types need not be described.
                    .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);
            byteBuddy = b; // two threads may both make one: they are equal and immutable
        }
        return b;
    }

    /**
     * @param loader the class's loader, not the bootstrap loader
     * @param internalName its name with slashes
     * @param classFile its class file
     * @param tools whether it may have methods to weave as tools (it passed the prefilter)
     * @param classLoader whether it is a class loader, whose {@code loadClass} methods get the boot
     *     delegation for Toolwarden's API
     * @return the woven class file, or {@code null} to leave the class as it is
     */
    byte[] weave(ClassLoader loader, String internalName, byte[] classFile, boolean tools, boolean classLoader) {
        String name = internalName.replace('/', '.');
        try {
            ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
                    ClassFileLocator.ForClassLoader.of(loader), api);
            TypePool pool = pool(locator);
            TypeDescription type = pool.describe(name).resolve();
            AsmVisitorWrapper visitor = null;
            if (HIKARI_DATA_SOURCE.equals(name)) {
                visitor = poolAdvice();
            } else if (tools && selector.weavesAny(type)) {
                visitor = bindings.visitor(type);
            }
            if (classLoader && !type.getDeclaredMethods().filter(LoaderMethods.LOAD_CLASS).isEmpty()) {
                visitor = visitor == null ? bootDelegation() : new AsmVisitorWrapper.Compound(visitor, bootDelegation());
            }
            if (visitor == null) {
                return null;
            }
            byte[] woven = rewrite(type, locator, pool, visitor);
            listener.woven(name, loader);
            return woven;
        } catch (Throwable t) {
            listener.failed(name, t);
            return null;
        }
    }

    /**
     * A class loader's {@code loadClass(String)} and {@code loadClass(String, boolean)}, when it
     * declares them. In a class of its own, made at the first class loader woven: describing
     * {@code Class} and {@code String} sets up Byte Buddy's reflection, which the agent's start
     * does not otherwise need.
     */
    private static final class LoaderMethods {
        static final ElementMatcher<MethodDescription> LOAD_CLASS = ElementMatchers.<MethodDescription>named(
                "loadClass").and(ElementMatchers.not(ElementMatchers.isAbstract()))
                .and(ElementMatchers.returns(Class.class))
                .and(ElementMatchers.takesArguments(String.class).or(ElementMatchers.takesArguments(String.class,
                        boolean.class)));
    }

    private AsmVisitorWrapper bootDelegation() {
        AsmVisitorWrapper a = bootDelegation;
        if (a == null) {
            a = Advice.to(BootDelegationAdvice.class).on(LoaderMethods.LOAD_CLASS);
            bootDelegation = a;
        }
        return a;
    }

    /**
     * Weaves {@link WarmUpSample} with both advices and discards the result: the first class of the
     * application to be woven then finds Byte Buddy's classes loaded and its advice parsed. Called
     * on a background thread at start-up; a failure costs nothing but the warm-up.
     */
    void warmUp() {
        String name = WarmUpSample.class.getName();
        ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(WarmUpSample.class.getClassLoader());
        TypePool pool = pool(locator);
        rewrite(pool.describe(name).resolve(), locator, pool, bindings.warmUpVisitor());
    }

    /** One pool per class, which reads class files only as it needs them; nothing is loaded. */
    private static TypePool pool(ClassFileLocator locator) {
        return new TypePool.Default.WithLazyResolution(TypePool.CacheProvider.Simple.withObjectType(), locator,
                TypePool.Default.ReaderMode.FAST);
    }

    /** @return the type's class file with the visitor's advice in its declared methods, and nothing else changed */
    private byte[] rewrite(TypeDescription type, ClassFileLocator locator, TypePool pool, AsmVisitorWrapper visitor) {
        return byteBuddy().redefine(type, locator)
                .ignoreAlso(LatentMatcher.ForSelfDeclaredMethod.NOT_DECLARED)
                .visit(visitor)
                .make(TypeResolutionStrategy.Disabled.INSTANCE, pool)
                .getBytes();
    }

    /** The application's HikariCP pools, handed to the runtime as they are built. */
    private AsmVisitorWrapper poolAdvice() {
        AsmVisitorWrapper a = poolAdvice;
        if (a == null) {
            a = Advice.to(PoolAdvice.class).on(ElementMatchers.isConstructor());
            poolAdvice = a;
        }
        return a;
    }
}
