package dev.toolwarden.agent;

import dev.toolwarden.agent.matching.ClassPrefilter;
import dev.toolwarden.log.InternalErrors;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;

/**
 * The transformer the JVM calls for every class: the cheap {@link ClassPrefilter} first, Byte
 * Buddy only for the classes that pass it. Never throws into the JVM: a failure leaves the class
 * as it was.
 */
final class WeavingTransformer implements ClassFileTransformer {

    private final ClassFileTransformer byteBuddy;
    private final ClassPrefilter prefilter;
    private final ClassLoader agentLoader;
    private final InternalErrors errors;
    private final Runnable afterClass;
    private final String alwaysWoven;

    WeavingTransformer(ClassFileTransformer byteBuddy, ClassPrefilter prefilter, InternalErrors errors,
            Runnable afterClass, String alwaysWoven) {
        this.afterClass = afterClass;
        this.alwaysWoven = alwaysWoven;
        this.byteBuddy = byteBuddy;
        this.prefilter = prefilter;
        this.agentLoader = WeavingTransformer.class.getClassLoader();
        this.errors = errors;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        // The bootstrap loader holds the JDK and Toolwarden's bridge; the agent's loader holds Toolwarden.
        if (loader == null || loader == agentLoader) {
            return null;
        }
        try {
            if (!alwaysWoven.equals(className) && !prefilter.mayWeave(className, classfileBuffer)) {
                return null;
            }
            return byteBuddy.transform(module, loader, className, classBeingRedefined, protectionDomain,
                    classfileBuffer);
        } catch (Throwable t) {
            if (TransformationListener.missingType(t) == null) { // else the listener has said why, once
                errors.record("weaving " + className, t);
            }
            return null;
        } finally {
            afterClass.run();
        }
    }
}
