package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fleetplane integrate HOST --write} in-process, with the real nix-instantiate checking the edited hosts.nix.
 * The planner's {@code GET /api/v1/hosts} and the provisioner's {@code GET /sagas/{host}/integration} are served by a
 * small HTTP server answering their documented contracts (both are tested in their services: PlannerIT,
 * the provisioner's integration ITs).
 */
class IntegrateWriteIT {

    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFleetplaneIntegrateWriteItKey000000000000";
    static final String AGE = "age1fleetplaneintegratewriteitrecipient00000000000000000000000000";
    static final String SOPS = """
            # who may read what
            keys:
              - &admin age1admin000000000000000000000000000000000000000000000000000
              - &host_db age1db0000000000000000000000000000000000000000000000000000000
            creation_rules:
              - path_regex: secrets/[^/]+\\.yaml$
                key_groups:
                - age:
                  - *admin
                  - *host_db
              - path_regex: hosts/db/.*
                key_groups:
                - age:
                  - *admin
                  - *host_db
            """;

    @TempDir
    Path dir;

    private HttpServer services;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        services = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        services.createContext("/api/v1/hosts", x -> answer(x, 200, """
                [{"fleet": "default", "host": "web", "vmid": 111, "state": "Ready"},
                 {"fleet": "default", "host": "db", "vmid": 112, "state": "Provisioning"},
                 {"fleet": "default", "host": "dev", "vmid": 110, "state": "Adopted"},
                 {"fleet": "default", "host": "api", "vmid": 113, "state": "Ready"}]"""));
        services.createContext("/sagas/", x -> {
            String host = x.getRequestURI().getPath().split("/")[2];
            if (host.equals("web") || host.equals("api")) {
                answer(x, 200, """
                        {"host": "%s", "vmid": 111, "ip": "10.0.0.11", "publicKey": "%s root@nixos",
                         "fingerprint": "SHA256:test", "ageRecipient": "%s"}""".formatted(host, KEY, AGE));
            } else {
                answer(x, 404, "{\"error\": \"host '" + host + "' has not been integrated yet\"}");
            }
        });
        services.start();
        Files.copy(Path.of("../examples/hosts.nix"), dir.resolve("hosts.nix"));
        Files.writeString(dir.resolve(".sops.yaml"), SOPS);
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/app.yaml"), "password: ENC[AES256_GCM,data:abc]\nsops:\n    mac: x\n");
        Files.writeString(dir.resolve("secrets/notes.yaml"), "plain: not encrypted\n");
        Files.createDirectories(dir.resolve("hosts/db"));
        Files.writeString(dir.resolve("hosts/db/db.yaml"), "x: ENC[AES256_GCM,data:abc]\nsops:\n    mac: x\n");
    }

    @AfterEach
    void stop() {
        services.stop(0);
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private int run(String searchPath, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = FleetctlMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        if (searchPath != null) {
            ((IntegrateCommand) cli.getSubcommands().get("integrate").getCommand()).searchPath = searchPath;
        }
        String url = "http://127.0.0.1:" + services.getAddress().getPort();
        String[] all = new String[args.length + 5];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--spec", dir.resolve("hosts.nix").toString(), "--planner", url,
                "--provisioner=" + url}, 0, all, args.length, 5);
        return cli.execute(all);
    }

    @Test
    void write_showsTheDiffOfBothFiles_writesOnlyWithYes_andTheSecondRunChangesNothing() throws Exception {
        String hosts = Files.readString(dir.resolve("hosts.nix"));
        assertEquals(0, run(null, "integrate", "web", "--write"), err.toString());
        String diff = out.toString();
        assertTrue(diff.contains("""
                --- a/hosts.nix
                +++ b/hosts.nix
                @@ -49,6 +49,7 @@
                     hostname = "web";
                     configurationFile = ./hosts/web/configuration.nix;
                     user = admin;
                +    publicKey = "%s";
                     proxmox = smallVm 111;
                   };
                """.formatted(KEY)), diff);
        assertTrue(diff.contains("""
                --- a/.sops.yaml
                +++ b/.sops.yaml
                @@ -2,12 +2,14 @@
                 keys:
                   - &admin age1admin000000000000000000000000000000000000000000000000000
                   - &host_db age1db0000000000000000000000000000000000000000000000000000000
                +  - &host_web %s
                 creation_rules:
                   - path_regex: secrets/[^/]+\\.yaml$
                     key_groups:
                     - age:
                       - *admin
                       - *host_db
                +      - *host_web
                   - path_regex: hosts/db/.*
                     key_groups:
                     - age:
                """.formatted(AGE)), diff);
        assertTrue(diff.contains("note: creation rule hosts/db/.* is about host db: left alone"), diff);
        assertTrue(diff.contains("apply it with: fleetplane integrate web --write --yes"), diff);
        assertEquals(hosts, Files.readString(dir.resolve("hosts.nix")), "nothing written without --yes");
        assertEquals(SOPS, Files.readString(dir.resolve(".sops.yaml")));

        Files.setPosixFilePermissions(dir.resolve("hosts.nix"), PosixFilePermissions.fromString("rw-r-----"));
        assertEquals(0, run(null, "integrate", "web", "--write", "--yes"), err.toString());
        assertTrue(out.toString().contains("wrote " + dir.resolve("hosts.nix")), out.toString());
        assertTrue(out.toString().contains("then re-encrypt the secrets web must read: (cd " + dir
                + " && sops updatekeys -y secrets/app.yaml) (or add --updatekeys)"), out.toString());
        JsonNode evaluated = HostsFile.evaluate(Files.readString(dir.resolve("hosts.nix")), Duration.ofSeconds(30));
        assertEquals(KEY, evaluated.path("web").path("publicKey").asText());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("hosts.nix"))));
        assertTrue(Files.readString(dir.resolve(".sops.yaml")).contains("  - &host_web " + AGE + "\n"));

        String written = Files.readString(dir.resolve("hosts.nix")) + Files.readString(dir.resolve(".sops.yaml"));
        assertEquals(0, run(null, "integrate", "web", "--write", "--yes"), err.toString());
        assertFalse(out.toString().contains("---"), out.toString());
        assertTrue(out.toString().contains("web is already integrated"), out.toString());
        assertEquals(written, Files.readString(dir.resolve("hosts.nix")) + Files.readString(dir.resolve(".sops.yaml")));
    }

    @Test
    void updatekeys_withoutSopsOnThePath_saysSoAndWhatToRun_andWithSopsRunsItOnTheMatchedSecrets() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-bin"));
        assertEquals(1, run(empty.toString(), "integrate", "web", "--write", "--yes", "--updatekeys"));
        assertTrue(err.toString().contains("sops is not on the PATH, so nothing was re-encrypted: install it"
                + " (https://github.com/getsops/sops) and run (cd " + dir + " && sops updatekeys -y secrets/app.yaml)"),
                err.toString());
        assertTrue(out.toString().contains("wrote "), "the files are written before re-encrypting");

        // sops has no Debian 12 package: a stand-in on the PATH records how it is called (where, with what).
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("sops-calls");
        Files.writeString(bin.resolve("sops"), "#!/bin/sh\necho \"$PWD $*\" >> " + calls + "\necho updated\n");
        Files.setPosixFilePermissions(bin.resolve("sops"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(0, run(bin.toString(), "integrate", "web", "--write", "--yes", "--updatekeys"), err.toString());
        assertEquals(dir.toRealPath() + " updatekeys -y secrets/app.yaml\n", Files.readString(calls));
        assertTrue(out.toString().contains("re-encrypted secrets/app.yaml (sops updatekeys)"), out.toString());

        Files.writeString(bin.resolve("sops"), "#!/bin/sh\necho 'no key to decrypt with' >&2\nexit 128\n");
        assertEquals(1, run(bin.toString(), "integrate", "web", "--write", "--yes", "--updatekeys"));
        assertTrue(err.toString().contains("sops updatekeys secrets/app.yaml failed (exit 128): no key to decrypt with"),
                err.toString());
    }

    @Test
    void badInput_isOneLineNamingTheFileOrHostAndTheFix() throws Exception {
        assertEquals(1, run(null, "integrate", "ghost", "--write"));
        assertEquals("fleetplane: host ghost is unknown to the planner: push " + dir.resolve("hosts.nix")
                + " with it and apply the plan first (fleetplane push " + dir.resolve("hosts.nix") + ")\n", err.toString());

        assertEquals(1, run(null, "integrate", "db", "--write"));
        assertTrue(err.toString().startsWith("fleetplane: host db is Provisioning, not Ready: its host key is"
                + " discovered when provisioning finishes"), err.toString());

        assertEquals(1, run(null, "integrate", "dev", "--write"));
        assertTrue(err.toString().contains("host dev was adopted, not provisioned by fleetplane"), err.toString());

        assertEquals(1, run(null, "integrate", "api", "--write"));
        assertTrue(err.toString().startsWith("fleetplane: " + dir.resolve("hosts.nix") + " has no host 'api': add it"
                + " (fleetplane new api)"), err.toString());

        Files.writeString(dir.resolve(".sops.yaml"), "keys:\n  - &a age1x\ncreation_rules: [\n  - oops\n");
        assertEquals(1, run(null, "integrate", "web", "--write"));
        assertTrue(err.toString().startsWith("fleetplane: " + dir.resolve(".sops.yaml") + " is not valid YAML"),
                err.toString());
        assertTrue(err.toString().contains("name another file with --sops FILE"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());

        assertEquals(1, run(null, "integrate", "web", "--write", "--sops", dir.resolve("missing.yaml").toString()));
        assertTrue(err.toString().contains("sops configuration " + dir.resolve("missing.yaml") + " does not exist"),
                err.toString());
    }
}
