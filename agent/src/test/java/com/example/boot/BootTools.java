package com.example.boot;

import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;

/** Tools loaded by Spring Boot's launcher class loader. */
public class BootTools {

    @Tool(name = "boot.quick")
    public String quick(String s) {
        return "quick " + s;
    }

    @Tool(name = "boot.hang")
    @Timeout(soft = "0", hard = "300ms")
    public String hang() {
        try {
            Thread.sleep(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "woke";
    }
}
