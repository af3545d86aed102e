package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fleetplane new} and {@code remove} in-process, with the real nix-instantiate (Debian: nix-bin). The
 * proxmox-adapter's {@code /api/v1/cluster/nextid} is served by a small HTTP server that answers its documented
 * contract for a fixed set of guests (the adapter's own endpoint is tested in proxmox-adapter).
 */
class NewRemoveIT {

    @TempDir
    Path dir;

    private HttpServer adapter;
    /** The guests "Proxmox" has: dev and web exist, db (112) is in the spec but not created, 113 is someone else's. */
    private final Set<Integer> guests = ConcurrentHashMap.newKeySet();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startAdapter() throws Exception {
        guests.addAll(Set.of(110, 111, 113, 9003));
        adapter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        adapter.createContext("/api/v1/cluster/nextid", exchange -> {
            String q = exchange.getRequestURI().getQuery();
            int status;
            String body;
            if (q == null) {
                int id = 100;
                while (guests.contains(id)) {
                    id++;
                }
                status = 200;
                body = "{\"vmid\": " + id + "}";
            } else {
                int id = Integer.parseInt(q.substring("vmid=".length()));
                status = guests.contains(id) ? 409 : 200;
                body = status == 200 ? "{\"vmid\": " + id + "}" : "{\"error\": \"VM " + id + " already exists\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        adapter.start();
        guests.remove(100);
        for (int i = 100; i < 110; i++) {
            guests.add(i);
        }
        Files.copy(Path.of("../examples/hosts.nix"), dir.resolve("hosts.nix"));
    }

    @AfterEach
    void stopAdapter() {
        adapter.stop(0);
    }

    private int run(String... args) {
        CommandLine cli = FleetctlMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private String adapterUrl() {
        return "http://127.0.0.1:" + adapter.getAddress().getPort();
    }

    private String spec() {
        return dir.resolve("hosts.nix").toString();
    }

    @Test
    void new_printsTheEntryInTheFilesStyle_withAVmidFreeInProxmoxAndUnusedByTheSpec() throws Exception {
        String before = Files.readString(dir.resolve("hosts.nix"));
        assertEquals(0, run("new", "ci", "--spec", spec(), "--adapter", adapterUrl()), err.toString());
        // Proxmox's next id is 112, which db has in the spec; 113 is taken in Proxmox; 114 is free in both.
        assertTrue(out.toString().contains("""
                  ci = {
                    hostname = "ci";
                    configurationFile = ./hosts/ci/configuration.nix;
                    user = admin;
                    proxmox = smallVm 114;
                  };
                """), out.toString());
        assertTrue(out.toString().contains("vmid 114"), out.toString());
        assertTrue(out.toString().contains("create hosts/ci/configuration.nix"), out.toString());
        assertEquals(before, Files.readString(dir.resolve("hosts.nix")), "printing changes nothing");
    }

    @Test
    void new_withOtherSizes_writesThemOutInsteadOfTheHelper() {
        assertEquals(0, run("new", "big", "--spec", spec(), "--adapter", adapterUrl(), "--cores", "8", "--disk", "100G",
                "--user", "deploy"), err.toString());
        assertTrue(out.toString().contains("""
                    user = "deploy";
                    proxmox = {
                      vmid = 114;
                      cores = 8;
                      memory = 4096; # MB
                      disk = "100G";
                    };
                """), out.toString());
    }

    @Test
    void new_write_insertsTheEntry_keepsTheFilesMode_andTheResultEvaluatesWithTheHost() throws Exception {
        Path file = dir.resolve("hosts.nix");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        String before = Files.readString(file);
        assertEquals(0, run("new", "ci", "--write", spec(), "--adapter", adapterUrl()), err.toString());
        String after = Files.readString(file);
        assertTrue(after.startsWith(before.substring(0, before.lastIndexOf('}'))), after);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        JsonNode evaluated = HostsFile.evaluate(after, Duration.ofSeconds(30));
        assertEquals(114, evaluated.path("ci").path("proxmox").path("vmid").asInt());
        assertEquals("ops", evaluated.path("ci").path("user").asText());
        assertTrue(out.toString().contains("Added host ci"), out.toString());
    }

    @Test
    void new_andRemove_readAHostsFileThatImportsFiles_andLeaveNothingBesideIt() throws Exception {
        Path split = Files.createDirectories(dir.resolve("split"));
        Files.writeString(split.resolve("vms.nix"), "{ size = 4096; }\n");
        Path file = split.resolve("hosts.nix");
        Files.writeString(file, """
                let
                  vms = import ./vms.nix;
                in
                {
                  _proxmox = { host = "192.168.1.12"; node = "pve"; defaultStorage = "local-lvm"; templateVmid = 9003; };
                  web = {
                    hostname = "web";
                    user = "ops";
                    proxmox = { vmid = 111; cores = 2; memory = vms.size; disk = "32G"; };
                  };
                }
                """);
        assertEquals(0, run("new", "ci", "--write", file.toString(), "--adapter", adapterUrl()), err.toString());
        JsonNode evaluated = HostsFile.evaluate(file, Files.readString(file), Duration.ofSeconds(30));
        assertEquals("ci", evaluated.path("ci").path("hostname").asText(), Files.readString(file));
        assertEquals(4096, evaluated.path("web").path("proxmox").path("memory").asInt());

        assertEquals(0, run("remove", "web", "--spec", file.toString(), "--inventory", inventory().toString()),
                err.toString());
        assertTrue(out.toString().contains("- destroy web {"), out.toString());
        try (var files = Files.list(split)) {
            assertEquals(java.util.Set.of("hosts.nix", "vms.nix"),
                    files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
                    "the evaluation's sibling file is gone");
        }
    }

    @Test
    void insert_keepsTheFileWhenTheResultDoesNotHaveTheHost() throws Exception {
        // The last set is filtered by a function: an entry put there never becomes a host.
        String source = """
                let
                  keep = s: builtins.removeAttrs s [ "ci" ];
                in
                keep {
                  web = { user = "ops"; proxmox = { vmid = 111; cores = 2; memory = 4096; disk = "32G"; }; };
                  _proxmox = { host = "pve"; node = "pve"; defaultStorage = "local-lvm"; templateVmid = 9003; };
                }
                """;
        Path file = dir.resolve("hosts.nix");
        Files.writeString(file, source);
        assertEquals(1, run("new", "ci", "--write", spec(), "--adapter", adapterUrl()));
        assertTrue(err.toString().contains("not written, " + file + " is unchanged: with the entry inserted, the "
                + "result has no host ci"), err.toString());
        assertEquals(source, Files.readString(file));
    }

    @Test
    void new_refusesAnExistingHost_anInvalidName_andAnUnreachableAdapter() {
        assertEquals(1, run("new", "web", "--spec", spec(), "--adapter", adapterUrl()));
        assertTrue(err.toString().contains("has a host web already"), err.toString());
        assertEquals(1, run("new", "under_score", "--spec", spec(), "--adapter", adapterUrl()));
        assertTrue(err.toString().contains("'under_score' is not a valid host name"), err.toString());
        adapter.stop(0);
        assertEquals(1, run("new", "ci", "--spec", spec(), "--adapter", adapterUrl()));
        assertTrue(err.toString().contains("cannot reach the proxmox-adapter at " + adapterUrl()), err.toString());
    }

    private Path inventory() throws Exception {
        Path file = dir.resolve("resources.json");
        Files.writeString(file, """
                [{"vmid": 9003, "name": "nixos-template", "node": "pve", "status": "stopped", "template": 1,
                  "maxcpu": 2, "maxmem": 2147483648, "maxdisk": 8589934592},
                 {"vmid": 110, "name": "dev", "node": "pve", "status": "running", "maxcpu": 4,
                  "maxmem": 8589934592, "maxdisk": 68719476736},
                 {"vmid": 111, "name": "web", "node": "pve", "status": "running", "tags": "fleetplane",
                  "maxcpu": 2, "maxmem": 4294967296, "maxdisk": 34359738368}]""");
        return file;
    }

    private void sops() throws Exception {
        Files.writeString(dir.resolve(".sops.yaml"), """
                keys:
                  - &admin age1admin
                  - &web age1web
                creation_rules:
                  - path_regex: hosts/web/secrets\\.yaml$
                    key_groups:
                      - age:
                          - *admin
                          - *web
                """);
    }

    @Test
    void remove_offline_printsTheDestroyPlan_andTheLinesToDelete() throws Exception {
        sops();
        assertEquals(0, run("remove", "web", "--spec", spec(), "--inventory", inventory().toString()), err.toString());
        String o = out.toString();
        assertTrue(o.contains("proxmox_vm.web will be destroyed") || o.contains("- destroy"), o);
        assertTrue(o.contains("1 to destroy"), o);
        String[] lines = Files.readString(dir.resolve("hosts.nix")).split("\n");
        int first = java.util.List.of(lines).indexOf("  web = {") + 1;
        assertTrue(o.contains(String.format("  %d    web = {", first)), o);
        assertTrue(o.contains(String.format("  %d    };", first + 5)), o);
        assertTrue(o.contains("  3    - &web age1web"), o);
        assertTrue(o.contains("  5    - path_regex: hosts/web/secrets\\.yaml$"), o);
        assertTrue(o.contains("allowDestroy = true; to _fleetplane"), o);
        assertTrue(o.contains("fleetplane changed nothing"), o);
    }

    @Test
    void remove_ofTheImportedHost_explainsItIsForgottenNotDestroyed() throws Exception {
        assertEquals(0, run("remove", "dev", "--spec", spec(), "--inventory", inventory().toString()), err.toString());
        String o = out.toString();
        assertTrue(o.contains("dev (vmid 110) is imported (cloneFromTemplate = false): fleetplane never destroys it"), o);
        assertTrue(o.contains("1 to forget"), o);
        assertTrue(o.contains("0 to destroy"), o);
        assertTrue(o.contains("does not exist: nothing to delete there"), o);
    }

    @Test
    void remove_refusesAHostThatIsNotInTheSpec() {
        assertEquals(1, run("remove", "nope", "--spec", spec()));
        assertTrue(err.toString().contains("nope is not a host of " + spec() + " (its hosts: db, dev, laptop, web)"),
                err.toString());
    }

    @Test
    void remove_online_sendsTheSpecWithoutTheHost_andItsDestroyAllowed_toThePlannersSpeculativePlan() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> sent = new java.util.concurrent.atomic.AtomicReference<>();
        adapter.createContext("/api/v1/plans/speculative", exchange -> {
            sent.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] bytes = "{\"text\": \"the planner's plan\\n\", \"speculative\": true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        assertEquals(0, run("remove", "web", "--spec", spec(), "--planner", adapterUrl()), err.toString());
        assertTrue(out.toString().contains("the planner's plan"), out.toString());
        JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sent.get());
        assertEquals("default", body.path("fleet").asText());
        assertEquals("[\"web\"]", body.path("allowDestroy").toString());
        assertTrue(body.path("spec").has("db") && !body.path("spec").has("web"), body.toString());
        assertEquals(112, body.path("spec").path("db").path("proxmox").path("vmid").asInt());
    }

    @Test
    void remove_withoutInventoryOrPlanner_stillPrintsTheLines_andFails() throws Exception {
        assertEquals(1, run("remove", "web", "--spec", spec(), "--planner", adapterUrl()));
        assertTrue(out.toString().contains("    web = {"), out.toString());
        assertTrue(err.toString().contains("has no speculative plans"), err.toString());
        assertTrue(err.toString().contains("or pass --inventory FILE to plan offline"), err.toString());
    }
}
