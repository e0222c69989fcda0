package com.example.apps;

import dev.toolwarden.annotation.Chat;
import dev.toolwarden.annotation.Tool;
import java.io.IOException;

/** Calls its tools, says it is ready, and stays up until its standard input closes, for a JMX client to look. */
public class JmxApp {

    @Tool(name = "jmx-lookup")
    public String lookup(String key) {
        return key.repeat(3);
    }

    @Chat(name = "jmx-chat")
    public String chat(String message) {
        return lookup(message);
    }

    public static void main(String[] args) throws IOException {
        JmxApp app = new JmxApp();
        for (int i = 0; i < 5; i++) {
            app.lookup("k" + i);
        }
        app.chat("hello");
        Out.result("ready", true);
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the test to close standard input
        }
    }
}
