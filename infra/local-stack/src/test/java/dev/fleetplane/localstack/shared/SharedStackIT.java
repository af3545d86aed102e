package dev.fleetplane.localstack.shared;

import dev.fleetplane.events.Topics;
import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.localstack.postgres.FleetplaneDatabase;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One stack for many test JVMs of one Maven run: started once, found by the JVMs that come after and reset for each,
 * gone with its owner; a lease left by a Maven run that is gone is taken over. A {@code sleep} stands in for Maven.
 */
class SharedStackIT {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final TopicPartition PVE_EVENTS_0 = new TopicPartition(Topics.PVE_EVENTS, 0);

    private final List<Process> started = new ArrayList<>();
    private Path root;

    @BeforeEach
    void root() throws IOException {
        root = Files.createDirectories(Path.of("target")).resolve("shared-stack-it-" + System.nanoTime());
    }

    @AfterEach
    void stopEverything() throws Exception {
        started.forEach(Process::destroyForcibly);
        for (Process p : started) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        // The servers stop with their owners; wait for that before the directory goes.
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    Lease.read(dir).ifPresent(lease -> awaitGone(lease.serverPid(), "server"));
                }
            }
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void twoJvms_findOneStack_theLaterOneFindsItReset_andItGoesWithItsOwner() throws Exception {
        Process maven = fakeMaven();
        List<Process> attachers = List.of(attachInAnotherJvm(maven), attachInAnotherJvm(maven));
        List<String> outputs = new ArrayList<>();
        for (Process attacher : attachers) {
            outputs.add(outputOf(attacher));
        }
        assertEquals(outputs.get(0), outputs.get(1), "both JVMs attach to the same server and Kafka: " + outputs);

        Lease lease = SharedStack.attach(root, maven.toHandle());
        assertTrue(outputs.get(0).startsWith("attached: server=" + lease.serverPid() + " "), outputs.get(0));
        leaveState(lease.endpoints());

        String later = outputOf(attachInAnotherJvm(maven));
        assertEquals(outputs.get(0), later, "the later JVM attaches to the same stack");
        assertClean(lease.endpoints());

        maven.destroy();
        awaitGone(lease.serverPid(), "shared stack server");
        awaitGone(lease.kafkaPid(), "Kafka broker");
        awaitGone(lease.postgresPid(), "postmaster");
        Path leaseDir = root.resolve(maven.pid() + "-" + Processes.startMillis(maven.toHandle()));
        assertFalse(Files.exists(leaseDir.resolve(Lease.FILE)), "the lease is withdrawn");
    }

    @Test
    void leaseOfAMavenThatIsGone_isRemoved_andADeadServerIsReplaced() throws Exception {
        Process goneMaven = fakeMaven();
        long goneStart = Processes.startMillis(goneMaven.toHandle());
        goneMaven.destroyForcibly().waitFor();
        Path stale = Files.createDirectories(root.resolve(goneMaven.pid() + "-" + goneStart));
        deadLease(goneMaven.pid(), goneStart).write(stale);

        Process maven = fakeMaven();
        Path mine = Files.createDirectories(root.resolve(maven.pid() + "-" + Processes.startMillis(maven.toHandle())));
        deadLease(goneMaven.pid(), goneStart).write(mine);

        Lease lease = SharedStack.attach(root, maven.toHandle());

        assertFalse(Files.exists(stale), "the lease of the Maven run that is gone is removed");
        assertNotEquals(goneMaven.pid(), lease.serverPid());
        assertTrue(lease.serverAlive(), "a new server replaces the dead one");
        assertEquals(lease, Lease.read(mine).orElseThrow());
        assertClean(lease.endpoints());
    }

    private Process fakeMaven() throws IOException {
        Process p = new ProcessBuilder("sleep", "600").start();
        started.add(p);
        return p;
    }

    private Process attachInAnotherJvm(Process maven) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-D" + SharedStack.OWNER_PROPERTY + "=" + maven.pid(),
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
                AttachMain.class.getName(), root.toString())
                .redirectErrorStream(true)
                .start();
        started.add(p);
        return p;
    }

    private static String outputOf(Process attacher) throws Exception {
        if (!attacher.waitFor(3, TimeUnit.MINUTES)) {
            fail("an attaching JVM did not finish in 3 min");
        }
        String output = new String(attacher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, attacher.exitValue(), output);
        return output.lines().filter(l -> l.startsWith("attached: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no 'attached:' line in\n" + output));
    }

    private static Lease deadLease(long serverPid, long serverStart) {
        return new Lease(new Endpoints("127.0.0.1:1", "jdbc:postgresql://127.0.0.1:1/fleetplane", "fleetplane", ""),
                1, "postgres", "00", serverPid, serverStart, serverPid, serverPid);
    }

    /** What a module's tests leave behind: a record, a committed offset, a table. */
    private static void leaveState(Endpoints endpoints) throws Exception {
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.PVE_EVENTS, 0, "web", "left over")).get(30, TimeUnit.SECONDS);
        }
        try (Admin admin = admin(endpoints)) {
            admin.alterConsumerGroupOffsets("left-over", Map.of(PVE_EVENTS_0, new OffsetAndMetadata(1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (Connection c = FleetplaneDatabase.connect(endpoints.jdbcUrl(), endpoints.jdbcUser(), endpoints.jdbcPassword());
             Statement s = c.createStatement()) {
            s.execute("create schema planner");
            s.execute("create table planner.left_over(id int)");
        }
    }

    @SuppressWarnings("deprecation")
    private static void assertClean(Endpoints endpoints) throws Exception {
        try (Admin admin = admin(endpoints)) {
            var topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertTrue(topics.containsAll(Topics.allWithDeadLetters().stream().map(Topics.TopicSpec::name).toList()),
                    "every declared topic exists: " + topics);
            long end = admin.listOffsets(Map.of(PVE_EVENTS_0, OffsetSpec.latest())).partitionResult(PVE_EVENTS_0)
                    .get(30, TimeUnit.SECONDS).offset();
            assertEquals(0, end, "no record left on " + Topics.PVE_EVENTS);
            assertTrue(admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId).noneMatch("left-over"::equals), "no consumer group left");
        }
        try (Connection c = FleetplaneDatabase.connect(endpoints.jdbcUrl(), endpoints.jdbcUser(), endpoints.jdbcPassword());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from information_schema.schemata where schema_name = 'planner'")) {
            assertTrue(rs.next());
            assertEquals(0, rs.getInt(1), "the database is empty again");
        }
    }

    private static Admin admin(Endpoints endpoints) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers()));
    }

    private static void awaitGone(long pid, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                fail(what + " (pid " + pid + ") still runs " + BOUND.toSeconds() + " s after its owner went");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
