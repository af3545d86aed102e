package dev.fleetplane.localstack.postgres;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines that create, start and stop a cluster: throwaway (no fsync, fastest), or {@code durable} for data
 * that is kept (PostgreSQL's own safe defaults). {@code initdb} and {@code postgres} refuse to run as root, so as root
 * they run as user {@code postgres} through {@code runuser}.
 */
public record PostgresCommands(Path binDir, boolean asRoot, boolean durable) {

    /** A throwaway cluster's commands. */
    public PostgresCommands(Path binDir, boolean asRoot) {
        this(binDir, asRoot, false);
    }

    public static final String OS_USER = "postgres";
    public static final String SUPERUSER = "postgres";

    /**
     * Every connection, over TCP or the unix socket, needs a password (scram-sha-256): loopback is shared by every
     * user of the machine. The superuser's is read from {@code superuserPasswordFile}. {@code --no-sync} when the
     * cluster is thrown away.
     */
    public List<String> initdb(Path dataDir, Path superuserPasswordFile) {
        var command = new ArrayList<>(List.of(bin("initdb"), "-D", dataDir.toString(), "-U", SUPERUSER,
                "--auth=scram-sha-256", "--pwfile=" + superuserPasswordFile, "-E", "UTF8", "--locale=C.UTF-8"));
        if (!durable) {
            command.add("--no-sync");
        }
        return as(command);
    }

    public List<String> start(Path dataDir, Path log, int port, Path socketDir, int timeoutSeconds) {
        String serverOptions = "-p " + port + " -k " + socketDir + " -c listen_addresses=127.0.0.1"
                // No synchronous_commit=off: it loses the last commits when the postmaster dies (the fault matrix lost a
                // saga and an adapter's clone record that way); fsync=off only matters if the machine itself crashes.
                + (durable ? "" : " -c fsync=off -c full_page_writes=off");
        return as(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-l", log.toString(), "-w",
                "-t", String.valueOf(timeoutSeconds), "-o", serverOptions, "start"));
    }

    /** {@code fast}: disconnect clients and stop now; nothing here is worth waiting for. */
    public List<String> stop(Path dataDir) {
        return as(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "15", "stop"));
    }

    private String bin(String name) {
        return binDir.resolve(name).toString();
    }

    private List<String> as(List<String> command) {
        if (!asRoot) {
            return command;
        }
        var out = new ArrayList<String>(List.of("runuser", "-u", OS_USER, "--"));
        out.addAll(command);
        return out;
    }
}
