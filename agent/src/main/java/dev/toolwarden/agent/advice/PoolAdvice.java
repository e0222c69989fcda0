package dev.toolwarden.agent.advice;

import dev.toolwarden.bootstrap.Dispatch;
import net.bytebuddy.asm.Advice;

/**
 * Woven into the constructors of the application's {@code com.zaxxer.hikari.HikariDataSource}:
 * hands each new pool to the runtime, which reads its MXBean on a schedule. Nothing is woven into
 * the pool's connection path, so {@code getConnection} and {@code close} cost what they cost.
 */
public final class PoolAdvice {

    private PoolAdvice() {
    }

    /** @param dataSource the pool just constructed */
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void created(@Advice.This Object dataSource) {
        Dispatch.dataSourceCreated(dataSource);
    }
}
