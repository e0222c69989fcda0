package dev.toolwarden.agent.advice;

import dev.toolwarden.bootstrap.Dispatch;
import net.bytebuddy.asm.Advice;

/**
 * The code woven around every tool and chat handler. Byte Buddy copies these method bodies into
 * the woven method, so they may refer only to classes every class loader sees ({@code Dispatch}), and
 * they do nothing but call it: all logic, and all its failures, stay in the runtime.
 */
public final class ExecutionAdvice {

    private ExecutionAdvice() {
    }

    /**
     * On entry: starts accounting. Not suppressed: {@code Dispatch} throws nothing but the
     * {@code ResourceExhaustedException} of a refused call, which must reach the caller instead of
     * the body running.
     *
     * @param method the woven method's id
     * @param conversation the {@code @ConversationId} argument, or {@code null}
     * @return the call's context
     */
    @Advice.OnMethodEnter
    public static Object enter(@MethodId int method, @ConversationArgument Object conversation) {
        return Dispatch.enter(method, conversation);
    }

    /**
     * On exit, normal or exceptional: ends accounting. The body's result or exception stands, unless
     * the call passed its hard limit: then the caller gets the {@code ToolTimeoutException} the
     * runtime returns (assigning to {@code thrown} makes Byte Buddy throw it).
     *
     * @param context what {@link #enter} returned
     * @param thrown what the body threw, or {@code null}
     */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object context, @Advice.Thrown(readOnly = false) Throwable thrown) {
        Throwable replacement = Dispatch.exit(context, thrown);
        if (replacement != null) {
            thrown = replacement;
        }
    }

    /** The same, for {@code toolwarden.jfr.arguments=hash|full}: also passes the arguments. */
    public static final class WithArguments {

        private WithArguments() {
        }

        /**
         * On entry: starts accounting, keeping the arguments for the event.
         *
         * @param method the woven method's id
         * @param conversation the {@code @ConversationId} argument, or {@code null}
         * @param arguments all arguments
         * @return the call's context
         */
        @Advice.OnMethodEnter
        public static Object enter(@MethodId int method, @ConversationArgument Object conversation,
                @Advice.AllArguments Object[] arguments) {
            return Dispatch.enter(method, conversation, arguments);
        }

        /**
         * On exit: ends accounting; a call past its hard limit throws the runtime's replacement.
         *
         * @param context what {@link #enter} returned
         * @param thrown what the body threw, or {@code null}
         */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object context, @Advice.Thrown(readOnly = false) Throwable thrown) {
            Throwable replacement = Dispatch.exit(context, thrown);
            if (replacement != null) {
                thrown = replacement;
            }
        }
    }
}
