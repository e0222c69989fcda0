package com.example.apps;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Real work in a large third-party library (H2: a table, a thousand rows, an index, aggregates, a
 * join, a transaction rolled back), run with and without the agent weaving every public method of
 * {@code org.h2}: the results must be the same.
 */
public class BroadH2 {

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:broad;DB_CLOSE_DELAY=-1")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(20), amount DECIMAL(10,2), "
                        + "placed TIMESTAMP, weight DOUBLE, quantity BIGINT)");
                s.execute("CREATE TABLE customers (name VARCHAR(20) PRIMARY KEY, city VARCHAR(20))");
                s.execute("INSERT INTO customers VALUES ('ada', 'London'), ('grace', 'Arlington'), ('linus', 'Helsinki')");
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)")) {
                String[] customers = {"ada", "grace", "linus"};
                for (int i = 0; i < 1000; i++) {
                    p.setInt(1, i);
                    p.setString(2, customers[i % 3]);
                    p.setBigDecimal(3, new java.math.BigDecimal(i % 97).add(new java.math.BigDecimal("0.25")));
                    p.setTimestamp(4, java.sql.Timestamp.valueOf(java.time.LocalDateTime.of(2026, 1, 1, 0, 0).plusHours(i)));
                    p.setDouble(5, i * 0.5);
                    p.setLong(6, (long) i * i);
                    p.addBatch();
                }
                p.executeBatch();
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM orders WHERE id < 500");
                c.rollback();
            }
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE INDEX by_customer ON orders(customer)");
                StringBuilder out = new StringBuilder();
                try (ResultSet r = s.executeQuery("SELECT o.customer, c.city, COUNT(*), SUM(o.amount), MAX(o.placed), "
                        + "AVG(o.weight), SUM(o.quantity) FROM orders o JOIN customers c ON c.name = o.customer "
                        + "GROUP BY o.customer, c.city ORDER BY o.customer")) {
                    while (r.next()) {
                        out.append(r.getString(1)).append('/').append(r.getString(2)).append('/').append(r.getLong(3))
                                .append('/').append(r.getBigDecimal(4)).append('/').append(r.getTimestamp(5)).append('/')
                                .append(r.getDouble(6)).append('/').append(r.getLong(7)).append(';');
                    }
                }
                Out.result("aggregates", out);
                try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM orders WHERE customer = 'ada' AND amount > 50")) {
                    r.next();
                    Out.result("count", r.getLong(1));
                }
            }
        }
        try {
            Out.result("wovenTools", dev.toolwarden.Toolwarden.statistics().size());
        } catch (NoClassDefFoundError withoutTheAgent) {
            Out.result("wovenTools", 0);
        }
    }
}
