package com.example.apps;

/** Reports which of the agent's classes the application can load. */
public class VisibilityProbe {

    static final String[] NAMES = {
        "dev.toolwarden.Toolwarden", "dev.toolwarden.ToolTimeoutException", "dev.toolwarden.annotation.Tool",
        "dev.toolwarden.bootstrap.Bridge", "net.bytebuddy.ByteBuddy", "net.bytebuddy.agent.builder.AgentBuilder",
        "org.objectweb.asm.ClassReader",
        "com.github.benmanes.caffeine.cache.Caffeine", "dev.toolwarden.runtime.ToolwardenRuntime",
        "dev.toolwarden.agent.Installer", "dev.toolwarden.config.Configuration", "dev.toolwarden.events.ExecutionEvent",
        "dev.toolwarden.cli.CommandLine", "dev.toolwarden.ValueCodec", "redis.clients.jedis.Jedis",
        "org.apache.commons.pool2.impl.GenericObjectPool", "com.google.gson.Gson", "dev.toolwarden.cache.l2.RedisTier"
    };

    public static void main(String[] args) {
        for (String name : NAMES) {
            String verdict;
            try {
                Class<?> c = Class.forName(name, false, VisibilityProbe.class.getClassLoader());
                verdict = c.getClassLoader() == null ? "bootstrap" : "loader:" + c.getClassLoader().getName();
            } catch (ClassNotFoundException e) {
                verdict = "hidden";
            }
            Out.result(name, verdict);
        }
        Out.result("jfc", ClassLoader.getSystemResource("toolwarden.jfc") != null);
        Out.result("inst", ClassLoader.getSystemResource("inst/dev/toolwarden/agent/Installer.classdata") != null);
    }
}
