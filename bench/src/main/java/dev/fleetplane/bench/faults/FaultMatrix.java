package dev.fleetplane.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fault matrix (issue 15, point 1): {@code ./fleetplane up} on the simulator, then one cell after another on the
 * same stack, each with fresh hosts: push the example fleet plus the cell's new hosts, wait in the event log for the
 * event that starts the cell's step on its first new host, SIGKILL the cell's process (a service under {@code up},
 * the Kafka broker or PostgreSQL's postmaster; {@code up} restarts it), and wait until every new host settled. A host
 * that ends Failed is retried ({@code fleetplane retry}) once. A cell is green when every new host ends Ready, each
 * effect happened once (one {@code VmCloned}, {@code VmConfigured}, {@code VmStarted} and
 * {@code ProvisioningSucceeded} per host in the event log), the simulator was asked to clone exactly once per new
 * host (its request log) and holds one VM per host (its VM list); else red with the reason.
 */
public final class FaultMatrix implements AutoCloseable {

    /** A step of a new host's way to Ready, and the event (subject = the host) that starts it. */
    public enum Step {
        CLONING("fleetplane.vm.clone-requested", "Cloning"),
        CONFIGURING("fleetplane.vm.configure-requested", "Configuring"),
        STARTING("fleetplane.vm.start-requested", "Starting"),
        AGENT("fleetplane.guest.network-requested", "waiting for the agent"),
        REBUILD("fleetplane.host.hardware-config-generated", "during the rebuild"),
        SWITCHED("fleetplane.host.ip-changed", "after the switch, before the confirm"),
        INTEGRATION("fleetplane.host.rebuild-succeeded", "during integration");

        final String trigger;
        final String label;

        Step(String trigger, String label) {
            this.trigger = trigger;
            this.label = label;
        }
    }

    /** What is killed: a service under {@code up} (its module name), {@code kafka} or {@code postgres}. */
    public record Cell(String target, Step step) {
        public static Cell parse(String text) {
            String[] p = text.split("@", 2);
            if (p.length != 2 || !TARGETS.contains(p[0])) {
                throw new IllegalArgumentException("a cell is TARGET@STEP with TARGET one of " + TARGETS + ", got '"
                        + text + "'");
            }
            return new Cell(p[0], Step.valueOf(p[1].toUpperCase(Locale.ROOT)));
        }

        @Override
        public String toString() {
            return target + "@" + step;
        }
    }

    /** One cell's outcome: green or red with the reason, and what was counted. */
    public record Result(Cell cell, boolean green, String reason, String counts, Duration took) {
    }

    public static final List<String> TARGETS = List.of("planner-service", "proxmox-adapter", "provisioner-service",
            "template-builder", "console-gateway", "kafka", "postgres");

    /** Every cell where the kill matters: each service at the steps it takes part in, and both infrastructure kills. */
    public static List<Cell> fullMatrix() {
        List<Cell> cells = new ArrayList<>();
        for (Step s : Step.values()) {
            cells.add(new Cell("planner-service", s));
        }
        for (Step s : List.of(Step.CLONING, Step.CONFIGURING, Step.STARTING, Step.AGENT)) {
            cells.add(new Cell("proxmox-adapter", s));
        }
        for (Step s : List.of(Step.AGENT, Step.REBUILD, Step.SWITCHED, Step.INTEGRATION)) {
            cells.add(new Cell("provisioner-service", s));
        }
        cells.add(new Cell("template-builder", Step.CLONING));
        cells.add(new Cell("console-gateway", Step.STARTING));
        for (Step s : List.of(Step.CLONING, Step.AGENT, Step.REBUILD, Step.SWITCHED)) {
            cells.add(new Cell("kafka", s));
            cells.add(new Cell("postgres", s));
        }
        return cells;
    }

    /** One cell per service and both infrastructure kills (what {@code mvn verify} runs). */
    public static List<Cell> subset() {
        return List.of(new Cell("planner-service", Step.CLONING), new Cell("proxmox-adapter", Step.CONFIGURING),
                new Cell("provisioner-service", Step.INTEGRATION), new Cell("template-builder", Step.CLONING),
                new Cell("console-gateway", Step.STARTING), new Cell("kafka", Step.AGENT),
                new Cell("postgres", Step.STARTING));
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NOT_INHERITED = List.of("PVE_URL", "PVE_TOKEN", "PVE_CONSOLE_USERNAME",
            "PVE_CONSOLE_PASSWORD", "FLEETPLANE_TOKEN", "FLEETPLANE_PLANNER_URL", "FLEETPLANE_CONSOLE_TOKEN",
            "FLEETPLANE_CONSOLE_GATEWAY_URL");
    private static final int FIRST_VMID = 300;

    private final Path repo;
    private final Path dir;
    private final int hostsPerCell;
    private final Duration cellTimeout;
    private final PrintStream log;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> fleetHosts = new ArrayList<>();
    private Process up;
    private String planner;
    private String token;
    private Path requestLog;
    private int nextHost = 1;
    private boolean exampleApplied;

    /** {@code repo}: where {@code ./fleetplane} is; {@code hostsPerCell}: new hosts per cell (1, or 20). */
    public FaultMatrix(Path repo, int hostsPerCell, Duration cellTimeout, PrintStream log) throws IOException {
        this.repo = repo.toAbsolutePath().normalize();
        this.hostsPerCell = hostsPerCell;
        this.cellTimeout = cellTimeout;
        this.log = log;
        // As root, PostgreSQL runs as user postgres, who must be able to walk into the work directory.
        this.dir = Files.createTempDirectory(Path.of("/tmp"), "fleetplane-faults-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Starts {@code ./fleetplane up} (the simulator, every port free) and waits for {@code ready}. */
    public FaultMatrix start(Duration timeout) throws Exception {
        up = launcher(repo.resolve("fleetplane").toString(), "up", "--pve-port", "0", "--planner-port", "0",
                "--adapter-port", "0", "--provisioner-port", "0", "--template-builder-port", "0",
                "--console-gateway-port", "0").redirectError(dir.resolve("up.err").toFile()).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(up.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // up exited
            }
        }, "faults-up-reader");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output.contains("ready")) {
            if (!up.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("up did not print ready (alive: " + up.isAlive() + "):\n"
                        + String.join("\n", output) + "\n" + Files.readString(dir.resolve("up.err")));
            }
            Thread.sleep(200);
        }
        planner = address("planner");
        requestLog = Path.of(address("pve-request-log"));
        token = Files.readString(dir.resolve("home").resolve("operator-token")).strip();
        log.println("FAULTS up ready: planner " + planner + ", request log " + requestLog);
        return this;
    }

    /** Runs the cells one after another and returns their results (a cell that throws is red with the error). */
    public List<Result> run(List<Cell> cells) {
        List<Result> results = new ArrayList<>();
        for (Cell cell : cells) {
            long t0 = System.nanoTime();
            Result r;
            try {
                r = runCell(cell, t0);
            } catch (Exception e) {
                r = new Result(cell, false, "driver error: " + e, "", Duration.ofNanos(System.nanoTime() - t0));
            }
            log.printf(Locale.ROOT, "FAULTS %-36s %s %s (%s) in %d s%n", cell, r.green() ? "GREEN" : "RED  ",
                    r.reason(), r.counts(), r.took().toSeconds());
            results.add(r);
        }
        return results;
    }

    private Result runCell(Cell cell, long t0) throws Exception {
        List<String> fresh = new ArrayList<>();
        if (!exampleApplied) {
            fresh.addAll(List.of("web", "db"));
        }
        for (int i = 0; i < hostsPerCell; i++) {
            fresh.add("f" + nextHost++);
        }
        List<String> newHosts = fresh.stream().filter(h -> h.startsWith("f")).toList();
        fleetHosts.addAll(newHosts);
        long requestsBefore = lines(requestLog);
        cli("push", writeFleet().toString(), "--auto-approve");
        exampleApplied = true;
        String first = newHosts.get(0);
        long deadline = System.nanoTime() + cellTimeout.toNanos();

        // The step starts: kill.
        if (!awaitEvent(first, cell.step().trigger, deadline)) {
            return new Result(cell, false, "the step never started: no " + cell.step().trigger + " for " + first
                    + "; events: " + types(first), "", took(t0));
        }
        long pid = kill(cell.target());
        log.println("FAULTS " + cell + ": " + cell.step().trigger + " of " + first + " seen; SIGKILLed "
                + cell.target() + " (pid " + pid + ")");

        // Every host settles: Ready, or Failed and then retried once.
        List<String> problems = new ArrayList<>();
        Map<String, String> retried = new LinkedHashMap<>();
        for (String host : fresh) {
            String state = awaitSettled(host, deadline);
            if ("Failed".equals(state)) {
                String reason = hostField(host, "reason");
                retried.put(host, reason);
                try {
                    cli("retry", host);
                    state = awaitSettled(host, deadline);
                } catch (IllegalStateException e) {
                    problems.add(host + " Failed (" + reason + ") and " + e.getMessage().strip().replace('\n', ' '));
                    continue;
                }
            }
            if (!"Ready".equals(state)) {
                problems.add(host + " ended " + state + " (" + hostField(host, "reason") + ")");
            }
        }
        // Each effect once.
        Map<String, Integer> clones = new LinkedHashMap<>();
        StringBuilder counts = new StringBuilder();
        for (String host : fresh) {
            // The event log has its own consumer group: after a kill it may store an event a moment after the planner
            // acted on it (kafka@SWITCHED: Ready before ProvisioningSucceeded was in the log). Wait for it, bounded.
            List<JsonNode> events = events(host);
            long logDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (EFFECTS.stream().anyMatch(t -> count(events, t) == 0) && System.nanoTime() < logDeadline) {
                Thread.sleep(500);
                events.clear();
                events.addAll(events(host));
            }
            for (String type : List.of("fleetplane.vm.cloned", "fleetplane.vm.configured", "fleetplane.vm.started",
                    "fleetplane.host.provisioning-succeeded")) {
                long n = events.stream().filter(e -> e.path("type").asText().startsWith(type + ".v")).count();
                if (n != 1) {
                    problems.add(host + ": " + n + " × " + type.substring(type.lastIndexOf('.') + 1));
                }
            }
            long rebuilds = events.stream().filter(e -> e.path("type").asText()
                    .startsWith("fleetplane.host.rebuild-succeeded.v")).count();
            if (rebuilds != 1) {
                counts.append(host).append(": ").append(rebuilds).append(" rebuilds; ");
            }
            clones.put(host, 0);
        }
        List<String> requests = Files.readAllLines(requestLog).stream().skip(requestsBefore).toList();
        long clonePosts = requests.stream().filter(l -> l.matches(".* POST /api2/json/nodes/[^/]+/qemu/\\d+/clone .*"))
                .count();
        long newVms = fresh.stream().filter(h -> !h.equals("dev")).count();
        if (clonePosts != newVms) {
            problems.add(clonePosts + " clone requests to the simulator for " + newVms + " new VMs");
        }
        Map<String, Integer> vms = vmsByName();
        for (String host : fresh) {
            int n = vms.getOrDefault(host, 0);
            if (n != 1) {
                problems.add(n + " VMs named " + host + " in the simulator");
            }
        }
        counts.append("clone POSTs ").append(clonePosts).append("/").append(newVms);
        if (!retried.isEmpty()) {
            counts.append("; retried ").append(retried);
        }
        String reason = problems.isEmpty() ? (retried.isEmpty() ? "all Ready, each effect once"
                : "all Ready after `fleetplane retry` (Failed: " + retried + "), each effect once")
                : String.join("; ", problems);
        return new Result(cell, problems.isEmpty(), reason, counts.toString(), took(t0));
    }

    private static final List<String> EFFECTS = List.of("fleetplane.vm.cloned", "fleetplane.vm.configured",
            "fleetplane.vm.started", "fleetplane.host.provisioning-succeeded");

    private static long count(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asText().startsWith(type + ".v")).count();
    }

    private static Duration took(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** The example fleet (web, db, dev adopted, laptop) plus every host the cells added so far. */
    private Path writeFleet() throws IOException {
        String example = Files.readString(repo.resolve("examples/hosts.nix"));
        int end = example.lastIndexOf('}');
        StringBuilder more = new StringBuilder();
        for (String h : fleetHosts) {
            int vmid = FIRST_VMID + Integer.parseInt(h.substring(1));
            more.append("  ").append(h).append(" = {\n    hostname = \"").append(h)
                    .append("\";\n    configurationFile = ./hosts/web/configuration.nix;\n    user = admin;\n")
                    .append("    proxmox = smallVm ").append(vmid).append(";\n  };\n");
        }
        Path file = dir.resolve("fleet").resolve("hosts.nix");
        Files.createDirectories(file.getParent());
        Files.writeString(file, example.substring(0, end) + more + example.substring(end));
        return file;
    }

    /** SIGKILLs the target; returns its pid. {@code up} (or its data supervisor) is to start it again. */
    private long kill(String target) throws IOException {
        ProcessHandle victim = switch (target) {
            case "kafka" -> up.toHandle().descendants()
                    .filter(h -> cmdline(h.pid()).contains("BrokerMain")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Kafka broker under up"));
            case "postgres" -> ProcessHandle.of(postmaster())
                    .orElseThrow(() -> new IllegalStateException("the postmaster is gone already"));
            default -> up.toHandle().descendants()
                    .filter(h -> cmdline(h.pid()).contains(target + "/target/quarkus-app"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no " + target + " under up"));
        };
        victim.destroyForcibly();
        return victim.pid();
    }

    /** The whole command line ({@code ProcessHandle.Info} may cut a long one, as the broker's class path makes it). */
    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** The postmaster of up's PostgreSQL: the postgres process listening on the port of up's JDBC URL. */
    private long postmaster() throws IOException {
        String jdbc = address("postgres");
        String port = jdbc.replaceFirst(".*:(\\d+)/.*", "$1");
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmd.matches("\\S*/postgres .*-p " + port + " .*")) {
                        return Long.parseLong(p.getFileName().toString());
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        throw new IllegalStateException("no postmaster with -p " + port);
    }

    private boolean awaitEvent(String host, String type, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            try {
                if (events(host).stream().anyMatch(e -> e.path("type").asText().startsWith(type + ".v"))) {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                // the planner is restarting
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Waits until the host is Ready, Adopted or Failed; returns the state (or the last one seen at the deadline). */
    private String awaitSettled(String host, long deadline) throws InterruptedException {
        String state = "unknown";
        while (System.nanoTime() < deadline) {
            try {
                state = hostField(host, "state");
                if (List.of("Ready", "Adopted", "Failed").contains(state)) {
                    return state;
                }
            } catch (IOException | RuntimeException e) {
                // the planner is restarting
            }
            Thread.sleep(500);
        }
        return state + " at the cell's deadline";
    }

    private String hostField(String host, String field) throws IOException, InterruptedException {
        for (JsonNode h : get("/api/v1/hosts")) {
            if (h.path("host").asText().equals(host)) {
                return h.path(field).asText(null);
            }
        }
        return "absent";
    }

    private List<JsonNode> events(String host) throws IOException, InterruptedException {
        List<JsonNode> all = new ArrayList<>();
        get("/api/v1/events?limit=10000&host=" + URLEncoder.encode(host, StandardCharsets.UTF_8)).forEach(all::add);
        return all;
    }

    private String types(String host) {
        try {
            return events(host).stream().map(e -> e.path("type").asText()).toList().toString();
        } catch (Exception e) {
            return "(unreadable: " + e + ")";
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(planner + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + res.statusCode() + " " + res.body());
        }
        return JSON.readTree(res.body());
    }

    /** The simulator's VMs by name, as {@code fleetplane inventory} reads them from its API. */
    private Map<String, Integer> vmsByName() throws Exception {
        Map<String, Integer> byName = new LinkedHashMap<>();
        String pve = address("pve-simulator").replace("/api2/json", "");
        for (JsonNode vm : JSON.readTree(cli("inventory", "--json", "--pve-url", pve, "--token-file", address("pve-token"),
                "--fingerprint", address("pve-fingerprint")))) {
            byName.merge(vm.path("name").asText(), 1, Integer::sum);
        }
        return byName;
    }

    private String cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(repo.resolve("fleetplane").toString());
        cmd.addAll(List.of(args));
        Process p = launcher(cmd.toArray(String[]::new)).redirectError(ProcessBuilder.Redirect.PIPE).start();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // it exited
            }
        });
        drain.setDaemon(true);
        drain.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
            drain.join(5_000);
            throw new IllegalStateException("fleetplane " + String.join(" ", args) + " failed: " + out.strip() + " "
                    + err.toString(StandardCharsets.UTF_8).strip());
        }
        return out;
    }

    private ProcessBuilder launcher(String... cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().put("FLEETPLANE_SKIP_BUILD", "1");
        pb.environment().put("FLEETPLANE_HOME", dir.resolve("home").toString());
        pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        NOT_INHERITED.forEach(pb.environment()::remove);
        return pb;
    }

    private String address(String name) {
        return output.stream().filter(l -> l.startsWith(name + ": ")).map(l -> l.substring(name.length() + 2).strip())
                .findFirst().orElseThrow(() -> new IllegalStateException("up printed no " + name + ": " + output));
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> l = Files.lines(file)) {
            return l.count();
        }
    }

    /** What up printed on stderr (progress and restarts). */
    public String upErr() throws IOException {
        return Files.readString(dir.resolve("up.err"));
    }

    /** The matrix as a Markdown table: a row per target, a column per step, each cell green/red (reasons below). */
    public static String table(List<Result> results) {
        StringBuilder t = new StringBuilder("| killed \\ step |");
        for (Step s : Step.values()) {
            t.append(' ').append(s.label).append(" |");
        }
        t.append("\n|---|").append("---|".repeat(Step.values().length)).append('\n');
        for (String target : TARGETS) {
            if (results.stream().noneMatch(r -> r.cell().target().equals(target))) {
                continue;
            }
            t.append("| ").append(target).append(" |");
            for (Step s : Step.values()) {
                Optional<Result> r = results.stream().filter(x -> x.cell().equals(new Cell(target, s))).findFirst();
                t.append(' ').append(r.map(x -> x.green() ? "green" : "**red**").orElse("–")).append(" |");
            }
            t.append('\n');
        }
        t.append("\n| cell | result | reason | counted | took |\n|---|---|---|---|---|\n");
        for (Result r : results) {
            t.append("| ").append(r.cell()).append(" | ").append(r.green() ? "green" : "**red**").append(" | ")
                    .append(r.reason().replace("|", "\\|")).append(" | ").append(r.counts().replace("|", "\\|"))
                    .append(" | ").append(r.took().toSeconds()).append(" s |\n");
        }
        return t.toString();
    }

    /** Stops {@code up} (SIGTERM, as Ctrl-C) and removes the directory. */
    @Override
    public void close() throws Exception {
        if (up != null && up.isAlive()) {
            up.destroy();
            if (!up.waitFor(120, TimeUnit.SECONDS)) {
                up.destroyForcibly();
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * {@code FaultMatrix [--hosts N] [--cells a@STEP,b@STEP|full|subset] [--cell-timeout PT6M] [--doc FILE]}: prints
     * a line per cell and the table (and writes it to {@code --doc}); exits 1 if a cell is red.
     */
    public static void main(String[] args) throws Exception {
        int hosts = 1;
        List<Cell> cells = fullMatrix();
        Duration timeout = Duration.ofMinutes(6);
        Path doc = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--hosts" -> hosts = Integer.parseInt(args[++i]);
                case "--cells" -> {
                    String v = args[++i];
                    cells = v.equals("full") ? fullMatrix() : v.equals("subset") ? subset()
                            : Stream.of(v.split(",")).map(Cell::parse).toList();
                }
                case "--cell-timeout" -> timeout = Duration.parse(args[++i]);
                case "--doc" -> doc = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--hosts N, --cells LIST|full|subset, --cell-timeout ISO, --doc FILE)");
            }
        }
        long t0 = System.nanoTime();
        List<Result> results;
        String err;
        try (FaultMatrix m = new FaultMatrix(Path.of(System.getProperty("fleetplane.home", ".")), hosts, timeout,
                System.out)) {
            m.start(Duration.ofMinutes(5));
            results = m.run(cells);
            err = m.upErr();
        }
        String table = table(results);
        long green = results.stream().filter(Result::green).count();
        String summary = String.format(Locale.ROOT, "%d of %d cells green, %d new host(s) per cell, %.1f min in all",
                green, results.size(), hosts, (System.nanoTime() - t0) / 60e9);
        System.out.println(table);
        System.out.println("FAULTS " + summary);
        System.out.println("FAULTS up's restarts:");
        err.lines().filter(l -> l.contains("restart")).forEach(l -> System.out.println("FAULTS   " + l));
        if (doc != null) {
            Files.writeString(doc, "<!-- measured by bench/faults.sh -->\n" + summary + "\n\n" + table);
        }
        System.exit(green == results.size() ? 0 : 1);
    }
}
