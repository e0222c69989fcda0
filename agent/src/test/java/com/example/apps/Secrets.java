package com.example.apps;

import dev.toolwarden.annotation.Tool;

/** A tool whose arguments hold a secret, for the argument-recording tests. */
public class Secrets {

    static final String SECRET = "hunter2-" + "correct-horse";

    @Tool(name = "login")
    public boolean login(String user, String password) {
        if (password.isEmpty()) {
            throw new IllegalArgumentException("empty password for " + user);
        }
        return password.length() > 3;
    }

    public static void main(String[] args) {
        Secrets s = new Secrets();
        Out.result("login", s.login("ann", SECRET));
        try {
            s.login("bob", "");
        } catch (IllegalArgumentException e) {
            Out.result("rejected", e.getMessage());
        }
    }
}
