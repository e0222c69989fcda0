package com.example.apps;

import dev.toolwarden.ConversationStatistics;
import dev.toolwarden.Toolwarden;
import dev.toolwarden.annotation.Chat;
import dev.toolwarden.annotation.ConversationId;
import dev.toolwarden.annotation.Tool;
import dev.toolwarden.annotation.UserId;

/** A chat handler that calls tools: the tools' calls belong to the handler's conversation. */
public class Conversations {

    @Chat(name = "handle")
    public String handle(@UserId String user, @ConversationId String conversation, String message) {
        return lookup(message) + "/" + lookup(user);
    }

    @Tool(name = "lookup")
    public String lookup(String key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            sb.append(key.charAt(i % key.length()));
        }
        return sb.substring(0, 3);
    }

    public static void main(String[] args) {
        Conversations c = new Conversations();
        c.handle("ann", "c-1", "hello");
        c.handle("ann", "c-1", "again");
        c.handle("bob", "c-2", "other");
        for (String id : new String[] {"c-1", "c-2"}) {
            ConversationStatistics s = Toolwarden.conversation(id).orElseThrow();
            Out.result(id + ".calls", s.calls());
            Out.result(id + ".wallNanos", s.wallTime().toNanos());
            Out.result(id + ".allocated", s.allocatedBytes());
        }
        Out.result("unknown", Toolwarden.conversation("nobody").isPresent());
        Out.statistics();
    }
}
