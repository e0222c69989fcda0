package com.example.apps;

import dev.toolwarden.ToolStatistics;
import dev.toolwarden.Toolwarden;
import dev.toolwarden.annotation.Fallback;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import java.util.stream.Collectors;

/**
 * Tools of a web application that ships the SDK in its own lib folder and is loaded child-first (as
 * servlet containers load WEB-INF/lib): its Toolwarden classes are found in its own jars first.
 */
public class ChildFirstTools {

    @Tool(name = "cf.plain")
    public String plain(String text) {
        return "plain " + text;
    }

    @Tool(name = "cf.guarded")
    @Timeout(soft = "0", hard = "300ms")
    @Fallback("later")
    public String guarded(String text) throws InterruptedException {
        Thread.sleep(10_000);
        return "live " + text;
    }

    String later(String text, Throwable why) {
        return "fallback " + text + " after " + why.getClass().getSimpleName();
    }

    /** @return which loader defined the annotation type this class was compiled against */
    public String annotationLoader() {
        ClassLoader l = Tool.class.getClassLoader();
        return l == null ? "bootstrap" : l == getClass().getClassLoader() ? "own" : l.getName();
    }

    /** @return the tools that the Toolwarden API, as this class sees it, reports */
    public String seenTools() {
        return Toolwarden.statistics().stream().map(s -> s.name() + ":" + s.calls()).sorted()
                .collect(Collectors.joining(","));
    }

    /** @return the calls of one tool that the API as this class sees it reports */
    public long calls(String tool) {
        return Toolwarden.statistics().stream().filter(s -> s.name().equals(tool)).mapToLong(ToolStatistics::calls)
                .sum();
    }
}
