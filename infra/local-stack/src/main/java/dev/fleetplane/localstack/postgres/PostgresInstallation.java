package dev.fleetplane.localstack.postgres;

import dev.fleetplane.localstack.LocalStackException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds Debian's PostgreSQL server binaries ({@code /usr/lib/postgresql/<version>/bin}). */
public final class PostgresInstallation {

    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    static final String INSTALL_HINT = "install the server with: apt-get install -y postgresql"
            + " (or start the stack with PostgresMode.ZONKY)";

    private PostgresInstallation() {
    }

    /** The given bin dir if it has the binaries, else the newest Debian version's. */
    public static Path binDir(Optional<Path> override) {
        if (override.isPresent()) {
            Path dir = override.get();
            if (!hasServer(dir)) {
                throw new LocalStackException("postgres: " + dir + " has no executable initdb, pg_ctl and postgres; "
                        + INSTALL_HINT);
            }
            return dir;
        }
        List<String> versions;
        try (Stream<Path> children = Files.isDirectory(DEBIAN_ROOT) ? Files.list(DEBIAN_ROOT) : Stream.empty()) {
            versions = children.filter(p -> hasServer(p.resolve("bin")))
                    .map(p -> p.getFileName().toString())
                    .toList();
        } catch (IOException e) {
            throw new LocalStackException("postgres: cannot list " + DEBIAN_ROOT + ": " + e.getMessage(), e);
        }
        return newest(versions)
                .map(v -> DEBIAN_ROOT.resolve(v).resolve("bin"))
                .orElseThrow(() -> new LocalStackException("postgres: no PostgreSQL server binaries under "
                        + DEBIAN_ROOT + "/<version>/bin (initdb, pg_ctl, postgres); " + INSTALL_HINT));
    }

    /** Numeric order, so that 9.6 is older than 15. */
    static Optional<String> newest(List<String> versions) {
        return versions.stream()
                .filter(v -> v.matches("\\d+(\\.\\d+)*"))
                .max(Comparator.comparing(PostgresInstallation::major).thenComparing(PostgresInstallation::minor));
    }

    private static int major(String version) {
        return Integer.parseInt(version.split("\\.")[0]);
    }

    private static int minor(String version) {
        String[] parts = version.split("\\.");
        return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    }

    private static boolean hasServer(Path bin) {
        return Stream.of("initdb", "pg_ctl", "postgres").allMatch(b -> Files.isExecutable(bin.resolve(b)));
    }
}
