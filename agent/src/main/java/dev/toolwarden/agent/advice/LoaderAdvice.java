package dev.toolwarden.agent.advice;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Woven into the {@code loadClass(String)} and {@code loadClass(String, boolean)} that an
 * application's class loader declares: a name of Toolwarden's API, annotations or bridge is answered
 * from the bootstrap class path, without running the loader's own search; every other name goes
 * through the loader as before.
 *
 * <pre>
 *   Class&lt;?&gt; api = Dispatch.apiClass(name);
 *   if (api != null) return api;
 *   body
 * </pre>
 */
final class LoaderAdvice extends MethodVisitor {

    private final Object[] locals;
    private final boolean frames;

    /**
     * @param next the visitor that writes the method
     * @param owner the loader class's internal name
     * @param descriptor the method's descriptor (one of the two above)
     * @param frames whether the class file has stack map frames
     */
    LoaderAdvice(MethodVisitor next, String owner, String descriptor, boolean frames) {
        super(Opcodes.ASM9, next);
        this.frames = frames;
        this.locals = descriptor.startsWith("(Ljava/lang/String;Z)")
                ? new Object[] {owner, "java/lang/String", Opcodes.INTEGER} : new Object[] {owner, "java/lang/String"};
    }

    @Override
    public void visitCode() {
        super.visitCode();
        Label own = new Label();
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/toolwarden/bootstrap/Dispatch", "apiClass",
                "(Ljava/lang/String;)Ljava/lang/Class;", false);
        mv.visitInsn(Opcodes.DUP);
        mv.visitJumpInsn(Opcodes.IFNULL, own);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(own);
        if (frames) {
            mv.visitFrame(Opcodes.F_NEW, locals.length, locals.clone(), 1, new Object[] {"java/lang/Class"});
        }
        mv.visitInsn(Opcodes.POP);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        super.visitMaxs(Math.max(maxStack, 2), maxLocals);
    }
}
