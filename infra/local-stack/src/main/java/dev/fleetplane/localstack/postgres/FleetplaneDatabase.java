package dev.fleetplane.localstack.postgres;

import dev.fleetplane.localstack.LocalStackException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Waits until PostgreSQL accepts a JDBC connection, then makes the {@value #NAME} database owned by the
 * {@value #USER} role. Schemas are not made here: each service's Flyway creates its own.
 */
public final class FleetplaneDatabase {

    public static final String NAME = "fleetplane";
    public static final String USER = "fleetplane";
    /** A throwaway local credential (loopback, trust auth); kept so that clients configured with one still work. */
    public static final String PASSWORD = "fleetplane";

    private FleetplaneDatabase() {
    }

    public static String jdbcUrl(String host, int port, String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public static Connection connect(String url, String user, String password) throws SQLException {
        var props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "2");
        // The driver instance directly: DriverManager may not see it from a Quarkus test class loader.
        Connection connection = new org.postgresql.Driver().connect(url, props);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver does not accept " + url);
        }
        return connection;
    }

    /** Idempotent: an existing role or database is kept. */
    public static void create(String host, int port, String superuser, Duration timeout) {
        String adminUrl = jdbcUrl(host, port, "postgres");
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = connect(adminUrl, superuser, "")) {
                ensureRoleAndDatabase(c);
                return;
            } catch (SQLException e) {
                last = e;
                if (e.getSQLState() != null && !e.getSQLState().startsWith("08") && !e.getSQLState().equals("57P03")) {
                    break; // not a connection problem and not "starting up": waiting will not help
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new LocalStackException("postgres on " + host + ":" + port + ": cannot create database " + NAME + ": "
                + (last == null ? "timed out" : last.getMessage()), last);
    }

    /**
     * Drops the {@value #NAME} database, closing whatever is still connected to it, and creates it empty again:
     * the state of a stack that has just started.
     */
    public static void recreate(String host, int port, String superuser) {
        try (Connection c = connect(jdbcUrl(host, port, "postgres"), superuser, "");
             Statement s = c.createStatement()) {
            s.execute("drop database if exists " + NAME + " with (force)");
            ensureRoleAndDatabase(c);
        } catch (SQLException e) {
            throw new LocalStackException("postgres on " + host + ":" + port + ": cannot recreate database " + NAME
                    + ": " + e.getMessage(), e);
        }
    }

    private static void ensureRoleAndDatabase(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (!exists(c, "select 1 from pg_roles where rolname = ?", USER)) {
                s.execute("create role " + USER + " login password '" + PASSWORD + "'");
            }
            if (!exists(c, "select 1 from pg_database where datname = ?", NAME)) {
                s.execute("create database " + NAME + " owner " + USER + " encoding 'UTF8'");
            }
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, name);
            try (var rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }
}
