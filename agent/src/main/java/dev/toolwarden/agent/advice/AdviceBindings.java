package dev.toolwarden.agent.advice;

import dev.toolwarden.agent.matching.MethodSelector;
import dev.toolwarden.agent.matching.Selection;
import dev.toolwarden.config.FaultInjection;
import dev.toolwarden.config.Keys;
import dev.toolwarden.runtime.ToolwardenRuntime;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.Advice.OffsetMapping;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.implementation.bytecode.constant.NullConstant;

/**
 * Builds the advice for woven methods, binding {@link MethodId} and {@link ConversationArgument}
 * per method: the method is selected and registered with the runtime as its advice is woven, and
 * the id the runtime returns is compiled into the method as a constant.
 */
public final class AdviceBindings {

    private final MethodSelector selector;
    private final ToolwardenRuntime runtime;
    private final Advice advice;

    /**
     * @param selector decides what each method is
     * @param runtime gives each woven method its id
     */
    public AdviceBindings(MethodSelector selector, ToolwardenRuntime runtime) {
        this.selector = selector;
        this.runtime = runtime;
        // Built once: reading and parsing the advice class is the expensive part, and the bindings
        // resolve per woven method anyway.
        Class<?> adviceClass = runtime.recordsArguments() ? ExecutionAdvice.WithArguments.class : ExecutionAdvice.class;
        this.advice = Advice.withCustomMapping()
                .bind(new IdFactory())
                .bind(new ConversationFactory())
                .to(adviceClass);
    }

    /** @return the advice, for {@code builder.visit(advice.on(...))} */
    public Advice advice() {
        return advice;
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
