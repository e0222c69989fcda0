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

    /**
     * Woven into the entry of {@code com.zaxxer.hikari.pool.HikariPool.fillPool}, which the pool's
     * housekeeping runs every 30 s (and after a connection is closed): hands the pool to the runtime,
     * which watches it unless it watches it already. This is how the pools an application made before
     * the agent was attached are found, within one housekeeping period; {@code getConnection} is not
     * touched.
     */
    static final class Housekeeping extends MethodVisitor {

        /** @param next the visitor that writes the method */
        Housekeeping(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/toolwarden/bootstrap/Dispatch", "poolSeen",
                    "(Ljava/lang/Object;)V", false);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 1), maxLocals);
        }
    }
}
