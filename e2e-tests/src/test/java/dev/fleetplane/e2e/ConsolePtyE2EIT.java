package dev.fleetplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./fleetplane console dev} as an operator runs it, in a real terminal: {@code ./fleetplane up} on the
 * simulator (its console user, the operator's token in {@code $FLEETPLANE_HOME/console-token}, the gateway's
 * operators file: all FleetStack's wiring), then the command inside a pty made by util-linux {@code script}. Through
 * the pty: the getty's login, {@code hostname} answered with the VM's name, {@code Ctrl-]} leaves with exit 0, and
 * {@code stty -g} inside the pty is the same before and after. Then {@code console sessions} lists that session.
 */
class ConsolePtyE2EIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofMinutes(4);
    private static final Duration STEP = Duration.ofSeconds(60);

    private UpStack stack;
    private Path tmp;

    @BeforeEach
    void dirs() throws IOException {
        stack = new UpStack("console");
        tmp = stack.dir();
    }

    @AfterEach
    void stopAll() throws Exception {
        stack.close();
    }

    @Test
    void console_inAPty_logsIn_answersHostname_leavesOnCtrlBracket_restoresTheTerminal_andIsListed() throws Exception {
        stack.start(START);
        Path token = tmp.resolve("home/console-token");
        String consoleLine = stack.output().stream().filter(l -> l.startsWith("console: ")).findFirst()
                .orElseThrow(() -> new AssertionError("up printed no console line: " + stack.output()));
        assertTrue(consoleLine.matches("console: http://127\\.0\\.0\\.1:\\d+/console/ \\(token in "
                + Pattern.quote(token.toString()) + "; or `fleetplane console HOST`\\)"), consoleLine);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                tmp.resolve("home/stack.json"))), "the stack file is the user's only");

        Path script = tmp.resolve("in-the-pty.sh");
        Files.writeString(script, String.join("\n",
                "stty -g > " + tmp.resolve("stty-before"),
                stack.repo().resolve("fleetplane") + " console dev",
                "echo \"console-exit=$?\"",
                "stty -g > " + tmp.resolve("stty-after"),
                ""));
        ProcessBuilder pb = stack.launcher("script", "-qec", "sh " + script, "/dev/null");
        Process pty = pb.redirectErrorStream(true).start();
        Screen screen = new Screen(pty.getInputStream());
        try (OutputStream keys = pty.getOutputStream()) {
            screen.await("Connected to dev (VM 110 on pve) via pve-api. Ctrl-] leaves.");
            screen.await("you have the keyboard");
            type(keys, "\r");
            screen.await("dev login: ");
            type(keys, "root\r");
            screen.await("Password: ");
            type(keys, "any-password\r");
            screen.await("[root@dev:~]# ");
            type(keys, "hostname\r");
            screen.await("hostname\r\ndev\r\n[root@dev:~]# ");
            keys.write(0x1d); // Ctrl-]
            keys.flush();
            screen.await("left the console of dev");
            screen.await("console-exit=0");
        }
        assertTrue(pty.waitFor(30, TimeUnit.SECONDS), "script did not end:\n" + screen.text());
        System.out.println("[pty] " + screen.text().replace("\r", "").replace("\n", "\n[pty] "));
        assertEquals(0, pty.exitValue(), screen.text());
        String before = Files.readString(tmp.resolve("stty-before")).strip();
        assertFalse(before.isEmpty(), screen.text());
        assertEquals(before, Files.readString(tmp.resolve("stty-after")).strip(),
                "the terminal was not restored:\n" + screen.text());
        assertFalse(screen.text().contains("any-password"), "the password was echoed:\n" + screen.text());

        // The gateway recorded the session: closed, with bytes both ways (the audit is written as the socket closes).
        JsonNode session = awaitClosedSession();
        assertTrue(session.path("bytesIn").asLong() >= "\rroot\rany-password\rhostname\r".length(), session.toString());
        assertTrue(session.path("bytesOut").asLong() > 0, session.toString());
        assertEquals("pve-api", session.path("backend").asText(), session.toString());
        String table = stack.cli("console", "sessions", "--host", "dev");
        String operator = session.path("operator").asText();
        assertTrue(table.lines().anyMatch(l -> l.startsWith(operator + " ") && l.contains(" dev ")
                && l.contains(" " + session.path("bytesIn").asLong() + " ")
                && l.contains(" " + session.path("bytesOut").asLong() + " ")), table);

        assertTrue(stack.stop(Duration.ofSeconds(90)), "up did not stop on SIGTERM");
        assertFalse(Files.exists(token), "up left the console token behind");
    }

    /** The newest session of dev, once the gateway has closed it. */
    private JsonNode awaitClosedSession() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode sessions;
        do {
            sessions = JSON.readTree(stack.cli("console", "sessions", "--host", "dev", "--json"));
            if (sessions.size() > 0 && sessions.get(0).hasNonNull("closedAt")) {
                return sessions.get(0);
            }
            Thread.sleep(300);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no closed session of dev within 30 s: " + sessions);
    }

    private static void type(OutputStream keys, String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    /** Everything the pty showed, and a wait for a text to appear in it. */
    private static final class Screen {
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private int from;

        Screen(InputStream in) {
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        synchronized (seen) {
                            seen.write(buffer, 0, n);
                            seen.notifyAll();
                        }
                    }
                } catch (IOException ended) {
                    // the pty closed
                }
            }, "pty-reader");
            reader.setDaemon(true);
            reader.start();
        }

        String text() {
            synchronized (seen) {
                return seen.toString(StandardCharsets.UTF_8);
            }
        }

        /** Waits until {@code expected} appears after what the last wait found. */
        void await(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + STEP.toNanos();
            synchronized (seen) {
                while (true) {
                    String all = seen.toString(StandardCharsets.UTF_8);
                    int at = all.indexOf(expected, from);
                    if (at >= 0) {
                        from = at + expected.length();
                        return;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fail("the pty never showed '" + expected.replace("\r", "\\r").replace("\n", "\\n")
                                + "'; it showed:\n" + all.substring(Math.min(from, all.length())));
                    }
                    seen.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }
    }
}
