package com.example.apps;

import dev.toolwarden.annotation.Tool;

/** The smallest application with one tool; used where configuration is what is tested. */
public class Hello {

    @Tool
    public String hello(String name) {
        return "hello " + name;
    }

    /** @param args {@code plain} to leave out the statistics, which need the SDK: for start-up without the agent */
    public static void main(String[] args) {
        Out.result("started", "yes");
        Out.result("hello", new Hello().hello("world"));
        if (args.length == 0 || !args[0].equals("plain")) {
            Out.statistics();
        }
    }
}
