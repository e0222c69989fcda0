package dev.toolwarden.agent.matching;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * A method as its class file declares it: what the {@link MethodSelector} reads to decide whether
 * and how it is woven. Nothing is resolved: parameter and return types are names.
 */
public final class MethodModel {

    private final String name;
    private final String descriptor;
    private final String signature;
    private final int access;
    final List<AnnotationModel> annotations = new ArrayList<>(2);
    final List<List<AnnotationModel>> parameterAnnotations;
    private final Type[] parameterTypes;
    private final Type returnType;

    MethodModel(int access, String name, String descriptor, String signature) {
        this.access = access;
        this.name = name;
        this.descriptor = descriptor;
        this.signature = signature;
        this.parameterTypes = Type.getArgumentTypes(descriptor);
        this.returnType = Type.getReturnType(descriptor);
        this.parameterAnnotations = new ArrayList<>(parameterTypes.length);
        for (int i = 0; i < parameterTypes.length; i++) {
            parameterAnnotations.add(new ArrayList<>(0));
        }
    }

    /** @return the method's name ({@code <init>} for a constructor) */
    public String name() {
        return name;
    }

    /** @return its descriptor, {@code (Ljava/lang/String;)I} */
    public String descriptor() {
        return descriptor;
    }

    /** @return its generic signature, or {@code null} */
    public String signature() {
        return signature;
    }

    /** @return the annotations on the method */
    public List<AnnotationModel> annotations() {
        return annotations;
    }

    /**
     * @param index a parameter's index
     * @return the annotations on it
     */
    public List<AnnotationModel> parameterAnnotations(int index) {
        return parameterAnnotations.get(index);
    }

    /** @return its parameters' types */
    public Type[] parameterTypes() {
        return parameterTypes.clone();
    }

    /** @return the number of its parameters */
    public int parameterCount() {
        return parameterTypes.length;
    }

    /**
     * @param index a parameter's index
     * @return its type
     */
    public Type parameterType(int index) {
        return parameterTypes[index];
    }

    /** @return its return type */
    public Type returnType() {
        return returnType;
    }

    /** @return whether it is a method: neither a constructor nor a type initializer */
    public boolean isMethod() {
        return name.charAt(0) != '<';
    }

    /** @return whether it is a constructor */
    public boolean isConstructor() {
        return name.equals("<init>");
    }

    /** @return whether it is static */
    public boolean isStatic() {
        return (access & Opcodes.ACC_STATIC) != 0;
    }

    /** @return whether it is public */
    public boolean isPublic() {
        return (access & Opcodes.ACC_PUBLIC) != 0;
    }

    /** @return whether it is private */
    public boolean isPrivate() {
        return (access & Opcodes.ACC_PRIVATE) != 0;
    }

    /** @return whether it is abstract */
    public boolean isAbstract() {
        return (access & Opcodes.ACC_ABSTRACT) != 0;
    }

    /** @return whether it is native */
    public boolean isNative() {
        return (access & Opcodes.ACC_NATIVE) != 0;
    }

    /** @return whether it is {@code synchronized} (the JVM takes its monitor before any of its code runs) */
    public boolean isSynchronized() {
        return (access & Opcodes.ACC_SYNCHRONIZED) != 0;
    }

    /** @return whether it is a bridge the compiler added */
    public boolean isBridge() {
        return (access & Opcodes.ACC_BRIDGE) != 0;
    }

    /** @return whether it is synthetic (a lambda's body, an accessor) */
    public boolean isSynthetic() {
        return (access & Opcodes.ACC_SYNTHETIC) != 0;
    }

    @Override
    public String toString() {
        return name + descriptor;
    }
}
