package dev.fleetplane.localstack.postgres;

import java.nio.file.Path;

/** A running PostgreSQL server on 127.0.0.1 that wants a password of everyone (scram-sha-256). */
public interface PostgresServer extends AutoCloseable {

    int port();

    /** The postmaster's pid. */
    long pid();

    Path dataDir();

    String superuser();

    /** The superuser's generated password (also in {@link PostgresPasswords#SUPERUSER_FILE}, mode 0600). */
    String superuserPassword();

    /** For the startup line, e.g. {@code PostgreSQL 15 (Debian)}. */
    String describe();

    /** Stops the server; its directories are the caller's. */
    @Override
    void close();

    /** The postmaster's pid as written in {@code postmaster.pid} (first line). */
    static long postmasterPid(String postmasterPidFile) {
        String first = postmasterPidFile.lines().findFirst().orElse("").strip();
        try {
            return Long.parseLong(first);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("postmaster.pid does not start with a pid: '" + first + "'", e);
        }
    }
}
