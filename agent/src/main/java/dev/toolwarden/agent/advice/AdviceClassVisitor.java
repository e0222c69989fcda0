package dev.toolwarden.agent.advice;

import dev.toolwarden.agent.matching.ClassModel;
import java.util.Map;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Copies a class file, weaving the advice into the methods it was given and leaving the rest as they are. */
final class AdviceClassVisitor extends ClassVisitor {

    private final ClassModel type;
    private final Map<String, WovenMethod> methods;
    private final boolean poolConstructors;
    private final boolean poolHousekeeping;
    private final boolean loadClass;
    private final boolean frames;

    AdviceClassVisitor(ClassVisitor next, ClassModel type, Map<String, WovenMethod> methods,
            boolean poolConstructors, boolean poolHousekeeping, boolean loadClass) {
        super(Opcodes.ASM9, next);
        this.type = type;
        this.methods = methods;
        this.poolConstructors = poolConstructors;
        this.poolHousekeeping = poolHousekeeping;
        this.loadClass = loadClass;
        this.frames = type.version() >= Opcodes.V1_7;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || next == null) {
            return next;
        }
        WovenMethod plan = methods.get(AdviceBindings.key(name, descriptor));
        if (plan != null) {
            return new ToolAdvice(next, type.internalName(), access, descriptor, frames, plan);
        }
        if (poolConstructors && name.equals("<init>")) {
            return new PoolAdvice(next);
        }
        if (poolHousekeeping && name.equals("fillPool") && (access & Opcodes.ACC_STATIC) == 0) {
            return new PoolAdvice.Housekeeping(next);
        }
        if (loadClass && isLoadClass(name, descriptor)) {
            return new LoaderAdvice(next, type.internalName(), descriptor, frames);
        }
        return next;
    }

    /**
     * @param name a method's name
     * @param descriptor its descriptor
     * @return whether it is a class loader's {@code loadClass(String)} or {@code loadClass(String, boolean)}
     */
    static boolean isLoadClass(String name, String descriptor) {
        return name.equals("loadClass") && (descriptor.equals("(Ljava/lang/String;)Ljava/lang/Class;")
                || descriptor.equals("(Ljava/lang/String;Z)Ljava/lang/Class;"));
    }
}
