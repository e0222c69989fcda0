package dev.toolwarden.agent;

import dev.toolwarden.agent.matching.ClassPrefilter;
import dev.toolwarden.log.InternalErrors;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transformer the JVM calls for every class: the cheap {@link ClassPrefilter} first, the
 * {@link Weaver} only for the classes that pass it. Never throws into the JVM: a failure leaves the class
 * as it was.
 */
final class WeavingTransformer implements ClassFileTransformer {

    private final Weaver weaver;
    /** Threads weaving a class now: a class that one of them loads meanwhile is left alone. */
    private final Set<Thread> weaving = ConcurrentHashMap.newKeySet();
    private final ClassPrefilter prefilter;
    private final ClassLoader agentLoader;
    private final InternalErrors errors;
    /** Internal names of classes woven whatever the prefilter says: HikariCP's, to find the application's pools. */
    private final java.util.Set<String> alwaysWoven;

    WeavingTransformer(Weaver weaver, ClassPrefilter prefilter, InternalErrors errors, java.util.Set<String> alwaysWoven) {
        this.alwaysWoven = alwaysWoven;
        this.weaver = weaver;
        this.prefilter = prefilter;
        this.agentLoader = WeavingTransformer.class.getClassLoader();
        this.errors = errors;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        // The bootstrap loader holds the JDK and Toolwarden's bridge; the agent's loader holds Toolwarden.
        if (loader == null || loader == agentLoader || className == null) {
            // A null name: a class defined with ClassLoader.defineClass(null, ...), whose name is only in its bytes.
            return null;
        }
        Thread current = Thread.currentThread();
        boolean entered = false;
        try {
            int constants = prefilter.constants(classfileBuffer); // one pass, for both questions
            boolean classLoader = prefilter.isClassLoader(className, classfileBuffer, constants, classBeingRedefined,
                    loader);
            boolean tools = alwaysWoven.contains(className) || prefilter.mayWeave(className, constants);
            if (!tools && !classLoader) {
                return null;
            }
            // Weaving loads no application class; a class loaded on this thread while it weaves is left as it is.
            entered = weaving.add(current);
            if (!entered) {
                return null;
            }
            return weaver.weave(loader, className, classfileBuffer, tools, classLoader);
        } catch (Throwable t) {
            errors.record("weaving " + className, t);
            return null;
        } finally {
            if (entered) {
                weaving.remove(current);
            }
        }
    }
}
