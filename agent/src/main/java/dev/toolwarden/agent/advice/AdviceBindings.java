package dev.toolwarden.agent.advice;

import dev.toolwarden.agent.matching.ClassModel;
import dev.toolwarden.agent.matching.MethodModel;
import dev.toolwarden.agent.matching.MethodSelector;
import dev.toolwarden.agent.matching.Selection;
import dev.toolwarden.agent.matching.TypeFacts;
import dev.toolwarden.bootstrap.Completion;
import dev.toolwarden.config.FaultInjection;
import dev.toolwarden.config.Keys;
import dev.toolwarden.log.Log;
import dev.toolwarden.runtime.ToolwardenRuntime;
import java.util.HashMap;
import java.util.Map;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Decides, per woven method, what its advice is bound to: the method is selected and registered with
 * the runtime as its class is woven, and the id the runtime returns, its flags and its method handles
 * are compiled into the method as constants.
 */
public final class AdviceBindings {

    private final MethodSelector selector;
    private final ToolwardenRuntime runtime;

    /**
     * @param selector decides what each method is
     * @param runtime gives each woven method its id
     */
    public AdviceBindings(MethodSelector selector, ToolwardenRuntime runtime) {
        this.selector = selector;
        this.runtime = runtime;
    }

    /**
     * Selects and registers the methods of a type that are woven as tools or chat handlers.
     *
     * @param type a type that declares some ({@link MethodSelector#weavesAny})
     * @param facts answers about other types, from its loader's class files
     * @return the advice of each, by {@link #key}
     */
    public Map<String, WovenMethod> bind(ClassModel type, TypeFacts facts) {
        Map<String, WovenMethod> woven = new HashMap<>();
        for (MethodModel m : type.methods()) {
            if (!selector.isCandidate(type, m)) {
                continue;
            }
            if (runtime.configuration().get(Keys.DEBUG_FAIL) == FaultInjection.WEAVE) {
                throw new IllegalStateException("injected failure while weaving (toolwarden.debug.fail=weave)");
            }
            Selection s = selector.select(type, m, facts);
            if (s != null) {
                woven.put(key(m.name(), m.descriptor()), bind(type, m, s, runtime.register(s.descriptor())));
            }
        }
        return woven;
    }

    /**
     * Both advices on the methods of {@code WarmUpSample}, whatever the selector says: for warming up
     * the weaver, off the application's threads. Nothing is registered; the ids are -1.
     *
     * @param type the sample
     * @return the plain advice on its {@code plain*} methods, the guarded one on its {@code guarded*} methods
     */
    public static Map<String, WovenMethod> warmUp(ClassModel type) {
        Map<String, WovenMethod> woven = new HashMap<>();
        for (MethodModel m : type.methods()) {
            if (m.name().startsWith("plain")) {
                woven.put(key(m.name(), m.descriptor()), new WovenMethod(-1, 0, false, true, 0, null, null));
            } else if (m.name().startsWith("guarded")) {
                woven.put(key(m.name(), m.descriptor()), new WovenMethod(-1, 0, true, true,
                        Completion.ARGUMENTS_ON_ENTRY | Completion.RESULT_ON_EXIT, null, null));
            }
        }
        return woven;
    }

    /**
     * @param name a method's name
     * @param descriptor its descriptor
     * @return how {@link #bind} names it
     */
    public static String key(String name, String descriptor) {
        return name.concat(descriptor);
    }

    /**
     * @param next the class writer
     * @param type the class
     * @param methods the tools and chat handlers to weave, by {@link #key}
     * @param poolConstructors whether to weave its constructors with the pool advice (HikariCP's data source)
     * @param poolHousekeeping whether to weave its {@code fillPool} with the pool advice (HikariCP's pool)
     * @param loadClass whether to weave its {@code loadClass} methods with the boot delegation
     * @return a visitor that weaves them as the class file is copied to {@code next}
     */
    public static ClassVisitor weaving(ClassVisitor next, ClassModel type, Map<String, WovenMethod> methods,
            boolean poolConstructors, boolean poolHousekeeping, boolean loadClass) {
        return new AdviceClassVisitor(next, type, methods, poolConstructors, poolHousekeeping, loadClass);
    }

    /**
     * @param type a class
     * @return whether it declares a {@code loadClass(String)} or {@code loadClass(String, boolean)} with code,
     *     which the boot delegation is woven into
     */
    public static boolean declaresLoadClass(ClassModel type) {
        for (MethodModel m : type.methods()) {
            if (!m.isAbstract() && !m.isNative() && AdviceClassVisitor.isLoadClass(m.name(), m.descriptor())) {
                return true;
            }
        }
        return false;
    }

    private WovenMethod bind(ClassModel type, MethodModel method, Selection s, int id) {
        if (!s.guarded()) {
            return new WovenMethod(id, s.conversationParameter(), false, runtime.recordsArguments(), 0, null, null);
        }
        int flags = flags(method, s);
        return new WovenMethod(id, s.conversationParameter(), true, (flags & Completion.ARGUMENTS_ON_ENTRY) != 0,
                flags, bodyHandle(type, method, s), fallbackHandle(type, s));
    }

    private int flags(MethodModel method, Selection s) {
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
        int sort = method.returnType().getSort();
        if (sort != Type.VOID && sort < Type.ARRAY) {
            flags |= Completion.PRIMITIVE_RESULT;
        }
        return flags;
    }

    /**
     * A handle that runs the method's own body, for isolation and for refreshing cached entries:
     * {@code invokespecial}, so no override runs instead.
     */
    private static Handle bodyHandle(ClassModel type, MethodModel method, Selection s) {
        if (!(s.descriptor().policy().isolate() || s.descriptor().policy().cacheCategory() != null)
                || !handlesAllowed(type, s, "isolate or refresh")) {
            return null;
        }
        return new Handle(method.isStatic() ? Opcodes.H_INVOKESTATIC : Opcodes.H_INVOKESPECIAL, type.internalName(),
                method.name(), method.descriptor(), type.isInterface());
    }

    private static Handle fallbackHandle(ClassModel type, Selection s) {
        MethodModel f = s.fallbackMethod();
        if (f == null || !handlesAllowed(type, s, "call the fallback of")) {
            return null;
        }
        int kind = f.isStatic() ? Opcodes.H_INVOKESTATIC
                : f.isPrivate() ? Opcodes.H_INVOKESPECIAL
                : type.isInterface() ? Opcodes.H_INVOKEINTERFACE : Opcodes.H_INVOKEVIRTUAL;
        return new Handle(kind, type.internalName(), f.name(), f.descriptor(), type.isInterface());
    }

    /** Method handle constants need class files of Java 7 or later. */
    private static boolean handlesAllowed(ClassModel type, Selection s, String what) {
        if (type.version() >= Opcodes.V1_7) {
            return true;
        }
        Log.warnOnce("version:" + what + s.descriptor().method(), "cannot " + what + " " + s.descriptor().method()
                + ": its class file is older than Java 7; its calls are timed in place"
                + (what.startsWith("call") ? " and get ToolTimeoutException or ResourceExhaustedException" : ""));
        return false;
    }
}
