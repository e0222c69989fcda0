package dev.toolwarden.agent.advice;

import dev.toolwarden.agent.matching.MethodSelector;
import dev.toolwarden.agent.matching.Selection;
import dev.toolwarden.config.FaultInjection;
import dev.toolwarden.config.Keys;
import dev.toolwarden.runtime.ToolwardenRuntime;
import dev.toolwarden.bootstrap.Completion;
import dev.toolwarden.log.Log;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.Advice.OffsetMapping;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.implementation.bytecode.constant.JavaConstantValue;
import net.bytebuddy.utility.JavaConstant;
import net.bytebuddy.implementation.bytecode.constant.NullConstant;

/**
 * Builds the advice for woven methods, binding {@link MethodId} and {@link ConversationArgument}
 * per method: the method is selected and registered with the runtime as its advice is woven, and
 * the id the runtime returns is compiled into the method as a constant.
 */
public final class AdviceBindings {

    private final MethodSelector selector;
    private final ToolwardenRuntime runtime;
    /** Made at the first method that needs it: parsing an advice class is most of the weaver's start-up. */
    private volatile Advice advice;
    private volatile Advice guarded;

    /**
     * @param selector decides what each method is
     * @param runtime gives each woven method its id
     */
    public AdviceBindings(MethodSelector selector, ToolwardenRuntime runtime) {
        this.selector = selector;
        this.runtime = runtime;
    }

    private Advice advice() {
        Advice a = advice;
        if (a == null) {
            synchronized (this) {
                a = advice;
                if (a == null) {
                    Class<?> adviceClass = runtime.recordsArguments() ? ExecutionAdvice.WithArguments.class
                            : ExecutionAdvice.class;
                    // Built once: the bindings resolve per woven method anyway.
                    a = Advice.withCustomMapping()
                            .bind(new IdFactory())
                            .bind(new ConversationFactory())
                            .to(adviceClass);
                    advice = a;
                }
            }
        }
        return a;
    }

    private Advice guarded() {
        Advice a = guarded;
        if (a == null) {
            synchronized (this) {
                a = guarded;
                if (a == null) {
                    a = Advice.withCustomMapping()
                            .bind(new IdFactory())
                            .bind(new ConversationFactory())
                            .bind(constant(GuardFlags.class, (type, method, s) -> IntegerConstant.forValue(flags(method, s))))
                            .bind(constant(BodyHandle.class, this::bodyHandle))
                            .bind(constant(FallbackHandle.class, this::fallbackHandle))
                            .to(GuardedAdvice.class);
                    guarded = a;
                }
            }
        }
        return a;
    }

    /**
     * @param type a type being woven
     * @return what weaves its methods: the plain advice, or the guarded advice for methods with a
     *     fallback, a concurrency bound, isolation or an asynchronous result
     */
    public AsmVisitorWrapper visitor(TypeDescription type) {
        return new AsmVisitorWrapper.ForDeclaredMethods()
                .method(m -> selector.isCandidate(type, m) && !isGuarded(type, m),
                        (t, m, v, context, pool, writerFlags, readerFlags) ->
                                advice().wrap(t, m, v, context, pool, writerFlags, readerFlags))
                .method(m -> selector.isCandidate(type, m) && isGuarded(type, m),
                        (t, m, v, context, pool, writerFlags, readerFlags) ->
                                guarded().wrap(t, m, v, context, pool, writerFlags, readerFlags));
    }

    /**
     * Both advices applied to every method of a type, whatever the selector says: for warming up the
     * weaver, off the application's threads. No method is selected, so nothing is registered and
     * the advice binds no id.
     *
     * @return what weaves every method of a type with both advices
     */
    public AsmVisitorWrapper warmUpVisitor() {
        return new AsmVisitorWrapper.ForDeclaredMethods()
                .method(m -> !m.isConstructor() && m.getName().startsWith("plain"), advice())
                .method(m -> !m.isConstructor() && m.getName().startsWith("guarded"), guarded());
    }

    private boolean isGuarded(TypeDescription type, MethodDescription method) {
        Selection s = selector.select(type, method);
        return s != null && s.guarded();
    }

    private int flags(MethodDescription method, Selection s) {
        if (s == null) {
            return 0;
        }
        int flags = 0;
        boolean cached = s.descriptor().policy().cacheCategory() != null;
        if (s.descriptor().policy().isolate() || runtime.recordsArguments() || cached) {
            flags |= Completion.ARGUMENTS_ON_ENTRY;
        }
        if (cached) {
            flags |= Completion.RESULT_ON_EXIT; // the value to cache
        }
        if (s.estimatesConversationMemory()) {
            flags |= Completion.ARGUMENTS_ON_ENTRY | Completion.RESULT_ON_EXIT; // the messages, for the estimate
        }
        if (s.descriptor().asynchronous()) {
            flags |= Completion.RESULT_ON_EXIT;
            if (s.fallbackMethod() != null) {
                flags |= Completion.ARGUMENTS_ON_EXIT;
            }
        }
        if (s.fallbackMethod() != null && s.fallbackMethod().isStatic()) {
            flags |= Completion.STATIC_FALLBACK;
        }
        return flags;
    }

    /**
     * A handle that runs the method's own body, for isolation and for refreshing cached entries:
     * {@code invokespecial}, so no override runs instead.
     */
    private StackManipulation bodyHandle(TypeDescription type, MethodDescription method, Selection s) {
        if (s == null || !(s.descriptor().policy().isolate() || s.descriptor().policy().cacheCategory() != null)
                || !handlesAllowed(type, s, "isolate or refresh")) {
            return NullConstant.INSTANCE;
        }
        MethodDescription.InDefinedShape own = method.asDefined();
        return new JavaConstantValue(own.isStatic() ? JavaConstant.MethodHandle.of(own)
                : JavaConstant.MethodHandle.ofSpecial(own, type));
    }

    private StackManipulation fallbackHandle(TypeDescription type, MethodDescription method, Selection s) {
        if (s == null || s.fallbackMethod() == null || !handlesAllowed(type, s, "call the fallback of")) {
            return NullConstant.INSTANCE;
        }
        return new JavaConstantValue(JavaConstant.MethodHandle.of(s.fallbackMethod()));
    }

    /** Method handle constants need class files of Java 7 or later. */
    private static boolean handlesAllowed(TypeDescription type, Selection s, String what) {
        ClassFileVersion version = type.getClassFileVersion();
        if (version == null || version.isAtLeast(ClassFileVersion.JAVA_V7)) {
            return true;
        }
        Log.warnOnce("version:" + what + s.descriptor().method(), "cannot " + what + " " + s.descriptor().method()
                + ": its class file is older than Java 7; its calls are timed in place"
                + (what.startsWith("call") ? " and get ToolTimeoutException or ResourceExhaustedException" : ""));
        return false;
    }

    /** Computes a stack manipulation per woven method. */
    @FunctionalInterface
    private interface PerMethod {
        StackManipulation apply(TypeDescription type, MethodDescription method, Selection selection);
    }

    private <A extends java.lang.annotation.Annotation> OffsetMapping.Factory<A> constant(Class<A> annotationType,
            PerMethod value) {
        return new OffsetMapping.Factory<A>() {
            @Override
            public Class<A> getAnnotationType() {
                return annotationType;
            }

            @Override
            public OffsetMapping make(ParameterDescription.InDefinedShape target,
                    AnnotationDescription.Loadable<A> annotation, AdviceType adviceType) {
                return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) ->
                        new OffsetMapping.Target.ForStackManipulation(value.apply(instrumentedType, instrumentedMethod,
                                selector.select(instrumentedType, instrumentedMethod)));
            }
        };
    }

    private final class IdFactory implements OffsetMapping.Factory<MethodId> {
        @Override
        public Class<MethodId> getAnnotationType() {
            return MethodId.class;
        }

        @Override
        public OffsetMapping make(ParameterDescription.InDefinedShape target,
                AnnotationDescription.Loadable<MethodId> annotation, AdviceType adviceType) {
            return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) -> {
                if (runtime.configuration().get(Keys.DEBUG_FAIL) == FaultInjection.WEAVE) {
                    throw new IllegalStateException("injected failure while weaving (toolwarden.debug.fail=weave)");
                }
                Selection s = selector.select(instrumentedType, instrumentedMethod);
                int id = s == null ? -1 : runtime.register(s.descriptor());
                return new OffsetMapping.Target.ForStackManipulation(IntegerConstant.forValue(id));
            };
        }
    }

    private final class ConversationFactory implements OffsetMapping.Factory<ConversationArgument> {
        @Override
        public Class<ConversationArgument> getAnnotationType() {
            return ConversationArgument.class;
        }

        @Override
        public OffsetMapping make(ParameterDescription.InDefinedShape target,
                AnnotationDescription.Loadable<ConversationArgument> annotation, AdviceType adviceType) {
            return (TypeDescription instrumentedType, MethodDescription instrumentedMethod, Assigner assigner,
                    Advice.ArgumentHandler argumentHandler, OffsetMapping.Sort sort) -> {
                Selection s = selector.select(instrumentedType, instrumentedMethod);
                if (s == null || s.conversationParameter() < 0) {
                    return new OffsetMapping.Target.ForStackManipulation(NullConstant.INSTANCE);
                }
                ParameterDescription p = instrumentedMethod.getParameters().get(s.conversationParameter());
                return new OffsetMapping.ForArgument.Resolved(TypeDescription.Generic.OBJECT, true,
                        Assigner.Typing.DYNAMIC, p).resolve(instrumentedType, instrumentedMethod, assigner,
                        argumentHandler, sort);
            };
        }
    }
}
