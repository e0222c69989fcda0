package com.example.apps;

import dev.toolwarden.annotation.Tool;

/** The smallest application with one tool; used where configuration is what is tested. */
public class Hello {

    @Tool
    public String hello(String name) {
        return "hello " + name;
    }

    public static void main(String[] args) {
        Out.result("started", "yes");
        Out.result("hello", new Hello().hello("world"));
        Out.statistics();
    }
}
