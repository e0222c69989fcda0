package com.example.apps;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An application with its own marker annotations, which Toolwarden learns from configuration. */
public class CustomMarkers {

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Action {
        String name() default "";
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Conversation {
    }

    @Action(name = "lookup")
    public String lookup(String key) {
        return key.toUpperCase();
    }

    @Conversation
    public String reply(String message) {
        return "re: " + lookup(message);
    }

    public static void main(String[] args) {
        CustomMarkers app = new CustomMarkers();
        Out.result("reply", app.reply("hi"));
        Out.statistics();
    }
}
