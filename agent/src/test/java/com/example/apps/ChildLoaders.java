package com.example.apps;

import java.net.URL;
import java.net.URLClassLoader;

/** Loads a tool through a class loader that does not delegate to the system class loader. */
public class ChildLoaders {

    public static void main(String[] args) throws Exception {
        URL classes = ChildLoaders.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> type = isolated.loadClass("com.example.apps.IsolatedTool");
            Object tool = type.getConstructor().newInstance();
            Out.result("answer", type.getMethod("run", String.class).invoke(tool, "call"));
            Out.result("ownLoader", type.getClassLoader() == isolated);
        }
        Out.statistics();
    }
}
