package com.example.apps;

import dev.toolwarden.annotation.ConversationId;
import dev.toolwarden.annotation.Fallback;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;

/** A web application's tool: woven with a limit, a fallback, and a conversation. */
public class LeakTool {

    /** What a call returns: an object of the web application's own class. */
    public static final class Result {
        final String text;

        Result(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    @Tool(name = "leak.work")
    @Timeout(soft = "1s", hard = "2s")
    @Fallback("fallback")
    public Result work(@ConversationId String conversation) {
        return new Result("worked in " + conversation);
    }

    Result fallback(String conversation) {
        return new Result("fallback");
    }
}
