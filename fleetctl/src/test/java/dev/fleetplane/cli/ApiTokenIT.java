package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI's token (docs/access.md) against a planner stand-in that records what arrives and answers like the real
 * doors: sent as {@code Authorization: Bearer} on every call from {@code --token-file}, refused when others may read
 * the file, and a 403 printed in words naming where the token came from.
 */
class ApiTokenIT {

    @TempDir
    Path dir;

    private HttpServer planner;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        planner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        planner.createContext("/api/v1/hosts", x -> {
            authorizations.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
            byte[] body = (status == 200 ? "[]" : "{\"error\":\"needs role viewer or ci; token ci-bot has console\"}")
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        planner.start();
    }

    @AfterEach
    void stop() {
        planner.stop(0);
    }

    private int run(String... args) {
        err.getBuffer().setLength(0);
        CommandLine cli = FleetctlMain.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path tokenFile(String mode) throws Exception {
        Path f = dir.resolve("token-" + mode);
        Files.writeString(f, "s3cret-of-the-test\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private String url() {
        return "http://127.0.0.1:" + planner.getAddress().getPort();
    }

    @Test
    void theTokenFromTokenFile_isSentAsBearer() throws Exception {
        assertEquals(0, run("--token-file", tokenFile("rw-------").toString(), "status", "--planner", url()),
                err.toString());
        assertEquals(List.of("Bearer s3cret-of-the-test"), authorizations);
    }

    @Test
    void aTokenFileOthersMayRead_isRefused_beforeAnyCall() throws Exception {
        Path open = tokenFile("rw-r--r--");
        assertEquals(1, run("--token-file", open.toString(), "status", "--planner", url()));
        assertTrue(err.toString().contains("--token-file " + open + " may be read by others (mode 0644)"),
                err.toString());
        assertEquals(List.of(), authorizations);
    }

    @Test
    void a403_isPrintedInWords_namingTheRoleAndWhereTheTokenCameFrom() throws Exception {
        status = 403;
        Path file = tokenFile("rw-------");
        assertEquals(1, run("--token-file", file.toString(), "status", "--planner", url()));
        assertTrue(err.toString().contains("GET /api/v1/hosts answered 403 from the planner: needs role viewer or ci; "
                + "token ci-bot has console; the token from --token-file " + file + " lacks that role"), err.toString());
        assertTrue(!err.toString().contains("s3cret"), "the token never appears in an error");
    }
}
