package dev.toolwarden.examples.chat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * The shop's database: an in-memory H2 database behind the application's own HikariCP pool of four
 * connections, created as any application creates one. Nothing here mentions Toolwarden: the agent
 * finds the pool when it is built and samples it.
 */
public final class OrderDatabase implements AutoCloseable {

    private static final String[] STATES = {"packed", "shipped", "out for delivery", "delivered", "returned"};

    private final HikariDataSource pool;

    /** Creates the pool and a table of 500 orders. */
    public OrderDatabase() {
        HikariConfig config = new HikariConfig();
        config.setPoolName("shop");
        config.setJdbcUrl("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(4);
        config.setConnectionTimeout(10_000);
        this.pool = new HikariDataSource(config);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS orders (id INT PRIMARY KEY, status VARCHAR(40))");
            try (PreparedStatement insert = c.prepareStatement("MERGE INTO orders KEY (id) VALUES (?, ?)")) {
                for (int id = 1000; id < 1500; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, STATES[id % STATES.length]);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up the shop's database: " + e.getMessage(), e);
        }
    }

    /**
     * @param orderId an order number
     * @return its status, read from the database (the query stands in for a slow one: the
     *     connection is held about 120 ms)
     */
    public String status(String orderId) {
        int id;
        try {
            id = Integer.parseInt(orderId.trim());
        } catch (NumberFormatException e) {
            return "'" + orderId + "' is not an order number";
        }
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT status FROM orders WHERE id = ?")) {
            s.setInt(1, id);
            try (ResultSet r = s.executeQuery()) {
                TimeUnit.MILLISECONDS.sleep(120);
                return r.next() ? "order " + id + " is " + r.getString(1) : "no order " + id;
            }
        } catch (SQLException e) {
            return "the order database failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
