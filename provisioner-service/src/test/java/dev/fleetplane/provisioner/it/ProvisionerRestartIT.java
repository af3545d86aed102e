package dev.fleetplane.provisioner.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The packaged provisioner killed with SIGKILL while a rebuild runs on the guest, then started again: it resumes the
 * saga at its step (the rebuild, run again because the switch never happened), and the host is provisioned once, with
 * each event published once. A real process, real Kafka and PostgreSQL, a real guest.
 */
class ProvisionerRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<FleetEvent> events = new CopyOnWriteArrayList<>();

    @Test
    void provisionerKilledInTheMiddleOfARebuild_resumesThere_andProvisionsTheHostOnce() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is built by `mvn package` before the ITs run");
        SimulatedGuests guests = new SimulatedGuests();
        Map<String, String> settings = guests.start();
        Path logs = Files.createTempDirectory("fleetplane-provisioner-restart-");
        Process first = null;
        Process second = null;
        try (LocalStack stack = LocalStack.start(LocalStackOptions.defaults());
             AgentRelay relay = new AgentRelay(stack.kafkaBootstrapServers(), SimulatedGuests.pve)) {
            Thread collector = collect(stack.kafkaBootstrapServers());
            int port = freePort();
            first = launch(jar, stack, settings, port, logs.resolve("first.log"));
            awaitReady(port, first, logs.resolve("first.log"));
            int vmid = 401;
            String host = "phoenix";
            SimulatedGuests.startVm(vmid, host);
            Path runs = SimulatedGuests.sim.guestDir(vmid).orElseThrow().resolve("root/rebuild-runs");
            FleetEvent command = provision(stack, host, vmid,
                    "echo run >> /root/rebuild-runs && sleep 5 && nixos-rebuild switch --flake /etc/nixos#{host}");

            await().atMost(WAIT).until(() -> Files.exists(runs));
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop, the SSH connection just dies
            assertTrue(first.waitFor(20, TimeUnit.SECONDS));
            second = launch(jar, stack, settings, port, logs.resolve("second.log"));
            awaitReady(port, second, logs.resolve("second.log"));

            await().atMost(WAIT).until(() -> count(host, command, EventCatalog.PROVISIONING_SUCCEEDED) == 1);
            Thread.sleep(1000); // anything published twice would show by now
            assertEquals(1, count(host, command, EventCatalog.IP_RESOLVED));
            assertEquals(1, count(host, command, EventCatalog.REBUILD_SUCCEEDED));
            assertEquals(1, count(host, command, EventCatalog.HOST_KEY_DISCOVERED));
            assertEquals(1, count(host, command, EventCatalog.PROVISIONING_SUCCEEDED));
            assertEquals(0, count(host, command, EventCatalog.PROVISIONING_FAILED));
            assertEquals(List.of("run", "run"), Files.readAllLines(runs),
                    "the killed run's switch never happened, so the resumed saga ran the rebuild again");
            String saga = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sagas/" + host))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(saga.contains("\"state\":\"succeeded\"") && saga.contains("\"rebuildRuns\":2"), saga);
            assertTrue(Files.readString(logs.resolve("second.log")).contains("resuming step rebuilding"),
                    "the second process resumed the saga it found in PostgreSQL");
            collector.interrupt();
        } catch (AssertionError | RuntimeException e) {
            for (String name : new String[] {"first.log", "second.log"}) {
                Path log = logs.resolve(name);
                if (Files.exists(log)) {
                    List<String> lines = Files.readAllLines(log);
                    System.out.println("---- " + name + " (last 60 lines)");
                    lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
                }
            }
            throw e;
        } finally {
            for (Process p : new Process[] {first, second}) {
                if (p != null && p.isAlive()) {
                    p.destroy();
                    if (!p.waitFor(20, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
            guests.stop();
            try (var files = Files.walk(logs)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private long count(String host, FleetEvent command, dev.fleetplane.events.EventKind<?> kind) {
        return events.stream().filter(e -> e.is(kind) && host.equals(e.subject())
                && command.correlationId().equals(e.correlationId())).count();
    }

    private Thread collect(String bootstrap) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "restart-it-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Thread t = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(Topics.PROVISIONING_EVENTS));
                while (!Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        events.add(CloudEventsKafkaCodec.decode(r.headers(), r.value()));
                    }
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                // the test is done
            }
        }, "restart-it-collector");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static FleetEvent provision(LocalStack stack, String host, int vmid, String rebuild) throws Exception {
        FleetEvent command = FleetEvent.create(EventCatalog.PROVISION_HOST, "/fleetplane/planner", host,
                new ProvisionHost(host, SimulatedGuests.NODE, vmid, SimulatedGuests.ADMIN, rebuild, true),
                "plan-" + UUID.randomUUID());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(CloudEventsKafkaCodec.toRecord(Topics.PROVISIONING_COMMANDS, host, command))
                    .get(10, TimeUnit.SECONDS);
        }
        return command;
    }

    private static Process launch(Path jar, LocalStack stack, Map<String, String> settings, int port, Path log)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrapServers());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", stack.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", stack.jdbcUser());
        env.put("QUARKUS_DATASOURCE_PASSWORD", stack.jdbcPassword());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("FLEETPLANE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        settings.forEach((k, v) -> env.put(k.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_"), v));
        return pb.start();
    }

    private void awaitReady(int port, Process p, Path log) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new AssertionError("the provisioner exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the provisioner was not ready within 60 s: " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
