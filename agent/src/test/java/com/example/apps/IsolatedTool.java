package com.example.apps;

import dev.toolwarden.annotation.Tool;

/** A tool that {@link ChildLoaders} loads through a class loader of its own. */
public class IsolatedTool {
    @Tool(name = "isolated")
    public String run(String x) {
        return "isolated " + x;
    }
}
