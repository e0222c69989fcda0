package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** A tool in a named module: woven code there must be able to reach Toolwarden's bridge. */
class ModulesIT {

    private static final String MODULE_INFO = "module com.example.modular { }";
    private static final String ACTION = "package com.example.modular;\n"
            + "import java.lang.annotation.*;\n"
            + "@Retention(RetentionPolicy.RUNTIME) @Target(ElementType.METHOD) public @interface Action { }\n";
    private static final String MAIN = "package com.example.modular;\n"
            + "public class Main {\n"
            + "  @Action public String lookup(String q) { return \"found \" + q; }\n"
            + "  public static void main(String[] args) {\n"
            + "    Main m = new Main();\n"
            + "    for (int i = 0; i < 3; i++) System.out.println(\"RESULT lookup\" + i + \"=\" + m.lookup(\"x\" + i));\n"
            + "  }\n"
            + "}\n";

    @Test
    void aToolInANamedModuleIsWovenAndRecorded() throws IOException {
        Path src = ChildJvm.workFile("modular-src");
        Path out = ChildJvm.workFile("modular-classes");
        Files.createDirectories(src.resolve("com/example/modular"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("com/example/modular/Action.java"), ACTION);
        Files.writeString(src.resolve("com/example/modular/Main.java"), MAIN);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "--release", "17", "-d", out.toString(),
                src.resolve("module-info.java").toString(), src.resolve("com/example/modular/Action.java").toString(),
                src.resolve("com/example/modular/Main.java").toString());
        assertEquals(0, status, "the test module compiles");

        ChildResult r = ChildJvm.module(out, "com.example.modular", "com.example.modular.Main")
                .agentArguments("tool.annotations=com.example.modular.Action").recording()
                .jvmOption("-Xlog:exceptions=info:stdout").run();
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("found x2", r.values().get("lookup2"));
        assertTrue(!r.stdout().contains("IllegalAccessError"), "woven code can read the bridge:\n" + r.stdout());
        assertEquals(3, r.executions("Main.lookup").size(), r::describe);
        assertTrue(r.executions("Main.lookup").stream().allMatch(e -> "SUCCESS".equals(e.getString("outcome"))));
        assertEquals(List.of("com.example.modular.Main#lookup(String)"),
                r.executions("Main.lookup").stream().map(e -> e.getString("method")).distinct().toList());
    }
}
