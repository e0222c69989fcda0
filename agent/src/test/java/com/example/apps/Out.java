package com.example.apps;

import dev.toolwarden.ToolStatistics;
import dev.toolwarden.Toolwarden;
import java.util.stream.Collectors;

/** How test applications report: {@code RESULT key=value} lines that the tests read. */
public final class Out {
    private Out() {
    }

    public static void result(String key, Object value) {
        System.out.println("RESULT " + key + "=" + value);
    }

    /** Reports the names of the tools the runtime saw, and their call counts. */
    public static void statistics() {
        result("tools", Toolwarden.statistics().stream().map(ToolStatistics::name).sorted()
                .collect(Collectors.joining(",")));
        for (ToolStatistics s : Toolwarden.statistics()) {
            result("calls." + s.name(), s.calls());
            result("errors." + s.name(), s.errors());
            result("kind." + s.name(), s.kind());
            result("cpuMeasured." + s.name(), s.cpuMeasuredCalls());
        }
    }
}
