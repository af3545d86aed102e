package dev.fleetplane.proxmox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The proxmox-client's part of the hostile-input corpus ({@code hostile-corpus/proxmox/}, see its README): each file is
 * an answer a Proxmox (or a proxy in front of it) might give; a tiny HTTP server replays it to the real client, and
 * the call must come back with its result or a {@link PveException} naming the call, never another exception (a
 * NullPointerException, a ClassCastException, a Jackson error), and never the token's secret.
 */
@QuarkusTest
class HostileAnswersIT {

    private static final String TOKEN = "fleetplane@pve!client";
    private static final String SECRET = "5b1c2d3e-ffff-4aaa-8bbb-0123456789cd";
    private static final String TASK = "UPID:pve:00000ACD:00006AE8:679A423B:qmclone:9003:root@pam:";
    private static final Pattern REPEAT = Pattern.compile("\\$\\{REPEAT:(\\d+):([^}]*)}");
    private static final List<String> LEAKS = List.of(SECRET, "\tat ", "Caused by");

    private static HttpServer server;
    private static volatile byte[] answer = new byte[0];
    private static volatile int status = 200;
    private static ProxmoxClient pve;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = answer;
            exchange.getResponseHeaders().add("Content-Type", "application/json;charset=UTF-8");
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        pve = ProxmoxClient.connect(PveConnection.of("http://127.0.0.1:" + server.getAddress().getPort()
                + "/api2/json", TOKEN, SECRET));
    }

    @AfterAll
    static void stop() {
        if (pve != null) {
            pve.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    record Case(String name, byte[] body, Properties expect) {
        @Override
        public String toString() {
            return "proxmox/" + name;
        }
    }

    @TestFactory
    Stream<DynamicTest> proxmoxAnswers() throws IOException {
        List<Case> cases = cases();
        System.out.println("hostile-corpus: proxmox " + cases.size() + " inputs");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(c)));
    }

    private static synchronized void run(Case c) {
        answer = c.body();
        status = Integer.parseInt(c.expect().getProperty("http-status", "200"));
        String outcome = c.expect().getProperty("outcome");
        Object result;
        try {
            result = call(c.expect().getProperty("call"));
        } catch (PveException e) {
            String text = e.getMessage();
            for (String leak : LEAKS) {
                if (text.contains(leak)) {
                    throw new AssertionError(c + ": the error carries '" + leak + "': " + text);
                }
            }
            assertEquals("error", outcome, c + ": failed with " + text);
            String message = c.expect().getProperty("message", "");
            if (!text.contains(message)) {
                throw new AssertionError(c + ": the error should contain '" + message + "': " + text);
            }
            return;
        } catch (RuntimeException e) {
            throw new AssertionError(c + ": not a PveException but " + e, e);
        }
        assertEquals("ok", outcome, c + ": returned " + cut(String.valueOf(result)));
        String expected = c.expect().getProperty("result", "");
        if (!String.valueOf(result).contains(expected)) {
            throw new AssertionError(c + ": the result should contain '" + expected + "': "
                    + cut(String.valueOf(result)));
        }
    }

    private static Object call(String name) {
        return switch (name) {
            case "clusterVms" -> pve.clusterVms();
            case "clone" -> pve.clone("pve", 9003, new CloneRequest(111, "web", true, null));
            case "config" -> pve.config("pve", 111);
            case "status" -> pve.status("pve", 111);
            case "taskStatus" -> pve.taskStatus(Upid.parse(TASK));
            case "guestInterfaces" -> pve.guestInterfaces("pve", 111);
            case "version" -> pve.version();
            case "nextId" -> pve.nextId();
            default -> throw new IllegalStateException("unknown call '" + name + "'");
        };
    }

    private static List<Case> cases() throws IOException {
        Path dir = root().resolve("proxmox");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().map(f -> {
                String name = f.getFileName().toString().replaceFirst("\\.json$", "");
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(dir.resolve(name + ".expect"), StandardCharsets.UTF_8)) {
                    p.load(r);
                    String body = expand(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                            .replace("${SECRET}", SECRET);
                    return new Case(name, body.getBytes(StandardCharsets.ISO_8859_1), p);
                } catch (IOException e) {
                    throw new UncheckedIOException(name + " has no readable .expect", e);
                }
            }).toList();
        }
    }

    /** The same expansion as local-stack's HostileCorpus (this module does not depend on the local stack). */
    private static String expand(String s) {
        Matcher m = REPEAT.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2).repeat(Integer.parseInt(m.group(1)))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("hostile-corpus"))) {
                return p.resolve("hostile-corpus");
            }
        }
        throw new IllegalStateException("no hostile-corpus/ above " + Path.of("").toAbsolutePath());
    }

    private static String cut(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "…" : s;
    }
}
