package dev.fleetplane.localstack;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.postgres.FleetplaneDatabase;
import dev.fleetplane.localstack.postgres.PostgresPasswords;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A persistent stack keeps its Kafka records and PostgreSQL rows across a clean close and across its owner's SIGKILL:
 * the next start finds the same cluster id, the same ports, and everything written before.
 */
class LocalStackPersistenceIT {

    private static final Pattern PIDS = Pattern.compile("pids: kafka=(\\d+) postgres=(\\d+) watchdog=(\\d+)");
    private static final String TOPIC = Topics.FLEET_DESIRED;

    private Path dir;
    private LocalStack stack;

    @AfterEach
    void cleanUp() throws Exception {
        if (stack != null) {
            stack.close();
        }
        // The kept directory and the reachable temporary directory made for it (reachableTempDir).
        Path made = dir == null ? null : dir.getParent();
        if (made != null && Files.exists(made)) {
            try (Stream<Path> walk = Files.walk(made)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void keptData_survivesACleanCloseAndTheOwnersSigkill() throws Exception {
        dir = reachableTempDir().resolve("state");

        stack = LocalStack.start(LocalStackOptions.defaults().persistentIn(dir));
        String clusterId = stack.kafkaClusterId();
        String bootstrap = stack.kafkaBootstrapServers();
        String jdbc = stack.jdbcUrl();
        execute(stack, "create table kept (note text)", "insert into kept values ('before the clean close')");
        produce(bootstrap, "before the clean close");
        stack.close();
        stack = null;
        assertTrue(Files.isDirectory(dir.resolve("postgres").resolve("data")), "the data outlived close()");

        stack = LocalStack.start(LocalStackOptions.defaults().persistentIn(dir));
        assertEquals(clusterId, stack.kafkaClusterId(), "a second start reuses Kafka's cluster id");
        assertEquals(bootstrap, stack.kafkaBootstrapServers(), "and its port, which is still free");
        assertEquals(jdbc, stack.jdbcUrl());
        assertEquals(List.of("before the clean close"), notes(stack));
        assertEquals(List.of("before the clean close"), records(stack.kafkaBootstrapServers()));
        stack.close();
        stack = null;

        killedOwnerWrites(dir, "before the owner's SIGKILL");

        stack = LocalStack.start(LocalStackOptions.defaults().persistentIn(dir));
        assertEquals(clusterId, stack.kafkaClusterId());
        assertEquals(List.of("before the clean close", "before the owner's SIGKILL"), notes(stack));
        assertEquals(List.of("before the clean close", "before the owner's SIGKILL"),
                records(stack.kafkaBootstrapServers()));
    }

    /** State kept by an older {@code up}: a cluster that trusted every local user, a role with the old password. */
    @Test
    void aKeptClusterThatTrustsEveryone_isMovedToPasswordsOnStart_keepingItsData() throws Exception {
        dir = reachableTempDir().resolve("state");
        stack = LocalStack.start(LocalStackOptions.defaults().persistentIn(dir));
        execute(stack, "create table kept (note text)", "insert into kept values ('from the trust era')");
        stack.close();
        stack = null;
        Path data = dir.resolve("postgres").resolve("data");
        Path hba = data.resolve("pg_hba.conf");
        Files.writeString(hba, Files.readString(hba).replace("scram-sha-256", "trust"));
        Files.delete(dir.resolve("postgres").resolve(PostgresPasswords.SUPERUSER_FILE));
        Files.delete(dir.resolve("postgres").resolve(PostgresPasswords.FLEETPLANE_FILE));

        stack = LocalStack.start(LocalStackOptions.defaults().persistentIn(dir));

        assertEquals(List.of("from the trust era"), notes(stack));
        assertFalse(Files.readString(hba).lines().anyMatch(l -> !l.startsWith("#") && l.contains("trust")),
                Files.readString(hba));
        String adminUrl = stack.jdbcUrl().replace("/fleetplane", "/postgres");
        var refused = assertThrows(java.sql.SQLException.class,
                () -> FleetplaneDatabase.connect(adminUrl, stack.postgresSuperuser(), "").close());
        assertTrue(List.of("28P01", "08004").contains(refused.getSQLState()), refused.getMessage());
        assertThrows(java.sql.SQLException.class,
                () -> FleetplaneDatabase.connect(stack.jdbcUrl(), stack.jdbcUser(), "fleetplane").close());
        try (Connection c = FleetplaneDatabase.connect(adminUrl, stack.postgresSuperuser(),
                Files.readString(dir.resolve("postgres").resolve(PostgresPasswords.SUPERUSER_FILE)).strip())) {
            assertTrue(c.isValid(2));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("postgres").resolve(PostgresPasswords.SUPERUSER_FILE))));
    }

    /** The superuser's password file is what the stack has to reach a kept cluster that wants passwords. */
    @Test
    void aKeptClusterWithoutItsPasswordFile_isRefusedNamingTheFile() throws Exception {
        dir = reachableTempDir().resolve("state");
        stack = LocalStack.start(LocalStackOptions.defaults().persistentIn(dir));
        stack.close();
        stack = null;
        Path file = dir.resolve("postgres").resolve(PostgresPasswords.SUPERUSER_FILE);
        Files.delete(file);

        var e = assertThrows(LocalStackException.class, () -> LocalStack.start(LocalStackOptions.defaults()
                .persistentIn(dir)));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("is missing"), e.getMessage());
    }

    @Test
    void aDirectoryThatIsNotAStacks_isRefusedAndLeftAlone() throws Exception {
        dir = reachableTempDir().resolve("state");
        Files.createDirectories(dir);
        Path precious = Files.writeString(dir.resolve("notes.txt"), "mine");
        var e = assertThrows(LocalStackException.class,
                () -> LocalStack.start(LocalStackOptions.defaults().persistentIn(dir)));
        assertTrue(e.getMessage().contains("was not made by a local stack"), e.getMessage());
        assertEquals("mine", Files.readString(precious));
    }

    /** A child JVM runs the stack on {@code dir}, writes a row and a record, and is SIGKILLed. */
    private static void killedOwnerWrites(Path dir, String note) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path stderr = Files.createTempFile("fleetplane-persist-it-", ".log");
        Process owner = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LocalStackMain.class.getName(), "--persistent-dir", dir.toString())
                .redirectError(stderr.toFile()).start();
        try {
            List<String> lines = new ArrayList<>();
            var reader = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8));
            boolean ready = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line; (line = reader.readLine()) != null; ) {
                        lines.add(line);
                        if (line.equals("ready")) {
                            return true;
                        }
                    }
                    return false;
                } catch (java.io.IOException e) {
                    return false;
                }
            }).get(90, TimeUnit.SECONDS);
            if (!ready) {
                fail("the owner JVM never printed 'ready': " + lines + "\n" + Files.readString(stderr));
            }
            String bootstrap = value(lines, "kafka: ");
            String jdbc = value(lines, "postgres: ").split(" ")[0];
            try (Connection c = FleetplaneDatabase.connect(jdbc, FleetplaneDatabase.USER, Files.readString(dir.resolve("postgres").resolve(dev.fleetplane.localstack.postgres.PostgresPasswords.FLEETPLANE_FILE)).strip());
                 var insert = c.prepareStatement("insert into kept values (?)")) {
                insert.setString(1, note);
                insert.executeUpdate();
            }
            produce(bootstrap, note);
            Matcher m = lines.stream().map(PIDS::matcher).filter(Matcher::matches).findFirst()
                    .orElseThrow(() -> new AssertionError("no pids line in " + lines));

            owner.destroyForcibly(); // SIGKILL: no shutdown hook runs; the watchdog and the broker notice
            assertTrue(owner.waitFor(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 3; i++) {
                awaitGone(Long.parseLong(m.group(i)), Duration.ofSeconds(30));
            }
            assertTrue(Files.isDirectory(dir.resolve("kafka").resolve("data")), "the watchdog kept the data");
        } finally {
            owner.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }

    private static String value(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in " + lines));
    }

    private static void awaitGone(long pid, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                fail("pid " + pid + " outlived its killed owner by " + bound.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    private static Path reachableTempDir() throws Exception {
        // As root, PostgreSQL runs as user postgres, who must be able to walk into the kept directory.
        Path tmp = Files.createTempDirectory(Path.of("/tmp"), "fleetplane-persist-it-");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tmp;
    }

    private static void execute(LocalStack stack, String... sql) throws Exception {
        try (Connection c = FleetplaneDatabase.connect(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
             Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    private static List<String> notes(LocalStack stack) throws Exception {
        List<String> notes = new ArrayList<>();
        try (Connection c = FleetplaneDatabase.connect(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select note from kept order by ctid")) {
            while (rs.next()) {
                notes.add(rs.getString(1));
            }
        }
        return notes;
    }

    private static void produce(String bootstrap, String value) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "fleet", value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Every record of the topic, from the beginning. */
    private static List<String> records(String bootstrap) {
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
