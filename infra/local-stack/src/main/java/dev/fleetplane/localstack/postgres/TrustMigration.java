package dev.fleetplane.localstack.postgres;

import dev.fleetplane.localstack.LocalStackException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A cluster made before passwords (an older {@code up}'s kept state, or Zonky's {@code initdb -A trust}) lets anyone
 * on the machine in as its superuser. Started as it is, it is brought to the rule of a new one: the superuser gets
 * the generated password (written 0600 first), every {@code trust} line of {@code pg_hba.conf} becomes
 * {@code scram-sha-256}, and the server reloads it, so the next connection needs the password.
 */
public final class TrustMigration {

    private static final Pattern TRUST = Pattern.compile("(?m)^(\\s*(?:local|host\\S*)\\s.*\\s)trust(\\s*(?:#.*)?)$");

    private TrustMigration() {
    }

    /** Whether an active line of {@code pg_hba.conf} still says {@code trust}. */
    public static boolean trusts(Path dataDir) {
        return TRUST.matcher(hba(dataDir)).find();
    }

    /** {@code pg_hba.conf}'s text with every {@code trust} method replaced by {@code scram-sha-256}. */
    static String withoutTrust(String hba) {
        return TRUST.matcher(hba).replaceAll("$1scram-sha-256$2");
    }

    /**
     * Sets the superuser's password from {@code passwordFile} (made when absent) while trust still lets it in, then
     * rewrites {@code pg_hba.conf} and reloads the server. Idempotent: a crash halfway is finished by the next start.
     */
    public static void migrate(Path dataDir, int port, String superuser, Path passwordFile, Duration timeout) {
        String password = PostgresPasswords.readOrCreate(passwordFile);
        String url = FleetplaneDatabase.jdbcUrl("127.0.0.1", port, "postgres");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Connection c = FleetplaneDatabase.connect(url, superuser, "");
                 Statement s = c.createStatement()) {
                s.execute("set password_encryption = 'scram-sha-256'");
                s.execute("alter role " + superuser + " password '" + password + "'");
                Path file = dataDir.resolve("pg_hba.conf");
                Files.writeString(file, withoutTrust(hba(dataDir)), StandardCharsets.UTF_8);
                s.execute("select pg_reload_conf()");
                break;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline || e.getSQLState() == null || !e.getSQLState().startsWith("08")) {
                    throw new LocalStackException("postgres on port " + port + ": cannot move the cluster in " + dataDir
                            + " from trust to passwords: " + e.getMessage() + "; set a password for " + superuser
                            + " by hand, write it to " + passwordFile + " (mode 0600) and replace trust with"
                            + " scram-sha-256 in " + dataDir.resolve("pg_hba.conf"), e);
                }
                pause();
            } catch (IOException e) {
                throw new LocalStackException("postgres: cannot rewrite " + dataDir.resolve("pg_hba.conf") + ": "
                        + e.getMessage(), e);
            }
        }
        awaitPasswordRequired(url, superuser, port, deadline);
        System.getLogger(TrustMigration.class.getName()).log(System.Logger.Level.INFO, "postgres: the cluster in "
                + dataDir + " trusted every local user; it now wants passwords (scram-sha-256), the superuser's in "
                + passwordFile);
    }

    /** pg_reload_conf() signals the postmaster and returns: the new rules apply a moment later. */
    private static void awaitPasswordRequired(String url, String superuser, int port, long deadline) {
        while (System.nanoTime() < deadline) {
            try (Connection ignored = FleetplaneDatabase.connect(url, superuser, "")) {
                pause();
            } catch (SQLException e) {
                // 28xxx: refused by the server; 08004: the driver will not send an empty password that was asked for.
                if (e.getSQLState() != null && (e.getSQLState().startsWith("28") || e.getSQLState().equals("08004"))) {
                    return;
                }
                pause();
            }
        }
        throw new LocalStackException("postgres on port " + port + ": still lets " + superuser
                + " in without a password after pg_hba.conf was rewritten");
    }

    private static String hba(Path dataDir) {
        try {
            return Files.readString(dataDir.resolve("pg_hba.conf"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LocalStackException("postgres: cannot read " + dataDir.resolve("pg_hba.conf") + ": "
                    + e.getMessage(), e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("postgres: interrupted", e);
        }
    }
}
