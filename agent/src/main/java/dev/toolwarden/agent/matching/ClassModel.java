package dev.toolwarden.agent.matching;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A class as its class file declares it: name, flags, super types, annotations and methods with
 * theirs. Read with ASM, skipping code, frames and debug information; nothing is loaded or resolved.
 * This is all the {@link MethodSelector} looks at, except for the few questions about other types
 * (is a fallback's return type assignable, is a cached value's type concrete) that {@link TypeFacts}
 * answers from their class files.
 */
public final class ClassModel {

    private final String internalName;
    private final String name;
    private int access;
    private int version;
    private String superName;
    private String[] interfaces = new String[0];
    private String signature;
    private String simpleName;
    private final List<AnnotationModel> annotations = new ArrayList<>(2);
    private final List<MethodModel> methods = new ArrayList<>();

    private ClassModel(String internalName) {
        this.internalName = internalName;
        this.name = internalName.replace('/', '.');
    }

    /**
     * @param classFile a class file
     * @return its model, with its methods
     * @throws IllegalArgumentException if the class file is malformed or of a version ASM does not know
     */
    public static ClassModel read(byte[] classFile) {
        return read(new ClassReader(classFile), true);
    }

    /**
     * @param reader a reader over a class file
     * @param members whether to read methods and annotations too, or only the header
     * @return its model
     */
    public static ClassModel read(ClassReader reader, boolean members) {
        ClassModel model = new ClassModel(reader.getClassName());
        reader.accept(model.new Reader(members), ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES
                | ClassReader.SKIP_DEBUG);
        return model;
    }

    /** @return the binary name, {@code com.example.Outer$Inner} */
    public String name() {
        return name;
    }

    /** @return the internal name, {@code com/example/Outer$Inner} */
    public String internalName() {
        return internalName;
    }

    /** @return the class file's major version */
    public int version() {
        return version & 0xFFFF;
    }

    /** @return the internal name of its super class, or {@code null} for {@code Object} and modules */
    public String superName() {
        return superName;
    }

    /** @return the internal names of the interfaces it implements */
    public List<String> interfaces() {
        return List.of(interfaces);
    }

    /** @return whether it declares type variables */
    public boolean isGeneric() {
        return signature != null && signature.startsWith("<");
    }

    /** @return whether it is an interface (annotation types included) */
    public boolean isInterface() {
        return (access & Opcodes.ACC_INTERFACE) != 0;
    }

    /** @return whether it is an annotation type */
    public boolean isAnnotation() {
        return (access & Opcodes.ACC_ANNOTATION) != 0;
    }

    /** @return whether it is abstract */
    public boolean isAbstract() {
        return (access & Opcodes.ACC_ABSTRACT) != 0;
    }

    /**
     * @return the simple name as the source wrote it: {@code Inner} for {@code Outer$Inner}, empty for
     *     an anonymous class
     */
    public String simpleName() {
        if (simpleName != null) {
            return simpleName;
        }
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** @return the annotations on the class */
    public List<AnnotationModel> annotations() {
        return Collections.unmodifiableList(annotations);
    }

    /** @return the methods and constructors it declares, in class file order */
    public List<MethodModel> methods() {
        return Collections.unmodifiableList(methods);
    }

    @Override
    public String toString() {
        return name;
    }

    private final class Reader extends ClassVisitor {
        private final boolean members;

        Reader(boolean members) {
            super(Opcodes.ASM9);
            this.members = members;
        }

        @Override
        public void visit(int v, int flags, String n, String sig, String superType, String[] implemented) {
            version = v;
            access = flags;
            signature = sig;
            superName = superType;
            interfaces = implemented == null ? new String[0] : implemented;
        }

        @Override
        public void visitInnerClass(String inner, String outer, String innerSimpleName, int flags) {
            if (inner.equals(internalName)) {
                simpleName = innerSimpleName == null ? "" : innerSimpleName;
            }
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            return members ? AnnotationModel.reader(descriptor, annotations) : null;
        }

        @Override
        public MethodVisitor visitMethod(int flags, String methodName, String descriptor, String sig,
                String[] exceptions) {
            if (!members) {
                return null;
            }
            MethodModel m = new MethodModel(flags, methodName, descriptor, sig);
            methods.add(m);
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    return AnnotationModel.reader(annotation, m.annotations);
                }

                @Override
                public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation, boolean visible) {
                    return parameter < m.parameterAnnotations.size()
                            ? AnnotationModel.reader(annotation, m.parameterAnnotations.get(parameter)) : null;
                }
            };
        }
    }
}
