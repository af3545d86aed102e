package dev.fleetplane.localstack.shared;

import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.localstack.LocalStackException;
import dev.fleetplane.localstack.PropertiesFiles;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * What a running {@link SharedStackMain} tells the test JVMs that attach to it, in {@value #FILE} of its lease
 * directory: where Kafka and PostgreSQL answer, PostgreSQL's superuser and passwords (for the reset) and which process
 * serves it. The file exists only while the stack is ready; it is written whole or not at all, mode 0600.
 */
record Lease(Endpoints endpoints, int postgresPort, String postgresSuperuser, String postgresSuperuserPassword,
             long serverPid, long serverStartMillis,
             long kafkaPid, long postgresPid) {

    static final String FILE = "stack.properties";

    static Optional<Lease> read(Path leaseDir) {
        var props = new Properties();
        try (Reader in = Files.newBufferedReader(leaseDir.resolve(FILE), StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LocalStackException("shared stack: cannot read " + leaseDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(new Lease(
                    new Endpoints(props.getProperty("kafka"), props.getProperty("jdbc.url"),
                            props.getProperty("jdbc.user"), props.getProperty("jdbc.password")),
                    Integer.parseInt(props.getProperty("postgres.port")), props.getProperty("postgres.superuser"),
                    java.util.Objects.requireNonNull(props.getProperty("postgres.superuser-password")),
                    Long.parseLong(props.getProperty("server.pid")), Long.parseLong(props.getProperty("server.start")),
                    Long.parseLong(props.getProperty("kafka.pid")), Long.parseLong(props.getProperty("postgres.pid"))));
        } catch (RuntimeException e) {
            // Not ours or cut short: as good as none, the stack it named is treated as gone.
            return Optional.empty();
        }
    }

    void write(Path leaseDir) {
        var props = new Properties();
        props.setProperty("kafka", endpoints.kafkaBootstrapServers());
        props.setProperty("jdbc.url", endpoints.jdbcUrl());
        props.setProperty("jdbc.user", endpoints.jdbcUser());
        props.setProperty("jdbc.password", endpoints.jdbcPassword());
        props.setProperty("postgres.port", String.valueOf(postgresPort));
        props.setProperty("postgres.superuser", postgresSuperuser);
        props.setProperty("postgres.superuser-password", postgresSuperuserPassword);
        props.setProperty("server.pid", String.valueOf(serverPid));
        props.setProperty("server.start", String.valueOf(serverStartMillis));
        props.setProperty("kafka.pid", String.valueOf(kafkaPid));
        props.setProperty("postgres.pid", String.valueOf(postgresPid));
        PropertiesFiles.writeAtomically(leaseDir.resolve(FILE), props, "fleetplane shared local stack");
    }

    /** The server named here still runs: same pid and, where the system tells, same start time. */
    boolean serverAlive() {
        return Processes.alive(serverPid, serverStartMillis);
    }
}
