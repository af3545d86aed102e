package dev.fleetplane.localstack.kafka;

import dev.fleetplane.events.Topics.TopicSpec;
import dev.fleetplane.localstack.LocalStackException;
import dev.fleetplane.localstack.LogTail;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A KRaft broker in its own JVM, owned by this one: launched, awaited, stopped. */
public final class KafkaBroker implements AutoCloseable {

    /** Small and quick to start: the broker of a laptop or CI runner, not of production. */
    static final List<String> JVM_OPTIONS = List.of(
            "-Xmx512m", "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    private static final int LOG_TAIL_LINES = 40;

    private final KafkaBrokerConfig config;
    private final Process process;
    private final Path log;

    private KafkaBroker(KafkaBrokerConfig config, Process process, Path log) {
        this.config = config;
        this.process = process;
        this.log = log;
    }

    /** Starts the broker JVM and returns at once; {@link #awaitReady} tells when it answers. */
    public static KafkaBroker launch(KafkaBrokerConfig config, Path dir, long ownerPid, boolean keepData) {
        Path properties = dir.resolve("server.properties");
        Path log = dir.resolve("broker.log");
        try {
            Files.createDirectories(dir);
            if (keepData) {
                // The kept log is the audit trail: for this user's eyes only (the broker runs as this user).
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
            // With auth on it holds the admin's password: this user's eyes only, as the password files.
            writePrivate(properties, config.toPropertiesFile());
            Path scram = dir.resolve(BrokerMain.ADMIN_SCRAM_FILE);
            if (config.auth().isPresent()) {
                // Read by BrokerMain for `format --add-scram`: a command-line argument would show in the process list.
                writePrivate(scram, config.auth().get().adminScramArgument());
            } else {
                Files.deleteIfExists(scram);
            }
        } catch (IOException e) {
            throw new LocalStackException("kafka: cannot write " + properties + ": " + e.getMessage(), e);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        var builder = new ProcessBuilder(command(java, BrokerClasspath.resolve(), properties, config.clusterId(), ownerPid,
                keepData))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // stdin stays a pipe held only by this JVM: its EOF is how the broker learns that its owner died.
        try {
            Process process = builder.start();
            // A persistent stack started right after a killed one waits for this pid (see PreviousRun).
            Files.writeString(dir.resolve("broker.pid"), process.pid() + "\n");
            return new KafkaBroker(config, process, log);
        } catch (IOException e) {
            throw new LocalStackException("kafka: cannot start the broker JVM " + java + ": " + e.getMessage(), e);
        }
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** The same broker (ports, cluster id, data directory) started again, e.g. after it was killed. */
    public KafkaBroker relaunch(long ownerPid, boolean keepData) {
        return launch(config, log.getParent(), ownerPid, keepData);
    }

    /** Whether the broker JVM still runs. */
    public boolean alive() {
        return process.isAlive();
    }

    static List<String> command(Path java, String classpath, Path properties, String clusterId, long ownerPid,
                                boolean keepData) {
        var command = new ArrayList<String>();
        command.add(java.toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(classpath);
        command.add(BrokerMain.class.getName());
        command.add(properties.toString());
        command.add(clusterId);
        command.add(String.valueOf(ownerPid));
        if (keepData) {
            command.add("keep");
        }
        return command;
    }

    /**
     * Waits until the broker answers a describeCluster, then creates the declared topics; with auth on, also the
     * services' SCRAM users (their passwords set again, so a kept stack's users match their files) and the ACLs.
     */
    public void awaitReadyAndCreate(List<TopicSpec> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitListening(deadline, timeout);
        var adminConfig = new java.util.HashMap<String, Object>(adminProperties(config.bootstrapServers()));
        config.auth().ifPresent(a -> adminConfig.putAll(a.clientProperties(KafkaAuth.ADMIN)));
        try (Admin admin = Admin.create(adminConfig)) {
            Exception last = null;
            while (true) {
                if (!process.isAlive()) {
                    throw failure("the broker JVM exited with code " + process.exitValue() + " before answering", null);
                }
                if (System.nanoTime() > deadline) {
                    throw failure("the broker did not answer within " + timeout.toSeconds() + " s", last);
                }
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure("interrupted while waiting for the broker", e);
                } catch (Exception e) {
                    last = e;
                    sleep(100);
                }
            }
            Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(5).toNanos()));
            try {
                TopicCreator.create(admin, topics, left);
                if (config.auth().isPresent()) {
                    KafkaUsers.apply(admin, config.auth().get(), left);
                }
            } catch (LocalStackException e) {
                throw failure(e.getMessage(), e);
            }
        }
    }

    /** A plain TCP probe first: an admin client started too early fills the log with connection warnings. */
    private void awaitListening(long deadline, Duration timeout) {
        while (true) {
            if (!process.isAlive()) {
                throw failure("the broker JVM exited with code " + process.exitValue() + " before listening", null);
            }
            if (System.nanoTime() > deadline) {
                throw failure("the broker did not listen within " + timeout.toSeconds() + " s", null);
            }
            try (var socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(config.host(), config.clientPort()), 500);
                return;
            } catch (IOException e) {
                sleep(100);
            }
        }
    }

    static Map<String, Object> adminProperties(String bootstrapServers) {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "fleetplane-local-stack",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    }

    private LocalStackException failure(String what, Throwable cause) {
        return new LocalStackException("kafka on " + config.bootstrapServers() + ": " + what
                + (cause != null ? " (" + cause.getMessage() + ")" : "")
                + "; broker log: " + log + ", last lines:" + System.lineSeparator()
                + LogTail.of(log, LOG_TAIL_LINES), cause);
    }

    public String bootstrapServers() {
        return config.bootstrapServers();
    }

    public java.util.Optional<KafkaAuth> auth() {
        return config.auth();
    }

    public String clusterId() {
        return config.clusterId();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** SIGTERM runs Kafka's own shutdown hook (a clean stop in well under a second); a stuck broker is killed. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // The pipe's reader is gone; nothing to release.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
