package com.example.apps;

import dev.toolwarden.RankedTool;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.Toolwarden;
import dev.toolwarden.annotation.Tool;
import java.util.List;

/** One instance of a fleet: calls its tools args[0] times over about a second and a half, or reads the fleet's totals. */
public class FleetMetrics {

    @Tool(name = "fleet.work")
    public int work(int i) {
        return i * 2;
    }

    @Tool(name = "fleet.failing")
    public int failing(int i) {
        if (i % 2 == 0) {
            throw new IllegalStateException("even " + i);
        }
        return i;
    }

    public static void main(String[] args) throws Exception {
        FleetMetrics f = new FleetMetrics();
        if (args[0].equals("read")) {
            for (ToolStatistics s : Toolwarden.allTimeStatistics()) {
                Out.result("all." + s.name(), s.calls() + "/" + s.errors());
            }
            List<RankedTool> ranked = Toolwarden.rankTools(List.of("fleet.failing", "fleet.work"));
            Out.result("ranked", ranked.get(0).name() + "," + ranked.get(1).name());
            return;
        }
        int n = Integer.parseInt(args[0]);
        for (int i = 0; i < n; i++) {
            f.work(i);
            try {
                f.failing(i);
            } catch (IllegalStateException expected) {
                // counted as an error of the tool
            }
            if (i % 20 == 0) {
                Thread.sleep(60); // spread over several flushes, so that the two instances' writes interleave
            }
        }
        Out.result("done", n);
    }
}
