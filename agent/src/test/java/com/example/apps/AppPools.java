package com.example.apps;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.toolwarden.PoolStatistics;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.Toolwarden;
import dev.toolwarden.annotation.Tool;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/** An application with its own HikariCP pool, and tool metrics that outlive the JVM. */
public class AppPools {

    @Tool(name = "lookupOrder")
    public String lookupOrder(int id) {
        return "order " + id;
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "pool" -> {
                // Housekeeping every 300 ms: the pool is also seen at its fillPool, and must still be watched once.
                System.setProperty("com.zaxxer.hikari.housekeeping.periodMs", "300");
                HikariConfig c = new HikariConfig();
                c.setJdbcUrl("jdbc:h2:mem:app;DB_CLOSE_DELAY=-1");
                c.setPoolName("app-pool");
                c.setMaximumPoolSize(4);
                try (HikariDataSource ds = new HikariDataSource(c)) {
                    List<Connection> held = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        held.add(ds.getConnection());
                    }
                    long until = System.nanoTime() + 5_000_000_000L;
                    while (Toolwarden.pools().stream().noneMatch(p -> p.pool().equals("app-pool") && p.active() == 4)
                            && System.nanoTime() < until) {
                        Thread.sleep(50);
                    }
                    PoolStatistics s = Toolwarden.pools().stream().filter(p -> p.pool().equals("app-pool")).findFirst()
                            .orElse(null);
                    Out.result("pool", s == null ? "not watched" : s.active() + "/" + s.max());
                    Thread.sleep(1500); // housekeeping runs, and the watch reads the pools, a few times
                    Out.result("poolEntries", Toolwarden.pools().stream().filter(p -> p.pool().equals("app-pool")).count());
                    Out.result("alerts", Toolwarden.activeAlerts().stream().filter(a -> a.resource().equals("DB_CONNECTIONS"))
                            .map(a -> a.level() + "/" + a.subject()).sorted().toList());
                    for (Connection conn : held) {
                        conn.close();
                    }
                }
            }
            case "write" -> {
                AppPools t = new AppPools();
                for (int i = 0; i < 5; i++) {
                    t.lookupOrder(i);
                }
                Out.result("written", Toolwarden.statistics("lookupOrder").orElseThrow().calls());
            }
            case "read" -> {
                long until = System.nanoTime() + 10_000_000_000L;
                long calls = 0;
                while (calls == 0 && System.nanoTime() < until) {
                    calls = Toolwarden.allTimeStatistics().stream().filter(s -> s.name().equals("lookupOrder"))
                            .mapToLong(ToolStatistics::calls).sum();
                    Thread.sleep(50);
                }
                Out.result("history", calls);
                Out.result("ranking", Toolwarden.rankTools(List.of("unknownTool", "lookupOrder")).get(0).name());
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
