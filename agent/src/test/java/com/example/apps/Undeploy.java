package com.example.apps;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * What a container does on undeploy: loads a web application's tool classes through a class loader
 * of their own, uses them, drops the loader. With the agent attached the loader must still be
 * garbage-collected: Toolwarden keeps no strong reference to the classes, their loader, or
 * objects of theirs.
 */
public class Undeploy {

    public static void main(String[] args) throws Exception {
        URL classes = Undeploy.class.getProtectionDomain().getCodeSource().getLocation();
        WeakReference<ClassLoader> gone = deployUseAndDrop(classes);
        boolean collected = false;
        for (int i = 0; i < 50 && !collected; i++) {
            System.gc();
            Thread.sleep(50);
            collected = gone.get() == null;
        }
        Out.result("collected", collected);
        Out.result("calls", dev.toolwarden.Toolwarden.statistics("leak.work").map(s -> s.calls()).orElse(-1L));
    }

    private static WeakReference<ClassLoader> deployUseAndDrop(URL classes) throws Exception {
        URLClassLoader webapp = new URLClassLoader("webapp", new URL[] {classes}, ClassLoader.getPlatformClassLoader());
        Class<?> type = webapp.loadClass("com.example.apps.LeakTool");
        Object tool = type.getConstructor().newInstance();
        for (int i = 0; i < 100; i++) {
            type.getMethod("work", String.class).invoke(tool, "conversation-" + (i % 3));
        }
        Out.result("answer", type.getMethod("work", String.class).invoke(tool, "c"));
        webapp.close();
        return new WeakReference<>(webapp);
    }
}
