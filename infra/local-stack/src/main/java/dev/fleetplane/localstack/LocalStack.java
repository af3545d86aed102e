package dev.fleetplane.localstack;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.kafka.KafkaAuth;
import dev.fleetplane.localstack.kafka.KafkaBroker;
import dev.fleetplane.localstack.kafka.KafkaBrokerConfig;
import dev.fleetplane.localstack.postgres.FleetplaneDatabase;
import dev.fleetplane.localstack.postgres.PostgresLauncher;
import dev.fleetplane.localstack.postgres.PostgresPasswords;
import dev.fleetplane.localstack.postgres.PostgresServer;

import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A real single-node Kafka (KRaft, its own JVM) and a real PostgreSQL on loopback, started together, with every
 * topic of {@link Topics#allWithDeadLetters()} and a {@code fleetplane} database. Used by the services' tests and by
 * {@code ./fleetplane up}. Both processes die with this JVM, even when it is SIGKILLed.
 */
public final class LocalStack implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalStack.class.getName());
    private static final int SOCKET_PATH_LIMIT = 100;

    private final Path workDir;
    private final Path postgresDir;
    private final StackWatchdog watchdog;
    private volatile KafkaBroker kafka;
    private volatile PostgresServer postgres;
    private LocalStackOptions options;
    private long owner;
    private final Endpoints endpoints;
    private final Thread shutdownHook;
    private final boolean persistent;
    private boolean closed;

    private LocalStack(Path workDir, Path postgresDir, StackWatchdog watchdog, KafkaBroker kafka,
                       PostgresServer postgres, String jdbcPassword, boolean persistent) {
        this.persistent = persistent;
        this.workDir = workDir;
        this.postgresDir = postgresDir;
        this.watchdog = watchdog;
        this.kafka = kafka;
        this.postgres = postgres;
        this.endpoints = new Endpoints(kafka.bootstrapServers(),
                FleetplaneDatabase.jdbcUrl(LoopbackPorts.HOST, postgres.port(), FleetplaneDatabase.NAME),
                FleetplaneDatabase.USER, jdbcPassword);
        this.shutdownHook = new Thread(this::close, "fleetplane-local-stack-shutdown");
    }

    /**
     * Starts Kafka and PostgreSQL concurrently and returns once both answer, the topics exist and the database is
     * there.
     *
     * @throws LocalStackException naming the part that failed, with the tail of its log; nothing is left running
     */
    public static LocalStack start(LocalStackOptions options) {
        PostgresLauncher.check(options.postgres(), options.postgresBinDir());
        // Ports first: nothing is created or changed on disk before they are known to be usable.
        Optional<KeptState> kept = options.persistent() ? KeptState.read(options.workDir().orElseThrow())
                : Optional.empty();
        int kafkaPort = claim("kafka", options.kafkaPort(), kept.map(KeptState::kafkaPort));
        int postgresPort = claim("postgres", options.postgresPort(), kept.map(KeptState::postgresPort));
        int controllerPort = claim("kafka controller", 0, kept.map(KeptState::controllerPort));
        while (controllerPort == kafkaPort || controllerPort == postgresPort) {
            controllerPort = LoopbackPorts.claim("kafka controller", 0);
        }
        String clusterId = kept.map(KeptState::kafkaClusterId).orElseGet(() -> Uuid.randomUuid().toString());
        Path workDir = StackDirectory.prepare(options.workDir(), options.persistent());
        if (options.persistent()) {
            PreviousRun.awaitGone(workDir, Duration.ofSeconds(60));
        }

        long owner = ProcessHandle.current().pid();
        StackWatchdog watchdog = null;
        KafkaBroker kafka = null;
        CompletableFuture<PostgresServer> postgresStart = null;
        Path postgresDir = null;
        try {
            watchdog = StackWatchdog.start(owner, workDir, options.persistent());
            postgresDir = postgresDirFor(workDir, options.persistent());
            if (options.persistent()) {
                new KeptState(clusterId, kafkaPort, controllerPort, postgresPort).write(workDir);
            }

            long kafkaStarted = System.nanoTime();
            Optional<KafkaAuth> kafkaAuth = options.kafkaAuth()
                    ? Optional.of(KafkaAuth.forStorage(workDir.resolve("kafka").resolve("users"),
                            workDir.resolve("kafka").resolve("data")))
                    : Optional.empty();
            var config = new KafkaBrokerConfig(LoopbackPorts.HOST, kafkaPort, controllerPort,
                    workDir.resolve("kafka").resolve("data"), clusterId, kafkaAuth);
            kafka = KafkaBroker.launch(config, workDir.resolve("kafka"), owner, options.persistent());
            watchdog.watchBroker(kafka.pid());

            // The broker JVM boots on its own; PostgreSQL's initdb overlaps with it on another thread.
            postgresStart = startPostgres(options, postgresDir, postgresPort, watchdog);

            kafka.awaitReadyAndCreate(Topics.allWithDeadLetters(), options.startTimeout());
            LOG.log(Level.INFO, String.format(Locale.ROOT, "kafka: %s ready with %d topics in %s (broker pid %d, log %s)",
                    kafka.bootstrapServers(), Topics.allWithDeadLetters().size(), seconds(kafkaStarted), kafka.pid(),
                    kafka.log()));

            PostgresServer postgres = join(postgresStart);
            var stack = new LocalStack(workDir, postgresDir, watchdog, kafka, postgres,
                    PostgresPasswords.read(postgresDir.resolve(PostgresPasswords.FLEETPLANE_FILE)).orElseThrow(),
                    options.persistent());
            stack.options = options;
            stack.owner = owner;
            Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
            return stack;
        } catch (RuntimeException | Error e) {
            stopAfterFailure(e, watchdog, kafka, postgresStart, postgresDir, workDir, options.persistent());
            throw e;
        }
    }

    /** The asked-for port; else, for a persistent stack, the port of its last start if still free; else any. */
    private static int claim(String part, int requested, Optional<Integer> previous) {
        if (requested == 0 && previous.isPresent() && LoopbackPorts.isFree(previous.get())) {
            return previous.get();
        }
        return LoopbackPorts.claim(part, requested);
    }

    private static CompletableFuture<PostgresServer> startPostgres(LocalStackOptions options, Path dir, int port,
                                                                   StackWatchdog watchdog) {
        var future = new CompletableFuture<PostgresServer>();
        Thread starter = new Thread(() -> {
            long started = System.nanoTime();
            try {
                PostgresServer server = PostgresLauncher.start(options.postgres(), options.postgresBinDir(), dir, port,
                        options.startTimeout(), options.persistent());
                try {
                    watchdog.watchPostgres(server.pid(), dir);
                    // The services' password: kept with a persistent stack's data, new for a throwaway one.
                    Path passwordFile = dir.resolve(PostgresPasswords.FLEETPLANE_FILE);
                    if (!options.persistent()) {
                        Files.deleteIfExists(passwordFile);
                    }
                    FleetplaneDatabase.create(LoopbackPorts.HOST, port, server.superuser(), server.superuserPassword(),
                            PostgresPasswords.readOrCreate(passwordFile), options.startTimeout());
                } catch (RuntimeException | IOException e) {
                    server.close();
                    throw e instanceof RuntimeException r ? r : new LocalStackException("postgres: " + e.getMessage(), e);
                }
                LOG.log(Level.INFO, String.format(Locale.ROOT, "postgres: %s ready in %s (%s, pid %d)",
                        FleetplaneDatabase.jdbcUrl(LoopbackPorts.HOST, port, FleetplaneDatabase.NAME),
                        seconds(started), server.describe(), server.pid()));
                future.complete(server);
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }, "fleetplane-postgres-start");
        starter.setDaemon(true);
        starter.start();
        return future;
    }

    /**
     * PostgreSQL's directory: inside the work dir when user postgres can reach it and the unix socket path fits,
     * else a directory of its own under /tmp (removed on close like the work dir). A persistent stack keeps its data
     * in the work dir or nowhere: it refuses a directory that user postgres cannot reach.
     */
    private static Path postgresDirFor(Path workDir, boolean persistent) {
        Path inside = workDir.resolve("postgres");
        boolean reachable = !PostgresLauncher.isRoot() || StackDirectory.reachableByOthers(workDir);
        boolean fits = (inside + "/.s.PGSQL.65535").length() <= SOCKET_PATH_LIMIT && !inside.toString().contains(" ");
        if (reachable && fits) {
            return inside;
        }
        if (persistent) {
            throw new LocalStackException("postgres: " + (reachable
                    ? "the path " + inside + " is too long for PostgreSQL's unix socket (or has a space): choose a"
                    + " shorter state directory"
                    : "as root, PostgreSQL runs as user postgres, who cannot reach " + workDir + " (a parent"
                    + " directory is closed to others, as /root is): choose a state directory such as"
                    + " /var/lib/fleetplane"));
        }
        try {
            Path own = Files.createTempDirectory(Path.of("/tmp"), "fleetplane-pg-");
            own.toFile().setExecutable(true, false);
            own.toFile().setReadable(true, false);
            return own;
        } catch (IOException e) {
            throw new LocalStackException("postgres: cannot create a directory under /tmp: " + e.getMessage(), e);
        }
    }

    private static void stopAfterFailure(Throwable failure, StackWatchdog watchdog, KafkaBroker kafka,
                                         CompletableFuture<PostgresServer> postgresStart, Path postgresDir,
                                         Path workDir, boolean persistent) {
        if (postgresStart != null) {
            try {
                join(postgresStart).close();
            } catch (RuntimeException e) {
                if (e != failure) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (kafka != null) {
            kafka.close();
        }
        // Keep the logs that the exception points to; drop the data (a persistent stack's data is never dropped).
        boolean anyLog = kafka != null || postgresStart != null;
        try {
            if (persistent) {
                if (watchdog != null) {
                    watchdog.close();
                }
                return;
            }
            if (postgresDir != null && !postgresDir.startsWith(workDir)) {
                StackDirectory.delete(postgresDir.resolve("data"));
            }
            if (anyLog) {
                StackDirectory.delete(workDir.resolve("kafka").resolve("data"));
                StackDirectory.delete(workDir.resolve("postgres").resolve("data"));
            } else {
                StackDirectory.delete(workDir);
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        if (watchdog != null) {
            watchdog.close();
        }
    }

    private static PostgresServer join(CompletableFuture<PostgresServer> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new LocalStackException("postgres: " + e.getCause(), e.getCause());
        }
    }

    private static String seconds(long startedNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startedNanos) / 1e9);
    }

    /** {@code 127.0.0.1:PORT}. */
    public String kafkaBootstrapServers() {
        return endpoints.kafkaBootstrapServers();
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/fleetplane}. */
    public String jdbcUrl() {
        return endpoints.jdbcUrl();
    }

    public String jdbcUser() {
        return endpoints.jdbcUser();
    }

    public String jdbcPassword() {
        return endpoints.jdbcPassword();
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    /** The SCRAM users and their password files when the stack was started with {@code kafkaAuth}. */
    public Optional<KafkaAuth> kafkaAuth() {
        return kafka.auth();
    }

    public long kafkaPid() {
        return kafka.pid();
    }

    public long postgresPid() {
        return postgres.pid();
    }

    /** PostgreSQL's superuser: what may drop and create the {@code fleetplane} database. */
    public String postgresSuperuser() {
        return postgres.superuser();
    }

    /** The superuser's generated password (also in {@code postgresDir()/superuser.password}, mode 0600). */
    public String postgresSuperuserPassword() {
        return postgres.superuserPassword();
    }

    public int postgresPort() {
        return postgres.port();
    }

    public long watchdogPid() {
        return watchdog.pid();
    }

    /** Kafka's cluster id: the same on every start of a persistent stack. */
    public String kafkaClusterId() {
        return kafka.clusterId();
    }

    public boolean persistent() {
        return persistent;
    }

    public Path workDir() {
        return workDir;
    }

    /** Inside {@link #workDir()} unless user postgres could not reach it; removed on close either way. */
    public Path postgresDir() {
        return postgresDir;
    }

    public Path kafkaLog() {
        return kafka.log();
    }

    /** Whether the broker JVM still runs (false once it exited, e.g. SIGKILLed). */
    public boolean kafkaAlive() {
        return kafka.alive();
    }

    /** Whether PostgreSQL's postmaster still runs. */
    public boolean postgresAlive() {
        return running(postgres.pid());
    }

    /** Alive and not a zombie: a killed postmaster (pg_ctl's orphan) is reaped by PID 1 only now and then. */
    static boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String rest = stat.substring(stat.lastIndexOf(')') + 1).strip();
            return !rest.startsWith("Z") && !rest.startsWith("X");
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /**
     * Starts the broker again after it died, on the same ports, cluster id and data directory (its log is kept, so
     * every topic and committed offset is there again); returns once it answers. Nothing to do if it runs.
     *
     * @throws LocalStackException naming what failed, with the tail of the broker's log
     */
    public synchronized void restartKafka() {
        if (closed || kafka.alive()) {
            return;
        }
        KafkaBroker again = kafka.relaunch(owner, persistent);
        kafka = again;
        watchdog.watchBroker(again.pid());
        again.awaitReadyAndCreate(Topics.allWithDeadLetters(), options.startTimeout());
        LOG.log(Level.INFO, "kafka: restarted on its data directory (broker pid " + again.pid() + ")");
    }

    /**
     * Starts PostgreSQL again after its postmaster died, on the same port and data directory (crash recovery
     * replays its WAL: every committed row is there again); returns once it accepts connections.
     *
     * @throws LocalStackException naming what failed, with the tail of its logs
     */
    public synchronized void restartPostgres() {
        if (closed || postgresAlive()) {
            return;
        }
        PostgresServer again = PostgresLauncher.restart(options.postgres(), options.postgresBinDir(), postgresDir,
                postgres.port(), options.startTimeout(), persistent);
        postgres = again;
        watchdog.watchPostgres(again.pid(), postgresDir);
        LOG.log(Level.INFO, "postgres: restarted on its data directory (pid " + again.pid() + ")");
    }

    /** Stops both servers and deletes every directory of the stack unless it is persistent; idempotent, run at JVM exit. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is exiting: the hook may run too, and finds us closed.
            }
        }
        long started = System.nanoTime();
        // Kafka's clean shutdown takes seconds, PostgreSQL's a fraction: overlap them.
        Thread kafkaStop = new Thread(kafka::close, "fleetplane-kafka-stop");
        kafkaStop.start();
        RuntimeException failure = null;
        try {
            postgres.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            kafkaStop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (!persistent) {
                if (!postgresDir.startsWith(workDir)) {
                    StackDirectory.delete(postgresDir);
                }
                StackDirectory.delete(workDir);
            }
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        // Released last: should this JVM die halfway through close, the watchdog still finishes the job.
        watchdog.close();
        LOG.log(Level.INFO, "local stack stopped in " + seconds(started) + (persistent ? "; its data stays in "
                : "; removed ") + workDir);
        if (failure != null) {
            throw failure;
        }
    }
}
