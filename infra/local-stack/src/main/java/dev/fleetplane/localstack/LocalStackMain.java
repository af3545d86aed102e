package dev.fleetplane.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a local stack by hand until SIGTERM or Ctrl-C. Prints {@code kafka: 127.0.0.1:P}, {@code postgres: jdbc:...},
 * the pids, then {@code ready}.
 *
 * <pre>
 * java -cp ... dev.fleetplane.localstack.LocalStackMain [--kafka-port N] [--postgres-port N] [--work-dir DIR]
 *      [--postgres debian|zonky] [--env-file FILE] [--persistent-dir DIR]
 * </pre>
 * {@code --persistent-dir} keeps Kafka's and PostgreSQL's data in DIR across starts (instead of {@code --work-dir}).
 * {@code --env-file} writes {@code FLEETPLANE_*} exports that {@code LocalStackTestResource} picks up, so that
 * several test JVMs can share this stack.
 */
public final class LocalStackMain {

    private LocalStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Only matters where slf4j-simple logs: the Kafka clients' INFO chatter would bury the lines that matter.
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        }
        Arguments arguments;
        try {
            arguments = Arguments.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("local-stack: " + e.getMessage());
            System.err.println(Arguments.USAGE);
            System.exit(2);
            return;
        }
        LocalStack stack;
        try {
            stack = LocalStack.start(arguments.options());
        } catch (LocalStackException e) {
            System.err.println("local-stack: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            System.out.println("stopped");
            System.out.flush();
            stopped.countDown();
        }, "fleetplane-local-stack-main-stop"));

        System.out.println("kafka: " + stack.kafkaBootstrapServers());
        System.out.println("postgres: " + stack.jdbcUrl() + " (user " + stack.jdbcUser() + ")");
        System.out.println("pids: kafka=" + stack.kafkaPid() + " postgres=" + stack.postgresPid()
                + " watchdog=" + stack.watchdogPid());
        System.out.println("work dir: " + stack.workDir());
        System.out.println("postgres dir: " + stack.postgresDir());
        if (arguments.envFile() != null) {
            writeEnvFile(arguments.envFile(), stack.endpoints());
            System.out.println("env file: " + arguments.envFile());
        }
        System.out.println("ready");
        System.out.flush();
        stopped.await();
    }

    static String envFileText(Endpoints endpoints) {
        return "export FLEETPLANE_KAFKA_BOOTSTRAP_SERVERS=" + endpoints.kafkaBootstrapServers() + "\n"
                + "export FLEETPLANE_JDBC_URL=" + endpoints.jdbcUrl() + "\n"
                + "export FLEETPLANE_JDBC_USER=" + endpoints.jdbcUser() + "\n"
                + "export FLEETPLANE_JDBC_PASSWORD=" + endpoints.jdbcPassword() + "\n";
    }

    private static void writeEnvFile(Path file, Endpoints endpoints) {
        try {
            // It holds the database password: readable by its owner only, from the moment it exists.
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, envFileText(endpoints));
        } catch (IOException e) {
            System.err.println("local-stack: cannot write " + file + ": " + e.getMessage());
        }
    }

    /** The parsed command line. */
    record Arguments(LocalStackOptions options, Path envFile) {

        static final String USAGE = "usage: LocalStackMain [--kafka-port N] [--postgres-port N] [--work-dir DIR]"
                + " [--postgres debian|zonky] [--env-file FILE] [--persistent-dir DIR]";

        static Arguments parse(List<String> args) {
            LocalStackOptions options = LocalStackOptions.defaults();
            Path envFile = null;
            var rest = new ArrayList<>(args);
            while (!rest.isEmpty()) {
                String flag = rest.remove(0);
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value"
                            : "unexpected argument '" + flag + "'");
                }
                String value = rest.remove(0);
                switch (flag) {
                    case "--kafka-port" -> options = options.kafkaPort(port(flag, value));
                    case "--postgres-port" -> options = options.postgresPort(port(flag, value));
                    case "--work-dir" -> options = options.workDir(Path.of(value));
                    case "--persistent-dir" -> options = options.persistentIn(Path.of(value));
                    case "--env-file" -> envFile = Path.of(value);
                    case "--postgres" -> {
                        try {
                            options = options.postgres(PostgresMode.valueOf(value.toUpperCase(Locale.ROOT)));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("--postgres must be debian or zonky, got '" + value + "'");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
                }
            }
            return new Arguments(options, envFile);
        }

        private static int port(String flag, String value) {
            try {
                int port = Integer.parseInt(value);
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " must be a port 0-65535 (0 = pick a free one), got '"
                        + value + "'");
            }
        }
    }
}
