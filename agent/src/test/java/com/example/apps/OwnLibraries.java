package com.example.apps;

import dev.toolwarden.annotation.Tool;
import java.lang.reflect.Method;

/**
 * An application with its own (older) OSHI, JNA and HikariCP, loaded by name so that this class
 * compiles without them: it uses them while the agent uses its own copies.
 */
public class OwnLibraries {

    @Tool(name = "own.work")
    public String work(String s) {
        return "worked " + s;
    }

    private static String jarOf(String className) throws ClassNotFoundException {
        return Class.forName(className).getProtectionDomain().getCodeSource().getLocation().getPath();
    }

    public static void main(String[] args) throws Exception {
        Out.result("oshiJar", jarOf("oshi.SystemInfo"));
        Out.result("jnaJar", jarOf("com.sun.jna.Native"));
        Out.result("hikariJar", jarOf("com.zaxxer.hikari.HikariDataSource"));
        // OSHI through the application's own copy (and its JNA, whose native library it loads).
        Object systemInfo = Class.forName("oshi.SystemInfo").getConstructor().newInstance();
        Object hardware = systemInfo.getClass().getMethod("getHardware").invoke(systemInfo);
        Object memory = hardware.getClass().getMethod("getMemory").invoke(hardware);
        Method total = memory.getClass().getMethod("getTotal");
        total.setAccessible(true);
        Out.result("memoryTotal", total.invoke(memory));
        // HikariCP 5 through the application's own copy, on H2.
        Class<?> configType = Class.forName("com.zaxxer.hikari.HikariConfig");
        Object config = configType.getConstructor().newInstance();
        configType.getMethod("setJdbcUrl", String.class).invoke(config, "jdbc:h2:mem:own");
        configType.getMethod("setPoolName", String.class).invoke(config, "own-pool");
        configType.getMethod("setMaximumPoolSize", int.class).invoke(config, 2);
        Object pool = Class.forName("com.zaxxer.hikari.HikariDataSource").getConstructor(configType).newInstance(config);
        try (java.sql.Connection c = ((javax.sql.DataSource) pool).getConnection();
                java.sql.ResultSet r = c.createStatement().executeQuery("SELECT 40 + 2")) {
            r.next();
            Out.result("query", r.getInt(1));
        }
        Out.result("tool", new OwnLibraries().work("here"));
        Thread.sleep(2500); // the agent's monitor samples (its own OSHI) and its pool watch reads the pool
        Out.result("agentSamples", dev.toolwarden.Toolwarden.resources().isPresent());
        Out.result("pools", dev.toolwarden.Toolwarden.pools().stream().map(p -> p.pool()).sorted().toList());
        pool.getClass().getMethod("close").invoke(pool);
    }
}
