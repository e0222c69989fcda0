package dev.toolwarden.agent.advice;

import dev.toolwarden.bootstrap.Completion;
import dev.toolwarden.bootstrap.Dispatch;
import java.lang.invoke.MethodHandle;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The code woven around guarded methods: those with a fallback, a concurrency bound, isolation or
 * an asynchronous result. Unlike {@link ExecutionAdvice} it may skip the body (the runtime ran it on
 * a worker, or refused the call) and may replace the returned value (a fallback's answer, a stage
 * of Toolwarden's). The flags are constants per method, so the branches on them cost nothing once
 * compiled, and the arguments are copied into an array only where a flag or a fallback needs them.
 */
public final class GuardedAdvice {

    private GuardedAdvice() {
    }

    /**
     * On entry: starts the call; a {@link Completion} returned here skips the body.
     *
     * @param method the woven method's id
     * @param conversation the {@code @ConversationId} argument, or {@code null}
     * @param flags the method's flags
     * @param self the receiver, or {@code null}
     * @param arguments the arguments (copied only when the flags ask for them)
     * @param body a handle on the method's own body, for isolation
     * @return the call's context, or a completion
     */
    @Advice.OnMethodEnter(skipOn = Completion.class, suppress = Throwable.class)
    public static Object enter(@MethodId int method, @ConversationArgument Object conversation, @GuardFlags int flags,
            @Advice.This(optional = true) Object self, @Advice.AllArguments Object[] arguments,
            @BodyHandle MethodHandle body) {
        return Dispatch.enterGuarded(method, conversation, self,
                (flags & Completion.ARGUMENTS_ON_ENTRY) != 0 ? arguments : null, body);
    }

    /**
     * On exit, normal or exceptional, or after a skipped body: ends the call, and applies what the
     * runtime decided: a timeout, a fallback's answer, an isolated body's result, a stage of its own.
     *
     * @param context what {@link #enter} returned
     * @param flags the method's flags
     * @param self the receiver, or {@code null}
     * @param arguments the arguments (copied only for a fallback or an asynchronous fallback)
     * @param fallback a handle on the fallback, or {@code null}
     * @param returned the returned value
     * @param thrown what the body threw, or {@code null}
     */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object context, @GuardFlags int flags,
            @Advice.This(optional = true) Object self, @Advice.AllArguments Object[] arguments,
            @FallbackHandle MethodHandle fallback,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
            @Advice.Thrown(readOnly = false) Throwable thrown) {
        Object receiver = (flags & Completion.STATIC_FALLBACK) != 0 ? null : self;
        Completion done = Dispatch.exitGuarded(context, (flags & Completion.RESULT_ON_EXIT) != 0 ? returned : null,
                thrown, receiver, (flags & Completion.ARGUMENTS_ON_EXIT) != 0 ? arguments : null, fallback);
        if (done != null) {
            if (done.fallbackWanted()) {
                done = Dispatch.fallback(done, receiver, arguments, fallback);
            }
            if (done.thrown != null) {
                thrown = done.thrown;
            } else {
                thrown = null;
                returned = done.value;
            }
        }
    }
}
