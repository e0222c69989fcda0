package com.example.apps;

/** Uses a woven class only after printing a marker: the agent must not load it earlier. */
public class LazyLoading {

    public static void main(String[] args) {
        System.out.println("MARKER before first use");
        System.out.println(new Hello().hello("lazy"));
    }
}
