package dev.toolwarden.agent.advice;

import dev.toolwarden.bootstrap.Dispatch;
import net.bytebuddy.asm.Advice;

/**
 * Woven into the {@code loadClass} methods that an application's class loaders declare: a name of
 * Toolwarden's API, annotations or bridge is answered from the bootstrap class path, without
 * running the loader's own search. Every other name goes through the loader as before.
 */
public final class BootDelegationAdvice {

    private BootDelegationAdvice() {
    }

    /**
     * @param name the class asked for
     * @return Toolwarden's own class of that name, which skips the loader's search, or {@code null}
     */
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static Class<?> enter(@Advice.Argument(0) String name) {
        return Dispatch.apiClass(name);
    }

    /**
     * @param api what {@link #enter} found
     * @param result the method's result, replaced by it when it found one
     */
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Enter Class<?> api, @Advice.Return(readOnly = false) Class<?> result) {
        if (api != null) {
            result = api;
        }
    }
}
