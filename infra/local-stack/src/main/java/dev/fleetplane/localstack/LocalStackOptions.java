package dev.fleetplane.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start a {@link LocalStack}: immutable, built fluently from {@link #defaults()}.
 *
 * @param kafkaPort    the broker's client port on 127.0.0.1; 0 picks a free one
 * @param postgresPort PostgreSQL's port on 127.0.0.1; 0 picks a free one
 * @param workDir      the directory the stack owns (created, emptied of a previous stack, deleted on close);
 *                     empty means a fresh temporary directory
 * @param postgres     which PostgreSQL server to run
 * @param postgresBinDir where {@code initdb} and {@code pg_ctl} live for {@link PostgresMode#DEBIAN}; empty means
 *                     the newest {@code /usr/lib/postgresql/<version>/bin}
 * @param startTimeout how long each part may take to answer before start fails
 * @param persistent   keep the data: the work dir (required) is reused as found, not emptied, and survives close;
 *                     Kafka keeps its cluster id and PostgreSQL its data and durability (fsync on); the ports of the
 *                     previous start are taken again where they are free and no port was asked for
 * @param kafkaAuth    Kafka with SASL/SCRAM users and ACLs (see {@code kafka.KafkaAuth}, {@code kafka.KafkaAcls});
 *                     off by default: anyone who reaches the port may then read and write every topic
 */
public record LocalStackOptions(int kafkaPort, int postgresPort, Optional<Path> workDir, PostgresMode postgres,
                                Optional<Path> postgresBinDir, Duration startTimeout, boolean persistent,
                                boolean kafkaAuth) {

    public LocalStackOptions {
        checkPort("kafka", kafkaPort);
        checkPort("postgres", postgresPort);
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(postgres, "postgres mode");
        Objects.requireNonNull(postgresBinDir, "postgresBinDir");
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
        }
        if (kafkaPort != 0 && kafkaPort == postgresPort) {
            throw new IllegalArgumentException("kafka and postgres cannot share port " + kafkaPort);
        }
        if (persistent && workDir.isEmpty()) {
            throw new IllegalArgumentException("a persistent stack needs a work dir to keep its data in");
        }
        if (persistent && postgres != PostgresMode.DEBIAN) {
            throw new IllegalArgumentException("a persistent stack runs Debian's PostgreSQL (zonky is for tests)");
        }
    }

    /** Free loopback ports, a temporary work dir, Debian's PostgreSQL, a minute to start. */
    public static LocalStackOptions defaults() {
        return new LocalStackOptions(0, 0, Optional.empty(), PostgresMode.DEBIAN, Optional.empty(),
                Duration.ofSeconds(60), false, false);
    }

    public LocalStackOptions kafkaPort(int port) {
        return new LocalStackOptions(port, postgresPort, workDir, postgres, postgresBinDir, startTimeout, persistent,
                kafkaAuth);
    }

    public LocalStackOptions postgresPort(int port) {
        return new LocalStackOptions(kafkaPort, port, workDir, postgres, postgresBinDir, startTimeout, persistent,
                kafkaAuth);
    }

    public LocalStackOptions workDir(Path dir) {
        return new LocalStackOptions(kafkaPort, postgresPort, Optional.of(dir.toAbsolutePath().normalize()), postgres,
                postgresBinDir, startTimeout, persistent, kafkaAuth);
    }

    public LocalStackOptions postgres(PostgresMode mode) {
        return new LocalStackOptions(kafkaPort, postgresPort, workDir, mode, postgresBinDir, startTimeout, persistent,
                kafkaAuth);
    }

    public LocalStackOptions postgresBinDir(Path dir) {
        return new LocalStackOptions(kafkaPort, postgresPort, workDir, postgres, Optional.of(dir), startTimeout, persistent,
                kafkaAuth);
    }

    public LocalStackOptions startTimeout(Duration timeout) {
        return new LocalStackOptions(kafkaPort, postgresPort, workDir, postgres, postgresBinDir, timeout, persistent,
                kafkaAuth);
    }

    /** Keep the data in {@code dir} across starts (see {@link LocalStackOptions}). */
    public LocalStackOptions persistentIn(Path dir) {
        return new LocalStackOptions(kafkaPort, postgresPort, Optional.of(dir.toAbsolutePath().normalize()), postgres,
                postgresBinDir, startTimeout, true, kafkaAuth);
    }

    /** Kafka with SASL/SCRAM users and ACLs ({@code up --kafka-auth}). */
    public LocalStackOptions kafkaAuth(boolean on) {
        return new LocalStackOptions(kafkaPort, postgresPort, workDir, postgres, postgresBinDir, startTimeout, persistent,
                on);
    }

    private static void checkPort(String part, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(part + " port must be 0 (pick a free one) or 1-65535, got " + port);
        }
    }
}
