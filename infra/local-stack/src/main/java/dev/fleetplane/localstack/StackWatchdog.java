package dev.fleetplane.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A bash process that stops the stack's PostgreSQL and broker and removes its directories (unless the stack keeps
 * its data) if this JVM dies without
 * closing the stack (SIGKILL, OOM kill): a child process is not killed with its parent, so someone must outlive it.
 * It learns of the death by EOF on its stdin (this JVM holds the only write end) and by polling this JVM's pid.
 */
final class StackWatchdog implements AutoCloseable {

    private static final String SCRIPT = "stack-watchdog.sh";

    private final Process process;
    private final OutputStream commands;

    private StackWatchdog(Process process) {
        this.process = process;
        this.commands = process.getOutputStream();
    }

    /** {@code keepData}: after a killed owner, stop the servers but leave the directories (a persistent stack). */
    static StackWatchdog start(long ownerPid, Path workDir, boolean keepData) {
        String script;
        try (InputStream in = StackWatchdog.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new LocalStackException("watchdog: resource " + SCRIPT + " is missing from the local-stack jar");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LocalStackException("watchdog: cannot read " + SCRIPT + ": " + e.getMessage(), e);
        }
        try {
            Process process = new ProcessBuilder("bash", "-c", script, "fleetplane-stack-watchdog",
                    String.valueOf(ownerPid), workDir.toString(), keepData ? "keep" : "remove")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new StackWatchdog(process);
        } catch (IOException e) {
            throw new LocalStackException("watchdog: cannot start bash (needed to clean up after a killed JVM): "
                    + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    synchronized void watchPostgres(long pid, Path dir) {
        send("postgres " + pid + " " + dir);
    }

    synchronized void watchBroker(long pid) {
        send("broker " + pid);
    }

    /** A clean close: the owner stops everything itself, the watchdog just leaves. */
    @Override
    public synchronized void close() {
        if (process.isAlive()) {
            try {
                send("release");
                commands.close();
            } catch (LocalStackException | IOException e) {
                // Gone already.
            }
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void send(String line) {
        try {
            commands.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
        } catch (IOException e) {
            throw new LocalStackException("watchdog: it exited early (" + e.getMessage()
                    + "); the stack would not be cleaned up after a crash", e);
        }
    }
}
