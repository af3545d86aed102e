package dev.fleetplane.cli;

import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackOptions;
import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.pvesim.GuestSsh;
import dev.fleetplane.pvesim.NodeSsh;
import dev.fleetplane.pvesim.nodessh.NodeSshEndpoint;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.PveSimulatorBuilder;
import dev.fleetplane.pvesim.faults.Faults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Everything {@code up} and {@code demo} run: Kafka and PostgreSQL (the local stack, or existing ones), Proxmox
 * (the simulator with real-sshd guests, or a real cluster), and the five services, on loopback. Closing it stops all
 * of them in reverse order; a throwaway stack also deletes its work directory, a persistent one keeps its data.
 * Nothing outlives it, even when this JVM is killed (each child watches it).
 */
final class FleetStack implements AutoCloseable {

    static final String TOKEN_ID = "root@pam!fleetplane";
    /** The simulator's console user: a ticket login with VM.Console and VM.Audit on /vms, nothing else. */
    static final String CONSOLE_USER = "fleetplane-console@pve";
    /** The operator's console token, in the fleet home ({@code up}) or the work directory ({@code demo}). */
    static final String CONSOLE_TOKEN_FILE = "console-token";
    /** The operator's API token, in the fleet home ({@code up}, kept across restarts) or the work directory. */
    static final String OPERATOR_TOKEN_FILE = "operator-token";
    /** The simulator's API token ({@code root@pam!fleetplane=<secret>}, mode 600) in the work directory. */
    static final String PVE_TOKEN_FILE = "pve-token";
    /**
     * Each service's secrets, {@code secrets/<service>.properties} (mode 600, directory 700) in the work directory:
     * read by that service alone as a Quarkus config location, never in an environment or on a command line.
     */
    static final String SECRETS_DIR = "secrets";
    static final List<String> SERVICES =
            List.of("planner-service", "proxmox-adapter", "provisioner-service", "template-builder", "console-gateway");

    /**
     * What to start and where; a port of 0 means any free port. {@code consoleTokenDir} is where the operator's
     * console token is written ({@code up}: the fleet home, where {@code fleetplane console} finds it); empty: the
     * work directory, thrown away with it ({@code demo}).
     */
    record Options(Path repo, Map<String, Integer> servicePorts, Proxmox proxmox, Data data,
                   Optional<Path> consoleTokenDir, int replicas) {

        Options(Path repo, Map<String, Integer> servicePorts, Proxmox proxmox, Data data,
                Optional<Path> consoleTokenDir) {
            this(repo, servicePorts, proxmox, data, consoleTokenDir, 1);
        }

        /** How many processes of {@code service} run: {@link #replicas} of those that share work, one of the others. */
        int replicasOf(String service) {
            return REPLICATED.contains(service) ? replicas : 1;
        }
    }

    /**
     * The services that may run as several replicas (docs/scaling.md): the template builder's commands topic has one
     * partition and its builds resume globally at start; the console gateway holds each VM's line in its memory.
     */
    static final List<String> REPLICATED = List.of("planner-service", "proxmox-adapter", "provisioner-service");

    /** Which Proxmox the adapter talks to. */
    sealed interface Proxmox permits Simulated, Real {
    }

    /** The built-in simulator, at a pace a person can follow. */
    record Simulated(int pvePort, Path pveSeed, Duration cloneTime, Duration startTime, Duration guestBoot,
                     int guestSshPort, Optional<String> chaos) implements Proxmox {

        Simulated(int pvePort, Path pveSeed, Duration cloneTime, Duration startTime, Duration guestBoot, int guestSshPort) {
            this(pvePort, pveSeed, cloneTime, startTime, guestBoot, guestSshPort, Optional.empty());
        }
    }

    /**
     * A real cluster; the provisioner logs into its guests with {@code sshIdentity} on {@code sshPort}; the console
     * gateway logs in as {@code console} (empty: the gateway has no console user and opens no consoles).
     */
    record Real(PveConnection connection, Path sshIdentity, int sshPort, Optional<ConsoleUser> console)
            implements Proxmox {
    }

    /** The Proxmox user the console gateway logs in as (ticket login; VM.Console and VM.Audit). */
    record ConsoleUser(String username, String password) {
        @Override
        public String toString() {
            return "ConsoleUser[" + username + "]"; // never the password
        }
    }

    /**
     * Where Kafka and PostgreSQL come from: the local stack on {@code kafkaPort}/{@code postgresPort}, throwaway or
     * kept in {@code keepIn}; or {@code external} ones. With {@code kafkaAuth} the local broker takes SASL/SCRAM
     * users and ACLs (local-stack's {@code KafkaAuth}, {@code KafkaAcls}) and each service logs in as its own user.
     */
    record Data(int kafkaPort, int postgresPort, Optional<StateDirectory> keepIn, Optional<Endpoints> external,
                boolean kafkaAuth) {
        Data(int kafkaPort, int postgresPort, Optional<StateDirectory> keepIn, Optional<Endpoints> external) {
            this(kafkaPort, postgresPort, keepIn, external, false);
        }

        static Data throwaway(int kafkaPort, int postgresPort) {
            return new Data(kafkaPort, postgresPort, Optional.empty(), Optional.empty());
        }

        Data kafkaAuth(boolean on) {
            if (on && external.isPresent()) {
                throw new CliException("--kafka-auth turns on users and ACLs in the local stack's broker; an existing"
                        + " Kafka (--kafka) has its own: give each service its user with fleetplane.kafka.sasl.username"
                        + " and fleetplane.kafka.sasl.password-file (docs/threats.md)");
            }
            return new Data(kafkaPort, postgresPort, keepIn, external, on);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path workDir;
    private final boolean deleteWorkDir;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final List<ServiceProcess> services = new ArrayList<>();
    private LocalStack localStack;
    private PveSimulator simulator;
    private Path consoleToken;
    private Path operatorToken;
    /** Per service: the config keys it alone gets, written to its secrets file before it starts. */
    private final Map<String, Map<String, String>> secrets = new LinkedHashMap<>();

    private FleetStack(Path workDir, boolean deleteWorkDir) {
        this.workDir = workDir;
        this.deleteWorkDir = deleteWorkDir;
    }

    static FleetStack start(Options o, PrintStream progress) throws Exception {
        // Held (bound) until their owners start: the local stack picks free ports of its own meanwhile.
        Map<String, Ports.Held> ports = new LinkedHashMap<>();
        for (String s : SERVICES) {
            ports.put(s, Ports.hold(s, o.servicePorts().getOrDefault(s, 0)));
        }
        Ports.Held pvePort = o.proxmox() instanceof Simulated sim ? Ports.hold("the Proxmox simulator", sim.pvePort())
                : null;
        if (o.data().kafkaPort() != 0) {
            Ports.claim("Kafka", o.data().kafkaPort());
        }
        if (o.data().postgresPort() != 0) {
            Ports.claim("PostgreSQL", o.data().postgresPort());
        }
        Optional<StateDirectory> kept = o.data().keepIn();
        PreviousUp.cleanUp(progress);
        FleetStack stack = kept.isPresent() ? new FleetStack(kept.get().path(), false)
                : new FleetStack(Files.createTempDirectory("fleetplane-"), true);
        if (kept.isEmpty()) {
            PreviousUp.claim(stack.workDir); // a killed run's directory (fleet key, tokens) goes at the next start
        }
        try {
            stack.startAll(o, ports, pvePort, progress);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        } finally {
            ports.values().forEach(Ports.Held::close);
            if (pvePort != null) {
                pvePort.close();
            }
        }
    }

    private void startAll(Options o, Map<String, Ports.Held> ports, Ports.Held pvePort, PrintStream progress)
            throws Exception {
        Path logs = Files.createDirectories(workDir.resolve("logs"));
        Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwx------"));

        Endpoints data = startData(o.data(), progress);
        addresses.put("kafka", data.kafkaBootstrapServers());
        addresses.put("postgres", data.jdbcUrl());

        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", data.kafkaBootstrapServers());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", data.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", data.jdbcUser());
        // Secrets go to the one service that needs them, in a file; null drops what this JVM inherited.
        for (String s : List.of("QUARKUS_DATASOURCE_PASSWORD", "PVE_TOKEN_ID", "PVE_TOKEN_SECRET", "PVE_CONSOLE_PASSWORD",
                "PVE_CONSOLE_TOKEN_SECRET", "QUARKUS_CONFIG_LOCATIONS")) {
            env.put(s, null);
        }
        for (String s : SERVICES) {
            secret(s, "quarkus.datasource.password", data.jdbcPassword()); // every service keeps its tables
        }
        if (o.proxmox() instanceof Simulated sim) {
            pvePort.close();
            startSimulator(sim, pvePort.port(), o.repo(), env, progress);
        } else {
            useCluster((Real) o.proxmox(), o.repo(), env, progress);
        }
        consoleOperator(o.consoleTokenDir().orElse(workDir), env);
        apiOperator(o.consoleTokenDir().orElse(workDir), env);

        progress.println("starting " + String.join(", ", SERVICES) + " ...");
        for (String s : SERVICES) {
            ports.get(s).close();
            Map<String, String> own = new LinkedHashMap<>(withKafkaUser(env, s));
            own.put("QUARKUS_CONFIG_LOCATIONS", writeSecrets(s).toString());
            for (int replica = 1; replica <= o.replicasOf(s); replica++) {
                // The first replica on the service's port (what the CLI and the dashboard use), the others on free ones.
                int port = replica == 1 ? ports.get(s).port() : Ports.claim(s + " replica " + replica, 0);
                ServiceProcess p = ServiceProcess.start(o.repo(), s, replica == 1 ? s : s + "-" + replica, port, own,
                        logs);
                services.add(p);
                started.add(p);
            }
        }
        // Two cores: waiting in parallel costs nothing and lets the first ready service report early.
        ExecutorService waiters = Executors.newFixedThreadPool(services.size());
        try {
            List<Future<?>> ready = new ArrayList<>();
            for (ServiceProcess p : services) {
                ready.add(waiters.submit(() -> p.awaitReady(Duration.ofSeconds(180))));
            }
            for (Future<?> f : ready) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new CliException(e.getCause().toString());
                }
            }
        } finally {
            waiters.shutdownNow();
        }
        for (ServiceProcess p : services) {
            addresses.put(shortName(p.name), p.url());
        }
    }

    /** {@code env} plus the service's Kafka user and password file when the local broker has auth on. */
    private Map<String, String> withKafkaUser(Map<String, String> env, String service) {
        if (localStack == null || localStack.kafkaAuth().isEmpty()) {
            return env;
        }
        var out = new LinkedHashMap<>(env);
        String user = kafkaUser(service);
        out.put("FLEETPLANE_KAFKA_SASL_USERNAME", user);
        out.put("FLEETPLANE_KAFKA_SASL_PASSWORD_FILE", localStack.kafkaAuth().get().passwordFile(user).toString());
        return out;
    }

    /** The Kafka user of a service module: its {@code quarkus.application.name}. */
    static String kafkaUser(String service) {
        return service.replaceFirst("-service$", "");
    }

    private Endpoints startData(Data d, PrintStream progress) {
        if (d.external().isPresent()) {
            Endpoints e = d.external().get();
            progress.println("using Kafka at " + e.kafkaBootstrapServers() + " and PostgreSQL at " + e.jdbcUrl());
            ExternalStack.prepare(e, Duration.ofSeconds(30));
            return e;
        }
        LocalStackOptions options = LocalStackOptions.defaults().kafkaPort(d.kafkaPort()).postgresPort(d.postgresPort())
                .kafkaAuth(d.kafkaAuth());
        if (d.keepIn().isPresent()) {
            StateDirectory state = d.keepIn().get();
            progress.println((state.fresh() ? "new state directory " : "state directory ") + state.path()
                    + (state.fresh() ? "" : " (Kafka's log, plans, sagas and host keys from before)"));
            options = options.persistentIn(state.localStack());
        } else {
            options = options.workDir(workDir.resolve("local-stack"));
        }
        localStack = LocalStack.start(options);
        started.add(localStack);
        return localStack.endpoints();
    }

    private void startSimulator(Simulated o, int pvePort, Path repo, Map<String, String> env, PrintStream progress)
            throws IOException, InterruptedException {
        Path key = generateFleetKey();
        String tokenSecret = randomHex(16);
        String consolePassword = randomHex(16);
        PveSimulatorBuilder builder = PveSimulator.builder();
        // A fault drill: the simulator misbehaves as a busy cluster would (docs/fault-matrix.md).
        o.chaos().ifPresent(c -> builder.faults(Faults.chaosSetting("--sim-chaos", c)));
        simulator = builder
                .node("pve")
                .port(pvePort)
                .https(true) // like pveproxy on 8006: self-signed, the adapter pins its fingerprint
                .apiToken(TOKEN_ID, tokenSecret)
                // The console gateway's own login, as docs/console-terminal.md tells an operator to create it on a cluster.
                .user(CONSOLE_USER, consolePassword)
                .acl(CONSOLE_USER, "/vms", true, "VM.Console", "VM.Audit")
                .taskDuration(Duration.ofMillis(300))
                .taskDuration("qmclone", o.cloneTime())
                .taskDuration("qmstart", o.startTime())
                .guestBootDelay(o.guestBoot())
                .guestSsh(GuestSsh.of(Path.of(key + ".pub"), o.guestSshPort()))
                // As root, each guest is a network namespace whose DHCP address moves during its first switch; else
                // (the simulator says why) sshd on a loopback address, where addresses never move.
                .netnsGuests(true)
                // The node's sshd: the template builder copies its archives into the dump directory over SFTP.
                .nodeSsh(NodeSsh.fromFile(Path.of(key + ".pub")))
                .seedFile(o.pveSeed())
                // Every answered request, one line each (the fault matrix counts the clones per VM in it).
                .requestLog(workDir.resolve("logs").resolve("pve-requests.log"))
                .build()
                .start();
        started.add(simulator);
        addresses.put("pve-simulator", simulator.url());
        addresses.put("pve-fingerprint", simulator.fingerprint());
        addresses.put("pve-request-log", workDir.resolve("logs").resolve("pve-requests.log").toString());
        // Where the token is, not what it is: this is printed and written to stack.json.
        Path tokenFile = workDir.resolve(PVE_TOKEN_FILE);
        writePrivate(tokenFile, TOKEN_ID + "=" + tokenSecret + "\n");
        addresses.put("pve-token", tokenFile.toString());

        env.put("PVE_URL", simulator.url());
        env.put("PVE_FINGERPRINT", simulator.fingerprint());
        env.put("PVE_CA_FILE", null);
        env.put("PVE_INSECURE", null);
        adapterToken(TOKEN_ID, tokenSecret);
        consoleUser(new ConsoleUser(CONSOLE_USER, consolePassword), env);
        if (!simulator.hasNetnsGuests()) {
            // Loopback guests live on 127.77.x.y: addresses the adapter refuses from a real guest.
            env.put("FLEETPLANE_ADAPTER_GUEST_ALLOW_LOOPBACK", "true");
        }
        env.put("FLEETPLANE_PROVISIONER_SSH_IDENTITY_FILE", key.toString());
        env.put("FLEETPLANE_PROVISIONER_SSH_PORT", Integer.toString(simulator.guestSshPort().orElse(o.guestSshPort())));
        // A switch that moves the guest's address is noticed after 3 missed keepalives: 6 s here, not 30 s.
        env.put("FLEETPLANE_PROVISIONER_SSH_KEEPALIVE", "PT2S");
        templateBuilderOnSimulator(repo, key, simulator.guestSshPort().orElse(o.guestSshPort()), env);
        progress.println("guests: " + (simulator.hasNetnsGuests() ? "network namespaces on "
                + simulator.guestSubnet().orElse("?") + " (their address changes during the first switch)"
                : "sshd on loopback addresses (no network namespaces here; addresses never change)"));
    }

    /**
     * The template builder against the simulator: the repository's recipe, built by the stand-in command (a small real
     * VMA or qcow2; nixpkgs is not needed), copied to the simulated node's sshd, smoke-tested with the fleet key.
     */
    private void templateBuilderOnSimulator(Path repo, Path key, int guestSshPort, Map<String, String> env) {
        NodeSshEndpoint node = simulator.nodeSsh("pve").orElseThrow(() -> new CliException("the simulator has no node sshd"));
        addresses.put("pve-node-ssh", node.host() + ":" + node.port());
        String standIn = repo.resolve("examples/template/stand-in-build").toString();
        env.put("FLEETPLANE_TEMPLATES_WORK_DIR", workDir.resolve("templates").toString());
        env.put("FLEETPLANE_TEMPLATES_NODE", "pve");
        env.put("FLEETPLANE_TEMPLATES_BUILD_RECIPE", repo.resolve("examples/template").toString());
        env.put("FLEETPLANE_TEMPLATES_BUILD_SFTP_COMMAND", standIn + " {flake} {out} vma");
        env.put("FLEETPLANE_TEMPLATES_BUILD_API_COMMAND", standIn + " {flake} {out} qcow2");
        env.put("FLEETPLANE_STAND_IN_CLASSPATH", System.getProperty("java.class.path"));
        env.put("FLEETPLANE_TEMPLATES_NODE_SSH_HOST", node.host());
        env.put("FLEETPLANE_TEMPLATES_NODE_SSH_PORT", Integer.toString(node.port()));
        env.put("FLEETPLANE_TEMPLATES_NODE_SSH_USER", node.user());
        env.put("FLEETPLANE_TEMPLATES_NODE_SSH_IDENTITY_FILE", key.toString());
        env.put("FLEETPLANE_TEMPLATES_NODE_SSH_HOST_KEY_FINGERPRINT", node.hostKeyFingerprint());
        env.put("FLEETPLANE_TEMPLATES_NODE_SSH_DUMP_DIR", node.dumpDir().toString());
        env.put("FLEETPLANE_TEMPLATES_SMOKE_IDENTITY_FILE", key.toString());
        env.put("FLEETPLANE_TEMPLATES_SMOKE_SSH_PORT", Integer.toString(guestSshPort));
    }

    /**
     * The template builder against the operator's cluster: node SSH to the API's host with the operator's identity
     * (the node's host key fingerprint must come from FLEETPLANE_TEMPLATES_NODE_SSH_HOST_KEY_FINGERPRINT, or the sftp
     * route is refused naming it), the smoke test's login with the same identity.
     */
    private void templateBuilderOnCluster(Path repo, Real real, Map<String, String> env) {
        env.put("FLEETPLANE_TEMPLATES_WORK_DIR", workDir.resolve("templates").toString());
        env.put("FLEETPLANE_TEMPLATES_BUILD_RECIPE", repo.resolve("examples/template").toString());
        env.put("FLEETPLANE_TEMPLATES_NODE_SSH_HOST", real.connection().baseUrl().getHost());
        env.put("FLEETPLANE_TEMPLATES_NODE_SSH_IDENTITY_FILE", real.sshIdentity().toString());
        env.put("FLEETPLANE_TEMPLATES_SMOKE_IDENTITY_FILE", real.sshIdentity().toString());
        env.put("FLEETPLANE_TEMPLATES_SMOKE_SSH_PORT", Integer.toString(real.sshPort()));
    }

    /** The services talk to the operator's cluster: its URL, token and trust, and the operator's SSH identity. */
    private void useCluster(Real real, Path repo, Map<String, String> env, PrintStream progress) {
        PveConnection c = real.connection();
        addresses.put("pve", c.baseUrl().toString());
        env.put("PVE_URL", c.baseUrl().toString());
        adapterToken(c.tokenId(), c.tokenSecret());
        env.put("PVE_FINGERPRINT", c.fingerprint());
        env.put("PVE_CA_FILE", c.caFile() == null ? null : c.caFile().toString());
        env.put("PVE_INSECURE", c.insecure() ? "true" : null);
        env.put("FLEETPLANE_ADAPTER_GUEST_ALLOW_LOOPBACK", null);
        env.put("FLEETPLANE_PROVISIONER_SSH_IDENTITY_FILE", real.sshIdentity().toString());
        env.put("FLEETPLANE_PROVISIONER_SSH_PORT", Integer.toString(real.sshPort()));
        templateBuilderOnCluster(repo, real, env);
        progress.println("proxmox: " + c.baseUrl() + " as " + c.tokenId() + "; guests over SSH as "
                + real.sshIdentity() + " on port " + real.sshPort());
        if (real.console().isPresent()) {
            consoleUser(real.console().get(), env);
            progress.println("console: the gateway logs into " + c.baseUrl() + " as " + real.console().get().username());
        } else {
            consoleUser(null, env);
            progress.println("console: no console user configured (config pve.console-username and"
                    + " pve.console-password-file, or PVE_CONSOLE_USERNAME and PVE_CONSOLE_PASSWORD): the gateway"
                    + " opens no consoles");
        }
    }

    /**
     * The Proxmox API token, for the adapter alone: the template builder and the console gateway do not call the API
     * with it (the builder goes through the adapter's commands and the node's sshd, the gateway logs in as its console
     * user).
     */
    private void adapterToken(String id, String secret) {
        secret("proxmox-adapter", "PVE_TOKEN_ID", id);
        secret("proxmox-adapter", "PVE_TOKEN_SECRET", secret);
    }

    /** The gateway's Proxmox login; {@code null} removes inherited ones (a console token is not used here). */
    private void consoleUser(ConsoleUser user, Map<String, String> env) {
        env.put("PVE_CONSOLE_USERNAME", user == null ? null : user.username());
        env.put("PVE_CONSOLE_TOKEN_ID", null);
        if (user != null) {
            secret("console-gateway", "PVE_CONSOLE_PASSWORD", user.password());
        }
    }

    private void secret(String service, String key, String value) {
        secrets.computeIfAbsent(service, k -> new LinkedHashMap<>()).put(key, value);
    }

    /**
     * {@code secrets/<service>.properties}, mode 600: what {@code service} alone may know, as config keys (the
     * {@code PVE_*} names are the ones its application.properties expands). Ordinal 290: above the packaged
     * application.properties, below the environment (from which the stack removed these names).
     */
    private Path writeSecrets(String service) throws IOException {
        Path dir = Files.createDirectories(workDir.resolve(SECRETS_DIR));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        var props = new java.util.Properties();
        props.setProperty("config_ordinal", "290");
        secrets.getOrDefault(service, Map.of()).forEach(props::setProperty);
        var text = new java.io.StringWriter();
        props.store(text, "written by fleetplane up/demo for " + service + " alone; replaced at every start");
        Path file = dir.resolve(service + ".properties");
        writePrivate(file, text.toString());
        return file;
    }

    /**
     * One operator for the person running the stack: a random token written (mode 600) to {@code tokenDir}, and the
     * gateway given only its SHA-256 in an operators file (write access to every host).
     */
    private void consoleOperator(Path tokenDir, Map<String, String> env) throws IOException {
        String token = randomHex(32);
        String name = System.getProperty("user.name", "operator");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            name = "operator";
        }
        Files.createDirectories(tokenDir);
        consoleToken = tokenDir.resolve(CONSOLE_TOKEN_FILE);
        writePrivate(consoleToken, token + "\n");
        Path operators = workDir.resolve("console-operators");
        writePrivate(operators, "# written by fleetplane up/demo: <name> <read|write> <host globs> <token sha256>\n"
                + name + " write * " + sha256Hex(token) + "\n");
        env.put("FLEETPLANE_CONSOLE_OPERATORS_FILE", operators.toString());
    }

    /**
     * The operator of the REST APIs (docs/access.md): the token in {@code tokenDir}, made (random, mode 600) the first
     * time and kept across restarts, so scripts and CI jobs that read it keep working; the services get only its
     * SHA-256 in the tokens file beside it ({@code FLEETPLANE_TOKENS_FILE}), which keeps the lines
     * {@code fleetplane token add} wrote.
     */
    private void apiOperator(Path tokenDir, Map<String, String> env) throws IOException {
        Files.createDirectories(tokenDir);
        operatorToken = tokenDir.resolve(OPERATOR_TOKEN_FILE);
        String token;
        if (Files.exists(operatorToken)) {
            token = SecretFile.read(operatorToken, "the operator token", "the fleetplane API token");
        } else {
            token = randomHex(32);
            writePrivate(operatorToken, token + "\n");
        }
        String name = System.getProperty("user.name", "operator");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
            name = "operator";
        }
        // Other lines (`fleetplane token add`) stay: only this operator's line is written or brought up to date, and
        // a line of another name with the same token (the user name changed) goes, or the services would refuse both.
        Path tokens = tokenDir.resolve(TokenCommand.FILE);
        String hash = sha256Hex(token);
        String before = TokensFileLines.read(tokens);
        String text = before.isEmpty()
                ? "# written by fleetplane up/demo and `fleetplane token`: <name> <roles,comma> <token sha256> "
                + "[hosts=<glob,...>] [expires=<date>]\n" : before;
        writePrivate(tokens, TokensFileLines.withLine(TokensFileLines.withoutHash(text, name, hash), name,
                name + " operator " + hash));
        env.put("FLEETPLANE_TOKENS_FILE", tokens.toString());
    }

    /** A service of this stack ({@code addresses()} name) called with this stack's operator token. */
    ServiceApi operatorApi(String service, String address) {
        return new ServiceApi(service, addresses.get(address)).withToken(
                SecretFile.read(operatorToken, "the operator token", "the fleetplane API token"), operatorToken.toString());
    }

    /** Where the operator's API token is (mode 600). */
    Path operatorTokenFile() {
        return operatorToken;
    }

    /** Written to a private temporary file first, then moved over {@code file}: never readable by others. */
    private static void writePrivate(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Where the operator's console token was written (mode 600). */
    Path consoleTokenFile() {
        return consoleToken;
    }

    /** The demo fleet's SSH identity: the provisioner logs in with it, the simulated guests authorize it. */
    private Path generateFleetKey() throws IOException, InterruptedException {
        Path key = workDir.resolve("fleet_ed25519");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "fleetplane-demo",
                "-f", key.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new CliException("ssh-keygen failed: " + out.strip());
        }
        return key;
    }

    static String shortName(String module) {
        return module.replace("-service", "");
    }

    /** {@code name: address} for every part, in start order. */
    Map<String, String> addresses() {
        return addresses;
    }

    List<ServiceProcess> services() {
        return services;
    }

    PveSimulator simulator() {
        return simulator;
    }

    /** The local stack's Kafka and PostgreSQL; empty when external ones are used. */
    Optional<LocalStack> localStack() {
        return Optional.ofNullable(localStack);
    }

    @Override
    public void close() {
        if (consoleToken != null) {
            try {
                Files.deleteIfExists(consoleToken); // it opens this stack's gateway only
            } catch (IOException e) {
                System.err.println("fleetplane: could not remove " + consoleToken + ": " + e.getMessage());
            }
        }
        // Services first and all at once (each takes a Quarkus shutdown), then what they depend on.
        services.parallelStream().forEach(ServiceProcess::close);
        // Their secrets files are written anew at every start: none rests in a kept state directory in between.
        deleteRecursively(workDir.resolve(SECRETS_DIR));
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("fleetplane: stopping " + started.get(i) + " failed: " + e.getMessage());
            }
        }
        started.clear();
        if (deleteWorkDir) {
            deleteRecursively(workDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("fleetplane: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
