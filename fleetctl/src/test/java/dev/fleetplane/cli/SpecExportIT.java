package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code fleetplane spec export} in-process against a small HTTP server answering the planner's documented
 * {@code GET /api/v1/specs/latest/content} and {@code GET /api/v1/specs/{v}[/content]} (the planner side is
 * SpecPatchIT); the output is evaluated with the real nix-instantiate.
 */
class SpecExportIT {

    static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer planner;
    private JsonNode patched;
    private JsonNode original;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        original = HostsFile.evaluate(Files.readString(Path.of("../examples/hosts.nix")), Duration.ofSeconds(30));
        patched = original.deepCopy();
        ((ObjectNode) patched.path("web").path("proxmox")).put("memory", 8192);
        planner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        planner.createContext("/api/v1/specs/", x -> {
            String path = x.getRequestURI().getPath();
            String query = String.valueOf(x.getRequestURI().getQuery());
            if (path.equals("/api/v1/specs/latest/content") && query.equals("fleet=default")) {
                x.getResponseHeaders().add("X-Fleetplane-Spec-Version", "7");
                answer(x, 200, patched.toString());
            } else if (path.equals("/api/v1/specs/latest/content")) {
                answer(x, 404, "{\"error\": \"fleet " + query.substring(6) + " has no spec version yet; push one with"
                        + " `fleetplane push FILE --fleet " + query.substring(6) + "`\"}");
            } else if (path.equals("/api/v1/specs/3")) {
                answer(x, 200, "{\"specVersion\": 3, \"fleet\": \"default\", \"status\": \"planned\"}");
            } else if (path.equals("/api/v1/specs/3/content")) {
                answer(x, 200, original.toString());
            } else {
                answer(x, 404, "{\"error\": \"no spec version\"}");
            }
        });
        planner.start();
    }

    @AfterEach
    void stop() {
        planner.stop(0);
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = FleetctlMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--planner";
        all[args.length + 1] = "http://127.0.0.1:" + planner.getAddress().getPort();
        return cli.execute(all);
    }

    @Test
    void export_printsTheDesiredStateAsHostsNix_thatEvaluatesToTheSameSpec() throws Exception {
        assertEquals(0, run("spec", "export"), err.toString());
        String text = out.toString();
        assertTrue(text.startsWith("# hosts.nix as spec version 7 of fleet default has it (fleetplane spec export):\n"), text);
        assertTrue(text.contains("    configurationFile = ./hosts/web/configuration.nix;\n"), text);
        assertTrue(text.contains("      memory = 8192;\n"), text);
        assertEquals(patched, HostsFile.evaluate(text, Duration.ofSeconds(30)));

        assertEquals(0, run("spec", "export", "--host", "web"), err.toString());
        String block = out.toString();
        assertTrue(block.startsWith("# host web as spec version 7 of fleet default has it"), block);
        JsonNode web = HostsFile.evaluate("{\n" + block + "}\n", Duration.ofSeconds(30));
        assertEquals(patched.path("web"), web.path("web"));

        assertEquals(0, run("spec", "export", "--spec-version", "3"), err.toString());
        assertEquals(original, HostsFile.evaluate(out.toString(), Duration.ofSeconds(30)));
    }

    @Test
    void anUnknownHostOrFleet_isOneLineNamingIt() {
        assertEquals(1, run("spec", "export", "--host", "ghost"));
        assertEquals("fleetplane: spec version 7 of fleet default has no host 'ghost' (its hosts: db, dev, laptop, web)\n",
                err.toString());
        assertEquals(1, run("spec", "export", "--fleet", "prod"));
        assertTrue(err.toString().contains("fleet prod has no spec version yet; push one with"), err.toString());
    }

    @Test
    void push_printsWhichPatchesTheFileReverts_andWhetherAutoApproveWasWithheld() throws Exception {
        JsonNode accepted = JSON.readTree("""
                {"specVersion": 8, "autoApprove": true, "autoApproveWithheld": true, "reverts": [
                  "reverts patch of web.proxmox.memory 4096 → 8192 by alice at 2026-12-07T10:00:00Z (spec version 7)"]}""");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean withheld = PushCommand.warnAboutReverts(accepted, Path.of("hosts.nix"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String warning = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(withheld);
        assertTrue(warning.startsWith("Warning: hosts.nix does not contain a host patch made since it was last pushed;"
                + " this spec version undoes it:\n  reverts patch of web.proxmox.memory 4096 → 8192 by alice at"
                + " 2026-12-07T10:00:00Z (spec version 7)\n"), warning);
        assertTrue(warning.contains("--allow-revert"), warning);
        assertEquals(false, PushCommand.warnAboutReverts(JSON.readTree("{\"reverts\": []}"), Path.of("hosts.nix"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }
}
