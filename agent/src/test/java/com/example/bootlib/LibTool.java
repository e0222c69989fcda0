package com.example.bootlib;

import dev.toolwarden.annotation.Tool;

/** A tool in a jar nested in the executable jar (BOOT-INF/lib). */
public class LibTool {

    @Tool(name = "boot.lib")
    public int work(int x) {
        return x * 6;
    }
}
