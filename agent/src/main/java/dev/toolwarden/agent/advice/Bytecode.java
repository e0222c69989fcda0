package dev.toolwarden.agent.advice;

import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/** The few instruction sequences the advice is made of. */
final class Bytecode {

    private Bytecode() {
    }

    static void pushInt(MethodVisitor mv, int value) {
        if (value >= -1 && value <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.BIPUSH, value);
        } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.SIPUSH, value);
        } else {
            mv.visitLdcInsn(value);
        }
    }

    /** A method handle constant, or {@code null}. */
    static void pushHandle(MethodVisitor mv, Handle handle) {
        if (handle == null) {
            mv.visitInsn(Opcodes.ACONST_NULL);
        } else {
            mv.visitLdcInsn(handle);
        }
    }

    /** The value a variable of the type starts with: 0, false, null. */
    static void pushDefault(MethodVisitor mv, Type type) {
        switch (type.getSort()) {
            case Type.LONG -> mv.visitInsn(Opcodes.LCONST_0);
            case Type.FLOAT -> mv.visitInsn(Opcodes.FCONST_0);
            case Type.DOUBLE -> mv.visitInsn(Opcodes.DCONST_0);
            case Type.OBJECT, Type.ARRAY -> mv.visitInsn(Opcodes.ACONST_NULL);
            default -> mv.visitInsn(Opcodes.ICONST_0);
        }
    }

    /** Replaces a primitive on the stack by its box; a reference stays as it is. */
    static void box(MethodVisitor mv, Type type) {
        String box = boxOf(type);
        if (box != null) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, box, "valueOf", "(" + type.getDescriptor() + ")L" + box + ";",
                    false);
        }
    }

    /** Replaces an {@code Object} on the stack by a value of the type: unboxed, or cast. */
    static void unbox(MethodVisitor mv, Type type) {
        String box = boxOf(type);
        if (box != null) {
            mv.visitTypeInsn(Opcodes.CHECKCAST, box);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, box, type.getClassName() + "Value", "()" + type.getDescriptor(),
                    false);
        } else if (!type.getDescriptor().equals("Ljava/lang/Object;")) {
            mv.visitTypeInsn(Opcodes.CHECKCAST, type.getInternalName());
        }
    }

    private static String boxOf(Type type) {
        return switch (type.getSort()) {
            case Type.BOOLEAN -> "java/lang/Boolean";
            case Type.CHAR -> "java/lang/Character";
            case Type.BYTE -> "java/lang/Byte";
            case Type.SHORT -> "java/lang/Short";
            case Type.INT -> "java/lang/Integer";
            case Type.FLOAT -> "java/lang/Float";
            case Type.LONG -> "java/lang/Long";
            case Type.DOUBLE -> "java/lang/Double";
            default -> null;
        };
    }

    /** A parameter's type as a stack map frame states it. */
    static Object frameType(Type type) {
        return switch (type.getSort()) {
            case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.INTEGER;
            case Type.FLOAT -> Opcodes.FLOAT;
            case Type.LONG -> Opcodes.LONG;
            case Type.DOUBLE -> Opcodes.DOUBLE;
            default -> type.getInternalName();
        };
    }

    /**
     * An expanded frame's locals with one more, of the given type, at the given slot: the locals
     * before it are kept (padded with {@code TOP} when the frame ends sooner), those from it move up.
     *
     * @throws IllegalStateException when a two-slot local spans the slot (no compiler writes that)
     */
    static Object[] insertLocal(int numLocal, Object[] local, int slot, Object type) {
        int index = 0;
        int slots = 0;
        while (index < numLocal && slots < slot) {
            slots += local[index] == Opcodes.LONG || local[index] == Opcodes.DOUBLE ? 2 : 1;
            index++;
        }
        if (slots > slot) {
            throw new IllegalStateException("a long or double local spans slot " + slot + ", where the advice's goes");
        }
        int padding = slot - slots;
        Object[] result = new Object[numLocal + padding + 1];
        System.arraycopy(local, 0, result, 0, index);
        for (int i = 0; i < padding; i++) {
            result[index + i] = Opcodes.TOP;
        }
        result[index + padding] = type;
        System.arraycopy(local, index, result, index + padding + 1, numLocal - index);
        return result;
    }
}
