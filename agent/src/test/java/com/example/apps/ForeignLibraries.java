package com.example.apps;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolwarden.annotation.Tool;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;

/**
 * An application that ships its own, older Caffeine and Byte Buddy: it must keep using them while
 * the agent uses its own.
 */
public class ForeignLibraries {

    @Tool
    public String cached(String key) {
        Cache<String, String> cache = Caffeine.newBuilder().maximumSize(10).build();
        cache.put(key, key + "!");
        return cache.getIfPresent(key);
    }

    public static void main(String[] args) throws Exception {
        Out.result("caffeine", where(Caffeine.class));
        Out.result("bytebuddy", where(ByteBuddy.class));
        Out.result("cached", new ForeignLibraries().cached("k"));
        Class<?> made = new ByteBuddy(ClassFileVersion.JAVA_V8).subclass(Object.class).name("com.example.apps.Made")
                .make().load(ForeignLibraries.class.getClassLoader()).getLoaded();
        Out.result("made", made.getName());
        Out.statistics();
    }

    private static String where(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation().getPath().replaceAll(".*/", "");
    }
}
