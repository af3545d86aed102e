package dev.fleetplane.cli;

import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxSettings;
import dev.fleetplane.proxmox.client.Preflight;
import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.pvesim.faults.Faults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fleetplane up}: the whole stack on this machine, in the foreground, until Ctrl-C or SIGTERM. With a Proxmox
 * named ({@code --pve-url}, {@code PVE_URL}, the config file, or {@code _proxmox.host} of {@code --spec}) it checks
 * the cluster first, keeps Kafka's and PostgreSQL's data in a state directory and starts no simulator; without one
 * (or with {@code --demo}) it runs the simulator in a throwaway directory. Services that die are restarted.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start Kafka, PostgreSQL and the services (and, without a Proxmox, the simulator); print their"
                + " addresses and `ready`; stop everything on Ctrl-C or SIGTERM.",
                "Settings: flag, else environment, else ~/.config/fleetplane/config.toml."})
final class UpCommand implements Callable<Integer> {

    /** --pve-url, --token, --token-file, --fingerprint, --ca-file, --insecure; here each also from env or file. */
    @Mixin
    PveConnectionOptions pve = new PveConnectionOptions();
    @Option(names = "--spec", paramLabel = "FILE",
            description = "hosts.nix: its _proxmox gives the Proxmox host (when no URL is given), the node, the template"
                    + " and the storage that pre-flight checks (config spec)")
    Path spec;
    @Option(names = "--ssh-identity", paramLabel = "FILE",
            description = "the private key fleetplane logs into guests with (default ~/.ssh/id_ed25519;"
                    + " env FLEETPLANE_SSH_IDENTITY; config ssh.identity)")
    String sshIdentity;
    @Option(names = "--ssh-port", defaultValue = "22", description = "the guests' SSH port (default ${DEFAULT-VALUE})")
    int sshPort;
    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "where Kafka's and PostgreSQL's data are kept (default: $FLEETPLANE_HOME, else"
                    + " /var/lib/fleetplane as root, else ~/.local/share/fleetplane; config state-dir)")
    String stateDir;
    @Option(names = "--kafka", paramLabel = "BOOTSTRAP",
            description = "use this Kafka cluster instead of starting one (with --jdbc; config kafka.bootstrap-servers)")
    String kafka;
    @Option(names = "--jdbc", paramLabel = "URL",
            description = "use this PostgreSQL database instead of starting one (with --kafka; config postgres.jdbc-url)")
    String jdbc;
    @Option(names = "--jdbc-user", paramLabel = "USER", description = "its user (config postgres.user; default fleetplane)")
    String jdbcUser;
    @Option(names = "--jdbc-password-file", paramLabel = "FILE",
            description = "a file holding its password (env FLEETPLANE_JDBC_PASSWORD; config postgres.password-file)")
    String jdbcPasswordFile;
    @Option(names = "--kafka-auth", description = "Kafka with a SCRAM user per service and ACLs (docs/threats.md)")
    boolean kafkaAuth;
    @Option(names = "--demo", description = "run the simulator in a throwaway directory even if a Proxmox is configured")
    boolean demo;
    @Option(names = "--config", paramLabel = "FILE", description = "the config file (default ~/.config/fleetplane/config.toml)")
    Path config;

    @Option(names = "--kafka-port", defaultValue = "0", description = "Kafka port (default: a free one)")
    int kafkaPort;
    @Option(names = "--postgres-port", defaultValue = "0", description = "PostgreSQL port (default: a free one)")
    int postgresPort;
    @Option(names = "--pve-port", defaultValue = "8006", description = "Proxmox simulator port (default: ${DEFAULT-VALUE})")
    int pvePort;
    @Option(names = "--planner-port", defaultValue = "8081", description = "default: ${DEFAULT-VALUE}")
    int plannerPort;
    @Option(names = "--adapter-port", defaultValue = "8082", description = "default: ${DEFAULT-VALUE}")
    int adapterPort;
    @Option(names = "--provisioner-port", defaultValue = "8083", description = "default: ${DEFAULT-VALUE}")
    int provisionerPort;
    @Option(names = "--template-builder-port", defaultValue = "8084", description = "default: ${DEFAULT-VALUE}")
    int templateBuilderPort;
    @Option(names = "--console-gateway-port", defaultValue = "8085", description = "default: ${DEFAULT-VALUE}")
    int consoleGatewayPort;
    @Option(names = "--pve-seed", description = "VMs that exist in the simulator before the fleet (default: examples/pve-seed.json)")
    Path pveSeed;

    @Option(names = "--sim-chaos", paramLabel = "RATE[:STALL_MS]", description = "a fault drill: the simulator answers"
            + " 503s, lock contention, stalls (default 2000 ms) and failing tasks, each at RATE (0..1, e.g. 0.2)")
    String simChaos;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "1", description = "run N processes each of the"
            + " planner, the adapter and the provisioner, sharing their work (1..6; the template builder and the console"
            + " gateway run once: docs/scaling.md)")
    int replicas = 1;

    /** The partitions of the work topics (fleet-events' Topics): no more replicas than that can share them. */
    static final int MAX_REPLICAS = dev.fleetplane.events.Topics.ALL.stream()
            .filter(t -> t.name().equals(dev.fleetplane.events.Topics.PVE_COMMANDS)
                    || t.name().equals(dev.fleetplane.events.Topics.PROVISIONING_COMMANDS))
            .mapToInt(dev.fleetplane.events.Topics.TopicSpec::partitions).min().orElseThrow();

    /** The environment settings are read from; tests replace it. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
        ConfigFile file = config != null ? ConfigFile.read(config, true)
                : ConfigFile.read(ConfigFile.defaultLocation(env), false);
        Layers layers = new Layers(env, file);
        Map<String, Integer> ports = servicePorts(layers);

        Optional<HostsSpec> hosts = layers.pick(spec == null ? null : spec.toString(), "--spec", null, "spec")
                .map(s -> SpecFile.read(Path.of(s.value()), Duration.ofSeconds(30), System.err));
        Optional<ProxmoxSettings> settings = hosts.flatMap(HostsSpec::proxmox);
        if (settings.isPresent() && hosts.isPresent() && demo) {
            System.err.println("fleetplane: --demo: the simulator stands in for " + settings.get().host());
        }
        Optional<Layers.Sourced> url = layers.pick(pve.pveUrl, "--pve-url", "PVE_URL", "pve.url")
                .or(() -> settings.map(p -> new Layers.Sourced("https://" + p.host() + ":8006", "_proxmox.host of the spec")));

        FleetStack.Proxmox proxmox;
        FleetStack.Data data;
        StateDirectory state = null;
        if (demo || url.isEmpty()) {
            proxmox = new FleetStack.Simulated(layers.port(pvePort, 8006, "ports.pve-simulator"),
                    pveSeed != null ? pveSeed : repo().resolve("examples/pve-seed.json"),
                    Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2), 2222, chaos());
            data = FleetStack.Data.throwaway(kafkaPort, postgresPort);
        } else {
            if (simChaos != null) {
                throw new CliException("--sim-chaos: only the simulator can be made to misbehave; " + url.get().value()
                        + " (from " + url.get().source() + ") is a real cluster");
            }
            PveConnection connection = connection(layers, url.get());
            Path identity = sshIdentity(layers);
            preflight(connection, hosts);
            proxmox = new FleetStack.Real(connection, identity, layers.port(sshPort, 22, "ssh.port"),
                    consoleUser(layers));
            Optional<Endpoints> external = external(layers);
            if (external.isEmpty()) {
                Path dir = layers.pick(stateDir, "--state-dir", null, "state-dir").map(s -> Path.of(s.value()))
                        .orElseGet(() -> StateDirectory.defaultLocation(env));
                state = StateDirectory.open(dir, connection.baseUrl().toString(), new FleetctlMain.Version().getVersion()[0]);
            }
            data = new FleetStack.Data(kafkaPort, postgresPort, Optional.ofNullable(state), external);
        }
        data = data.kafkaAuth(kafkaAuth);
        return run(new FleetStack.Options(repo(), ports, proxmox, data, Optional.of(StackFile.home()), replicas()),
                state);
    }

    private Integer run(FleetStack.Options options, StateDirectory state) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        FleetStack stack;
        try {
            stack = FleetStack.start(options, System.err);
        } catch (Exception | Error e) {
            if (state != null) {
                state.close();
            }
            throw e;
        }
        Supervisor supervisor = new Supervisor(stack.services(), System.err, gone -> {
            System.err.println("--- last lines of " + gone.log + " ---");
            System.err.println(gone.tail(30));
            System.err.flush();
            System.exit(1);
        }, Clock.systemUTC());
        ReadinessWatch readiness = new ReadinessWatch(stack.services(), System.err, ReadinessWatch.EVERY);
        Optional<DataSupervisor> data = stack.localStack().map(l -> new DataSupervisor(l, System.err));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("stopping ...");
            readiness.close();
            supervisor.close();
            data.ifPresent(DataSupervisor::close);
            StackFile.removeIfOurs();
            stack.close();
            if (state != null) {
                state.close();
                System.err.println("stopped; the state stays in " + state.path());
            }
            Map<String, Integer> restarts = new java.util.TreeMap<>(supervisor.restarts());
            data.ifPresent(d -> restarts.putAll(d.restarts()));
            if (restarts.values().stream().anyMatch(n -> n > 0)) {
                System.err.println("restarts while up: " + restarts);
            }
            stopped.countDown();
        }, "fleetplane-stop"));
        stack.addresses().forEach((name, address) -> System.out.println(name + ": " + address));
        System.out.println("console: " + stack.addresses().get("console-gateway") + "/console/ (token in "
                + stack.consoleTokenFile() + "; or `fleetplane console HOST`)");
        System.out.println("dashboard: " + stack.addresses().get("planner") + "/dashboard/ (log in with the operator"
                + " token, or a viewer's from `fleetplane token add NAME --roles viewer`)");
        System.out.println("operator token: " + stack.operatorTokenFile() + " (mode 600, kept across restarts; the CLI"
                + " sends it by default; docs/access.md)");
        StackFile.write(stack.addresses());
        System.out.println("ready");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /**
     * Nothing starts against a cluster fleetplane cannot work with: every problem is printed (one line each, with the
     * fix) and {@code up} exits 1, leaving no process behind and the state directory untouched.
     */
    private static void preflight(PveConnection connection, Optional<HostsSpec> hosts) {
        if (connection.insecure() && "https".equals(connection.baseUrl().getScheme())) {
            System.err.println("fleetplane: warning: insecure: the node's TLS certificate and host name are not verified");
        }
        Preflight.Report report = PreflightCheck.run(connection, PreflightCheck.needs(hosts, null, null, null));
        report.ok().forEach(line -> System.err.println("pre-flight " + line));
        if (!report.clean()) {
            report.problems().forEach(p -> System.err.println("pre-flight problem: " + p));
            throw new CliException("pre-flight found " + report.problems().size()
                    + (report.problems().size() == 1 ? " problem" : " problems") + " with " + connection.baseUrl()
                    + "; nothing was started: fix " + (report.problems().size() == 1 ? "it" : "them")
                    + " and run `fleetplane up` again (`fleetplane preflight` checks without starting anything)");
        }
    }

    private Map<String, Integer> servicePorts(Layers layers) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("planner-service", layers.port(plannerPort, 8081, "ports.planner"));
        ports.put("proxmox-adapter", layers.port(adapterPort, 8082, "ports.proxmox-adapter"));
        ports.put("provisioner-service", layers.port(provisionerPort, 8083, "ports.provisioner"));
        ports.put("template-builder", layers.port(templateBuilderPort, 8084, "ports.template-builder"));
        ports.put("console-gateway", layers.port(consoleGatewayPort, 8085, "ports.console-gateway"));
        return ports;
    }

    private PveConnection connection(Layers layers, Layers.Sourced url) {
        PveToken t = layers.pick(pve.token, "--token", "PVE_TOKEN", null)
                .map(s -> PveToken.parse(s.value(), s.source()))
                .or(() -> layers.pick(pathText(pve.tokenFile), "--token-file", "PVE_TOKEN_FILE", "pve.token-file")
                        .map(s -> PveToken.fromFile(Path.of(s.value()), s.source())))
                .orElseThrow(() -> new CliException("no Proxmox API token for " + url.value() + " (from " + url.source()
                        + "): pass --token user@realm!tokenid=secret or --token-file FILE, or set PVE_TOKEN"));
        try {
            return PveConnection.of(PveConnectionOptions.apiUrl(url.value()), t.id(), t.secret())
                    .insecure(layers.flag(pve.insecure, "PVE_INSECURE", "pve.insecure"))
                    .fingerprint(layers.pick(pve.fingerprint, "--fingerprint", "PVE_FINGERPRINT", "pve.fingerprint")
                            .map(Layers.Sourced::value).orElse(null))
                    .caFile(layers.pick(pathText(pve.caFile), "--ca-file", "PVE_CA_FILE", "pve.ca-file")
                            .map(s -> Path.of(s.value())).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    /**
     * The Proxmox user the console gateway logs in as: {@code PVE_CONSOLE_USERNAME} or config
     * {@code pve.console-username}, its password from {@code PVE_CONSOLE_PASSWORD} or the file named by config
     * {@code pve.console-password-file} (mode 600). Neither: no console user. Never echoes the password.
     */
    static Optional<FleetStack.ConsoleUser> consoleUser(Layers layers) {
        Optional<Layers.Sourced> user = layers.pick(null, "", "PVE_CONSOLE_USERNAME", "pve.console-username");
        Optional<Layers.Sourced> password = layers.pick(null, "", "PVE_CONSOLE_PASSWORD", null)
                .or(() -> layers.pick(null, "", null, "pve.console-password-file")
                        .map(s -> new Layers.Sourced(SecretFile.read(Path.of(s.value()), s.source(),
                                "the console user's password"), s.source())));
        if (user.isEmpty() && password.isEmpty()) {
            return Optional.empty();
        }
        if (user.isEmpty()) {
            throw new CliException(password.get().source() + " gives a console password but no console user: set"
                    + " pve.console-username (config) or PVE_CONSOLE_USERNAME, e.g. fleetplane-console@pve");
        }
        if (!user.get().value().matches("[^@\\s:]+@[A-Za-z0-9._-]+")) {
            throw new CliException(user.get().source() + " must be a Proxmox user as user@realm (e.g."
                    + " fleetplane-console@pve), got '" + user.get().value() + "'");
        }
        if (password.isEmpty()) {
            throw new CliException("the console user " + user.get().value() + " (" + user.get().source()
                    + ") has no password: set pve.console-password-file (config; a file of mode 600) or"
                    + " PVE_CONSOLE_PASSWORD");
        }
        return Optional.of(new FleetStack.ConsoleUser(user.get().value(), password.get().value()));
    }

    private static String pathText(Path p) {
        return p == null ? null : p.toString();
    }

    /** The key the provisioner logs in with: it must exist, be private to this user, and be a private key. */
    private Path sshIdentity(Layers layers) {
        Layers.Sourced s = layers.pick(sshIdentity, "--ssh-identity", "FLEETPLANE_SSH_IDENTITY", "ssh.identity")
                .orElse(new Layers.Sourced(Path.of(System.getProperty("user.home"), ".ssh", "id_ed25519").toString(),
                        "the default"));
        Path key = Path.of(s.value().replaceFirst("^~(?=/|$)", System.getProperty("user.home"))).toAbsolutePath();
        if (!Files.isRegularFile(key)) {
            throw new CliException("SSH identity " + key + " (" + s.source() + ") does not exist: pass --ssh-identity"
                    + " FILE, the private key whose public half the template's cloud-init authorizes");
        }
        try {
            var mode = Files.getPosixFilePermissions(key);
            if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
                throw new CliException("SSH identity " + key + " is readable by others (mode "
                        + java.nio.file.attribute.PosixFilePermissions.toString(mode) + "); ssh refuses such a key:"
                        + " chmod 600 " + key);
            }
            String head = Files.readAllLines(key).stream().findFirst().orElse("");
            if (!head.startsWith("-----BEGIN") || !head.contains("PRIVATE KEY")) {
                throw new CliException("SSH identity " + key + " (" + s.source() + ") is not a private key (it should"
                        + " start with -----BEGIN OPENSSH PRIVATE KEY-----; the .pub file is the public half)");
            }
        } catch (IOException e) {
            throw new CliException("cannot read SSH identity " + key + ": " + e.getMessage());
        }
        return key;
    }

    private Optional<Endpoints> external(Layers layers) {
        Optional<Layers.Sourced> k = layers.pick(kafka, "--kafka", null, "kafka.bootstrap-servers");
        Optional<Layers.Sourced> j = layers.pick(jdbc, "--jdbc", null, "postgres.jdbc-url");
        if (k.isEmpty() && j.isEmpty()) {
            return Optional.empty();
        }
        if (k.isEmpty() || j.isEmpty()) {
            throw new CliException((k.isPresent() ? k.get().source() + " names a Kafka but no PostgreSQL is given"
                    : j.get().source() + " names a PostgreSQL but no Kafka is given")
                    + ": give both --kafka and --jdbc, or neither (then up runs both in its state directory)");
        }
        if (!j.get().value().startsWith("jdbc:postgresql://")) {
            throw new CliException(j.get().source() + " must be a jdbc:postgresql://host:port/database URL, got '"
                    + j.get().value() + "'");
        }
        String user = layers.pick(jdbcUser, "--jdbc-user", null, "postgres.user").map(Layers.Sourced::value)
                .orElse("fleetplane");
        String password = layers.pick(null, "", "FLEETPLANE_JDBC_PASSWORD", null).map(Layers.Sourced::value)
                .or(() -> layers.pick(jdbcPasswordFile, "--jdbc-password-file", null, "postgres.password-file")
                        .map(s -> SecretFile.read(Path.of(s.value()), s.source(), "the password")))
                .orElse("");
        return Optional.of(new Endpoints(k.get().value(), j.get().value(), user, password));
    }

    /** {@code --replicas}, checked before anything starts. */
    private int replicas() {
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new CliException("--replicas must be 1.." + MAX_REPLICAS + ", got " + replicas + ": the work topics"
                    + " (pve.commands, provisioning.commands) have " + MAX_REPLICAS + " partitions, so more replicas"
                    + " would have nothing to read");
        }
        return replicas;
    }

    /** {@code --sim-chaos}, checked now so a typo is refused before anything starts. */
    private Optional<String> chaos() {
        if (simChaos == null) {
            return Optional.empty();
        }
        try {
            Faults.chaosSetting("--sim-chaos", simChaos);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        return Optional.of(simChaos);
    }

    static Path repo() {
        return Path.of(System.getProperty("fleetplane.home", ".")).toAbsolutePath().normalize();
    }

    /** The demo's stack: the simulator at a pace a person can follow, everything on free ports, thrown away after. */
    static FleetStack.Options demo(Path repo) {
        return new FleetStack.Options(repo, Map.of(),
                new FleetStack.Simulated(0, repo.resolve("examples/pve-seed.json"), Duration.ofSeconds(2),
                        Duration.ofSeconds(1), Duration.ofSeconds(2), 2222),
                FleetStack.Data.throwaway(0, 0), Optional.empty());
    }
}
