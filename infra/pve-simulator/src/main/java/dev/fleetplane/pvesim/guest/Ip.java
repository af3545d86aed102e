package dev.fleetplane.pvesim.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code ip} (iproute2) and the other root-only tools netns guests need, with their output in the error. */
final class Ip {

    static final String IP = "/usr/sbin/ip";

    private Ip() {
    }

    /** Runs {@code ip args…}; returns its stdout, throws with the command and its output when it fails. */
    static String ip(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(IP);
        command.addAll(List.of(args));
        return run(command);
    }

    static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", command) + "' did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running '" + String.join(" ", command) + "'", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("'" + String.join(" ", command) + "' failed with exit code " + p.exitValue() + ": "
                    + out.strip());
        }
        return out;
    }

    /** Like {@link #ip} but for clean-up: failures (already gone) are ignored. */
    /**
     * Runs many {@code ip} commands in one process ({@code ip -force -batch -}: every line is tried, failures such as
     * an object already gone are ignored).
     */
    static void batchQuietly(List<String> commands) {
        if (commands.isEmpty()) {
            return;
        }
        try {
            Process p = new ProcessBuilder(IP, "-force", "-batch", "-").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (var in = p.getOutputStream()) {
                in.write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // nothing to remove, or ip is gone: what is left is removed by the next simulator's sweep
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void quietly(String... args) {
        try {
            ip(args);
        } catch (IOException e) {
            // already removed, or never created
        }
    }
}
