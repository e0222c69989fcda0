package com.example.boot;

import com.example.bootlib.LibTool;

/** A Spring Boot executable jar's application: its classes in BOOT-INF/classes, a library in BOOT-INF/lib. */
public class BootApp {

    public static void main(String[] args) {
        BootTools tools = new BootTools();
        System.out.println("RESULT loader=" + BootTools.class.getClassLoader().getClass().getName());
        System.out.println("RESULT libLoader=" + LibTool.class.getClassLoader().getClass().getName());
        System.out.println("RESULT quick=" + tools.quick("boot"));
        long start = System.nanoTime();
        try {
            System.out.println("RESULT hang=" + tools.hang());
        } catch (RuntimeException e) {
            System.out.println("RESULT hang=" + e.getClass().getSimpleName());
        }
        System.out.println("RESULT hangMillis=" + (System.nanoTime() - start) / 1_000_000);
        System.out.println("RESULT lib=" + new LibTool().work(7));
        System.out.println("RESULT calls=" + dev.toolwarden.Toolwarden.statistics().stream()
                .map(s -> s.name() + ":" + s.calls()).sorted().toList());
    }
}
