package dev.fleetplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * No secret anywhere: {@code ./fleetplane up --kafka-auth} on the simulator, the example fleet pushed and applied until
 * its hosts are Ready, a viewer token added; then every secret the stack knows (the Proxmox token's secret, the fleet's
 * SSH private key, the console user's password, PostgreSQL's two passwords, the six Kafka users' passwords, the
 * operator, console and viewer tokens) is
 * looked for in every file under the stack's directories (logs, state, Kafka's and PostgreSQL's data), every record
 * of every topic, every row of every table of the fleetplane database, and every process's command line and
 * environment on the machine. It may only rest in the files meant to hold it, each of mode 0600.
 * (The demo fleet has no Tailscale step: the provisioner's Tailscale enrolment is off on {@code up};
 * {@code TailscaleEnrolmentIT} searches for those credentials where they are used.)
 */
class SecretsE2EIT {

    private static final Duration SETTLE = Duration.ofMinutes(4);

    @Test
    void aRunningFleet_holdsItsSecretsOnlyInTheirOwnPrivateFiles() throws Exception {
        // With Kafka's users and ACLs on (up --kafka-auth): the services log in, and their passwords are secrets too.
        try (UpStack stack = new UpStack("secrets").start(Duration.ofMinutes(5), "--kafka-auth")) {
            String pushed = stack.cli("push", "examples/hosts.nix", "--wait");
            var apply = java.util.regex.Pattern.compile("apply it with: fleetplane apply (\\S+)").matcher(pushed);
            assertTrue(apply.find(), "push left no plan waiting for apply:\n" + pushed);
            stack.cli("apply", apply.group(1));
            String viewerToken = tokenIn(stack.cli(false, "token", "add", "secrets-viewer", "--roles", "viewer"));
            awaitReady(stack, List.of("web", "db"));

            // Where up says things are: the work directory holds the pve-token file it names (not the token).
            Path pveTokenFile = Path.of(stack.address("pve-token"));
            Path work = pveTokenFile.getParent();
            Path home = stack.dir().resolve("home");
            Path postgres = postgresDir(stack.address("postgres"));
            Properties adapter = properties(work.resolve("secrets/proxmox-adapter.properties"));
            Properties gateway = properties(work.resolve("secrets/console-gateway.properties"));
            String key = Files.readString(work.resolve("fleet_ed25519"));

            Map<String, String> secrets = new LinkedHashMap<>();
            secrets.put("the Proxmox token's secret", adapter.getProperty("PVE_TOKEN_SECRET"));
            secrets.put("the console user's Proxmox password", gateway.getProperty("PVE_CONSOLE_PASSWORD"));
            secrets.put("the fleetplane database password", adapter.getProperty("quarkus.datasource.password"));
            secrets.put("PostgreSQL's superuser password", Files.readString(postgres.resolve("superuser.password")).strip());
            secrets.put("the operator token", Files.readString(home.resolve("operator-token")).strip());
            secrets.put("the console token", Files.readString(home.resolve("console-token")).strip());
            secrets.put("a viewer token", viewerToken);
            // The key's body: its longest base64 line, unique to this key.
            secrets.put("the fleet's SSH private key", key.lines().filter(l -> !l.startsWith("-----"))
                    .max(java.util.Comparator.comparingInt(String::length)).orElseThrow());
            // The broker's directory (its server.properties, the users' password files, its data and log).
            Path kafka = kafkaDir(stack.address("kafka"));
            List<Path> kafkaPasswords;
            try (Stream<Path> files = Files.list(kafka.resolve("users"))) {
                kafkaPasswords = files.filter(f -> f.getFileName().toString().endsWith(".password")).sorted().toList();
            }
            assertEquals(6, kafkaPasswords.size(), "the admin and five services: " + kafkaPasswords);
            for (Path f : kafkaPasswords) {
                secrets.put("Kafka's password of " + f.getFileName().toString().replace(".password", ""),
                        Files.readString(f).strip());
            }
            secrets.forEach((what, value) -> assertTrue(value != null && value.length() >= 16, what + ": " + value));
            assertEquals(adapter.getProperty("PVE_TOKEN_SECRET"),
                    Files.readString(pveTokenFile).strip().substring(Files.readString(pveTokenFile).indexOf('=') + 1));
            assertTrue(stack.output().stream().noneMatch(l -> secrets.values().stream().anyMatch(l::contains)),
                    "up printed a secret on the terminal");

            // The files meant to hold a secret: each 0600, and the only place it may appear.
            Set<Path> holders = new java.util.HashSet<>(kafkaPasswords);
            // The broker's own configuration holds the admin's password (its listeners log in with it).
            holders.add(kafka.resolve("server.properties"));
            if (Files.exists(kafka.resolve("admin.scram"))) {
                holders.add(kafka.resolve("admin.scram"));
            }
            holders.addAll(Set.of(pveTokenFile, work.resolve("fleet_ed25519"),
                    work.resolve("secrets/planner-service.properties"), work.resolve("secrets/proxmox-adapter.properties"),
                    work.resolve("secrets/provisioner-service.properties"),
                    work.resolve("secrets/template-builder.properties"),
                    work.resolve("secrets/console-gateway.properties"), postgres.resolve("superuser.password"),
                    postgres.resolve("fleetplane.password"), home.resolve("operator-token"),
                    home.resolve("console-token")));
            for (Path holder : holders) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(holder)),
                        holder + " holds a secret");
            }

            List<String> hits = new ArrayList<>();
            Map<String, Integer> searched = new TreeMap<>();
            searchFiles(List.of(work, stack.dir(), postgres, kafka.getParent()), holders, secrets, hits, searched);
            searchTopics(stack.address("kafka"), secrets.get("Kafka's password of fleetplane-admin"), secrets, hits,
                    searched);
            searchTables(stack.address("postgres"), secrets.get("the fleetplane database password"), secrets, hits,
                    searched);
            searchProcesses(secrets, hits, searched);

            System.out.println("[secrets-e2e] searched for " + secrets.size() + " secrets (" + secrets.keySet() + "): "
                    + searched);
            assertTrue(searched.get("files") > 20 && searched.get("records") > 50 && searched.get("rows") > 10
                    && searched.get("processes") > 5, "searched too little to mean anything: " + searched);
            assertEquals(List.of(), hits, "secrets found outside their files");
        }
    }

    private static void awaitReady(UpStack stack, List<String> hosts) throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = stack.cli(false, "status");
            String text = status;
            if (hosts.stream().allMatch(h -> text.lines().anyMatch(l -> l.startsWith(h + " ") && l.contains(" Ready ")))) {
                System.out.println("[secrets-e2e] " + status.replace("\n", "\n[secrets-e2e] "));
                return;
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("hosts " + hosts + " not Ready within " + SETTLE + ":\n" + status);
    }

    /**
     * PostgreSQL's directory of the stack (inside the work directory, or its own under /tmp when user postgres cannot
     * reach that): the parent of the data directory its postmaster, the process listening on the port, was given.
     */
    private static Path postgresDir(String jdbcUrl) throws IOException {
        String port = jdbcUrl.replaceAll("^jdbc:postgresql://[^:]+:(\\d+)/.*$", "$1");
        return processArgs(args -> {
            int d = args.indexOf("-D");
            return args.get(0).endsWith("/postgres") && d >= 0 && String.join(" ", args).contains("-p " + port + " ")
                    ? Path.of(args.get(d + 1)).getParent() : null;
        }).orElseThrow(() -> new AssertionError("no postmaster listens on port " + port + " (" + jdbcUrl + ")"));
    }

    /**
     * The local broker's directory: the one holding the {@code server.properties} its JVM was started with
     * ({@code BrokerMain <properties> …}) whose listeners name the bootstrap port.
     */
    private static Path kafkaDir(String bootstrap) throws IOException {
        String port = bootstrap.replaceAll("^.*:(\\d+)$", "$1");
        return processArgs(args -> {
            int main = args.indexOf("dev.fleetplane.localstack.kafka.BrokerMain");
            if (main < 0 || main + 1 >= args.size()) {
                return null;
            }
            Path properties = Path.of(args.get(main + 1));
            return Files.readString(properties).contains(":" + port) ? properties.getParent() : null;
        }).orElseThrow(() -> new AssertionError("no local Kafka broker listens on " + bootstrap));
    }

    /** What a process's command line says, read as a list of arguments; null: not the one looked for. */
    private interface ArgsMatch {
        Path match(List<String> args) throws IOException;
    }

    /** The first non-null answer of {@code match} over the command lines of the machine's processes. */
    private static java.util.Optional<Path> processArgs(ArgsMatch match) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                try {
                    List<String> args = List.of(new String(Files.readAllBytes(proc.resolve("cmdline")),
                            StandardCharsets.UTF_8).split("\0"));
                    Path found = args.isEmpty() ? null : match.match(args);
                    if (found != null) {
                        return java.util.Optional.of(found);
                    }
                } catch (IOException gone) {
                    // exited while we looked, or not a file we may read
                }
            }
        }
        return java.util.Optional.empty();
    }

    private static String tokenIn(String tokenAddOutput) {
        return tokenAddOutput.lines().map(String::strip).filter(l -> l.matches("[A-Za-z0-9_-]{32,}")).findFirst()
                .orElseThrow(() -> new AssertionError("token add printed no token (its output is not echoed)"));
    }

    private static Properties properties(Path file) throws IOException {
        var p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }

    /** Every regular file but the holders; Kafka's sparse index files hold offsets, not data. */
    private static void searchFiles(List<Path> roots, Set<Path> holders, Map<String, String> secrets, List<String> hits,
                                    Map<String, Integer> searched) throws IOException {
        Set<Path> seen = new java.util.HashSet<>();
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            // A file or directory the services remove while we walk (a temporary one) is skipped, not an error.
            Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
                    if (a.isRegularFile() && seen.add(f.toAbsolutePath().normalize())) {
                        files.add(f);
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        }
        for (Path f : files) {
            if (holders.contains(f) || f.toString().endsWith(".index") || f.toString().endsWith(".timeindex")) {
                continue;
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException gone) {
                continue; // removed since the walk
            }
            searched.merge("files", 1, Integer::sum);
            searched.merge("file bytes", bytes.length, Integer::sum);
            if (f.toString().endsWith(".log") && !f.toString().contains("/kafka/data/")) {
                searched.merge("log files", 1, Integer::sum);
            }
            find(new String(bytes, StandardCharsets.ISO_8859_1), "file " + f, secrets, hits);
        }
    }

    /** Every record of every topic from its start, with a consumer of no group, as anyone could. */
    /** Every record of every topic, read as the broker's admin (the services' users may read only their own). */
    private static void searchTopics(String bootstrap, String adminPassword, Map<String, String> secrets,
                                     List<String> hits, Map<String, Integer> searched) {
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fleetplane-admin\""
                        + " password=\"" + adminPassword + "\";"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (List<PartitionInfo> infos : consumer.listTopics(Duration.ofSeconds(20)).values()) {
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(20));
            searched.put("topics", (int) partitions.stream().map(TopicPartition::topic).distinct().count());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertTrue(System.nanoTime() < deadline, "could not read every topic to its end within 60 s");
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    searched.merge("records", 1, Integer::sum);
                    var text = new StringBuilder();
                    text.append(r.key() == null ? "" : new String(r.key(), StandardCharsets.ISO_8859_1)).append('\n')
                            .append(r.value() == null ? "" : new String(r.value(), StandardCharsets.ISO_8859_1));
                    for (Header h : r.headers()) {
                        text.append('\n').append(h.key()).append('=')
                                .append(h.value() == null ? "" : new String(h.value(), StandardCharsets.ISO_8859_1));
                    }
                    find(text.toString(), "record " + r.topic() + "-" + r.partition() + "@" + r.offset(), secrets, hits);
                }
            }
        }
    }

    /** Every row of every table of every schema of the fleetplane database, as text. */
    private static void searchTables(String jdbcUrl, String password, Map<String, String> secrets, List<String> hits,
                                     Map<String, Integer> searched) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "fleetplane", password)) {
            List<String> tables = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select table_schema, table_name"
                    + " from information_schema.tables where table_type = 'BASE TABLE'"
                    + " and table_schema not in ('pg_catalog', 'information_schema')")) {
                while (rs.next()) {
                    tables.add("\"" + rs.getString(1) + "\".\"" + rs.getString(2) + "\"");
                }
            }
            searched.put("tables", tables.size());
            for (String table : tables) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select t::text from " + table + " t")) {
                    while (rs.next()) {
                        searched.merge("rows", 1, Integer::sum);
                        find(rs.getString(1), "a row of " + table, secrets, hits);
                    }
                }
            }
        }
    }

    /** Every process on the machine: its command line and its environment (the stack's are among them). */
    private static void searchProcesses(Map<String, String> secrets, List<String> hits, Map<String, Integer> searched)
            throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                if (!proc.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                    String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
                    searched.merge("processes", 1, Integer::sum);
                    String who = "process " + proc.getFileName() + " (" + cmdline.replace('\0', ' ')
                            .substring(0, Math.min(120, cmdline.length())) + ")";
                    find(cmdline, "the command line of " + who, secrets, hits);
                    find(environ, "the environment of " + who, secrets, hits);
                } catch (IOException gone) {
                    // exited while we looked, or a kernel thread
                }
            }
        }
    }

    /** Records where a secret is found, naming the secret by what it is, never by its value. */
    private static void find(String text, String where, Map<String, String> secrets, List<String> hits) {
        secrets.forEach((what, value) -> {
            if (text.contains(value)) {
                hits.add(what + " in " + where);
            }
        });
    }
}
