package com.example.apps;

import dev.toolwarden.annotation.Cached;
import dev.toolwarden.annotation.Tool;

/**
 * Calls whose results tell whether a body ran: run with a part of Toolwarden failing on purpose
 * ({@code toolwarden.debug.fail=cache|monitor|jfr}), the application must get exactly what it gets
 * without the agent.
 */
public class FaultyParts {

    private int runs;

    @Tool(name = "numbered")
    @Cached
    public String numbered(String question) {
        runs++;
        return question + " #" + runs;
    }

    @Tool(name = "plain")
    public long plain(long x) {
        return x * 3;
    }

    public static void main(String[] args) throws Exception {
        FaultyParts p = new FaultyParts();
        StringBuilder answers = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            answers.append(p.numbered("q")).append(';');
        }
        Out.result("answers", answers);
        long sum = 0;
        for (int i = 0; i < 50; i++) {
            sum += p.plain(i);
        }
        Out.result("sum", sum);
        Thread.sleep(Long.parseLong(args.length > 0 ? args[0] : "0")); // for the monitor: a few sampling rounds
        Out.result("done", true);
    }
}
