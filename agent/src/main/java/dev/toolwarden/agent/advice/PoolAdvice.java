package dev.toolwarden.agent.advice;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Woven into the constructors of the application's {@code com.zaxxer.hikari.HikariDataSource}: before
 * each normal return, hands the new pool to the runtime, which reads its MXBean on a schedule.
 * Nothing is woven into the pool's connection path, so {@code getConnection} and {@code close} cost
 * what they cost.
 */
final class PoolAdvice extends MethodVisitor {

    /** @param next the visitor that writes the constructor */
    PoolAdvice(MethodVisitor next) {
        super(Opcodes.ASM9, next);
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode == Opcodes.RETURN) {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/toolwarden/bootstrap/Dispatch", "dataSourceCreated",
                    "(Ljava/lang/Object;)V", false);
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        super.visitMaxs(maxStack + 1, maxLocals);
    }
}
