package dev.fleetplane.localstack.postgres;

import dev.fleetplane.localstack.LocalStackException;
import dev.fleetplane.localstack.LogTail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Debian's PostgreSQL server: initdb (unless the cluster exists, as a persistent stack's does), pg_ctl start, stop. */
public final class DebianPostgres implements PostgresServer {

    private static final int LOG_TAIL_LINES = 30;

    private final PostgresCommands commands;
    private final Path dir;
    private final Path dataDir;
    private final int port;
    private final long pid;
    private final String version;
    private final String superuserPassword;

    private DebianPostgres(PostgresCommands commands, Path dir, Path dataDir, int port, long pid, String version,
                           String superuserPassword) {
        this.superuserPassword = superuserPassword;
        this.commands = commands;
        this.dir = dir;
        this.dataDir = dataDir;
        this.port = port;
        this.pid = pid;
        this.version = version;
    }

    /**
     * Creates a cluster in {@code dir/data} and starts it; the unix socket and the logs live in {@code dir}, which
     * user {@code postgres} must be able to reach (as root: a path under /tmp, not under /root).
     */
    public static DebianPostgres start(PostgresCommands commands, Path dir, int port, Duration timeout) {
        return start(commands, dir, port, timeout, false);
    }

    /**
     * The cluster in {@code dir/data} started again after its postmaster died: no initdb (also for a throwaway
     * cluster). The dead postmaster's backends may still hold its shared memory for a moment, which pg_ctl refuses:
     * tried again until {@code timeout}.
     */
    public static DebianPostgres restart(PostgresCommands commands, Path dir, int port, Duration timeout) {
        if (!Files.isRegularFile(dir.resolve("data").resolve("PG_VERSION"))) {
            throw new LocalStackException("postgres: no cluster to restart in " + dir.resolve("data"));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return start(commands, dir, port, Duration.ofSeconds(Math.max(10, timeout.toSeconds() / 4)), true);
            } catch (LocalStackException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static DebianPostgres start(PostgresCommands commands, Path dir, int port, Duration timeout,
                                        boolean existing) {
        Path dataDir = dir.resolve("data");
        try {
            Files.createDirectories(dir);
            if (commands.asRoot()) {
                chownToPostgres(dir);
            }
        } catch (IOException e) {
            throw new LocalStackException("postgres: cannot prepare " + dir + " for user "
                    + PostgresCommands.OS_USER + ": " + e.getMessage(), e);
        }
        Path passwordFile = dir.resolve(PostgresPasswords.SUPERUSER_FILE);
        boolean kept = (existing || commands.durable()) && Files.isRegularFile(dataDir.resolve("PG_VERSION"));
        if (kept) {
            checkExistingCluster(commands, dataDir);
        } else {
            PostgresPasswords.write(passwordFile, PostgresPasswords.generate());
            try {
                if (commands.asRoot()) {
                    chownToPostgres(passwordFile); // initdb runs as postgres and reads it
                }
            } catch (IOException e) {
                throw new LocalStackException("postgres: cannot give " + passwordFile + " to user "
                        + PostgresCommands.OS_USER + ": " + e.getMessage(), e);
            }
            run("initdb", commands.initdb(dataDir, passwordFile), dir.resolve("initdb.log"), timeout);
        }

        Path serverLog = dir.resolve("postgres.log");
        run("pg_ctl start", commands.start(dataDir, serverLog, port, dir, (int) Math.max(5, timeout.toSeconds())),
                dir.resolve("pg_ctl.log"), timeout.plusSeconds(5), serverLog);
        long pid;
        String version;
        try {
            pid = PostgresServer.postmasterPid(Files.readString(dataDir.resolve("postmaster.pid")));
            version = Files.readString(dataDir.resolve("PG_VERSION")).strip();
        } catch (IOException | IllegalArgumentException e) {
            throw new LocalStackException("postgres: started, but its postmaster.pid is unreadable: "
                    + e.getMessage() + "; server log " + serverLog, e);
        }
        try {
            return new DebianPostgres(commands, dir, dataDir, port, pid, version,
                    superuserPassword(kept, dataDir, port, passwordFile, timeout));
        } catch (RuntimeException e) {
            new DebianPostgres(commands, dir, dataDir, port, pid, version, "").close();
            throw e;
        }
    }

    /**
     * A kept cluster of an older run that still trusts every local user is moved to passwords now (TrustMigration);
     * one that wants passwords needs the file its first start wrote.
     */
    private static String superuserPassword(boolean existing, Path dataDir, int port, Path passwordFile,
                                            Duration timeout) {
        if (existing && TrustMigration.trusts(dataDir)) {
            TrustMigration.migrate(dataDir, port, PostgresCommands.SUPERUSER, passwordFile, timeout);
        }
        return PostgresPasswords.read(passwordFile).orElseThrow(() -> new LocalStackException("postgres: the kept"
                + " cluster in " + dataDir + " wants passwords, but " + passwordFile + " (its superuser's, written by"
                + " its first start) is missing: restore it from a backup, or set a new one with `ALTER ROLE postgres"
                + " PASSWORD '<hex>'` (e.g. after switching pg_hba.conf to trust for a moment) and write it there,"
                + " mode 0600"));
    }

    /** A kept cluster of another major version cannot be started by this server: say so instead of pg_ctl's log. */
    private static void checkExistingCluster(PostgresCommands commands, Path dataDir) {
        String version;
        try {
            version = Files.readString(dataDir.resolve("PG_VERSION")).strip();
        } catch (IOException e) {
            throw new LocalStackException("postgres: cannot read " + dataDir.resolve("PG_VERSION") + ": " + e.getMessage(), e);
        }
        Path server = commands.binDir();
        String binVersion = server.getParent() != null ? server.getParent().getFileName().toString() : "";
        if (binVersion.matches("\\d+") && !binVersion.equals(version)) {
            throw new LocalStackException("postgres: the kept data in " + dataDir + " is from PostgreSQL " + version
                    + ", but this machine runs PostgreSQL " + binVersion + " (" + server + "): install postgresql-"
                    + version + " or upgrade the data with pg_upgradecluster");
        }
    }

    private static void chownToPostgres(Path dir) throws IOException {
        UserPrincipal postgres;
        try {
            postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(PostgresCommands.OS_USER);
        } catch (IOException e) {
            throw new LocalStackException("postgres: there is no OS user '" + PostgresCommands.OS_USER + "' to run the"
                    + " server as (root may not); " + PostgresInstallation.INSTALL_HINT, e);
        }
        Files.setOwner(dir, postgres);
    }

    private static void run(String step, List<String> command, Path output, Duration timeout, Path... moreLogs) {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
        } catch (IOException e) {
            throw new LocalStackException("postgres: cannot run " + command.get(0) + " for " + step + ": "
                    + e.getMessage() + "; " + PostgresInstallation.INSTALL_HINT, e);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new LocalStackException("postgres: " + step + " took longer than " + timeout.toSeconds()
                        + " s; " + logs(output, moreLogs));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LocalStackException("postgres: interrupted during " + step, e);
        }
        if (process.exitValue() != 0) {
            throw new LocalStackException("postgres: " + step + " failed with exit code " + process.exitValue()
                    + "; " + logs(output, moreLogs));
        }
    }

    private static String logs(Path output, Path... moreLogs) {
        var text = new StringBuilder();
        for (Path log : Stream.concat(Stream.of(output), Stream.of(moreLogs)).toList()) {
            text.append(System.lineSeparator()).append("--- ").append(log).append(" (last lines):")
                    .append(System.lineSeparator()).append(LogTail.of(log, LOG_TAIL_LINES));
        }
        return "logs:" + text;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public String superuser() {
        return PostgresCommands.SUPERUSER;
    }

    @Override
    public String superuserPassword() {
        return superuserPassword;
    }

    @Override
    public String describe() {
        return "PostgreSQL " + version + " (Debian, " + commands.binDir() + ")";
    }

    /** pg_ctl's fast stop; a postmaster that outlives it is killed so that no server survives its stack. */
    @Override
    public void close() {
        try {
            run("pg_ctl stop", commands.stop(dataDir), dir.resolve("pg_ctl-stop.log"), Duration.ofSeconds(20));
            // pg_ctl returns when the pid file is gone, a moment before the postmaster process has exited.
            if (awaitExit(pid, Duration.ofSeconds(10))) {
                return;
            }
        } catch (LocalStackException e) {
            System.getLogger(DebianPostgres.class.getName()).log(System.Logger.Level.WARNING,
                    "postgres: clean stop failed, killing pid " + pid + ": " + e.getMessage());
        }
        killIfPostmaster(pid);
    }

    static boolean awaitExit(long pid, Duration timeout) {
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return true;
        }
        try {
            handle.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return !handle.get().isAlive();
        }
    }

    /** Only a process that still runs the postgres binary: a pid may have been reused since. */
    static void killIfPostmaster(long pid) {
        ProcessHandle.of(pid)
                .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(true))
                .ifPresent(h -> {
                    h.destroyForcibly();
                    try {
                        h.onExit().get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        // The caller's liveness check reports a survivor.
                    }
                });
    }
}
