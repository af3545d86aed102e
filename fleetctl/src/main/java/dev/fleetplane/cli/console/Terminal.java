package dev.fleetplane.cli.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The terminal this process reads from, through {@code stty}: its settings saved ({@code stty -g}), raw mode
 * ({@code stty raw -echo}), the settings put back, its size. Every {@code stty} runs on this process's own stdin
 * (inherited): the bytes the client reads come from fd 0, so fd 0's line discipline is the one to switch; for a
 * console in a terminal that is the controlling terminal, {@code /dev/tty}. Why {@code stty} and not a terminal
 * library: the JDK has no termios call, JLine's or Lanterna's jars would double the CLI's classpath for four
 * commands, and {@code stty} is in coreutils on every machine that runs fleetplane.
 *
 * <p>{@link #restore} may be called from any thread any number of times (the normal exit, the shutdown hook); it
 * runs {@code stty} once.
 */
public final class Terminal {

    private static final long STTY_TIMEOUT_SECONDS = 5;
    private final String saved;
    private boolean raw;
    private boolean restored;

    private Terminal(String saved) {
        this.saved = saved;
    }

    /** The terminal on stdin with its settings saved, or empty when stdin is not a terminal (a pipe, a file). */
    public static Optional<Terminal> onStdin() throws IOException {
        Result r = stty("-g");
        if (r.status != 0) {
            return Optional.empty(); // "stty: 'standard input': Inappropriate ioctl for device"
        }
        return Optional.of(new Terminal(TerminalState.saved(r.out)));
    }

    /** The settings as they were before this client changed them. */
    public String saved() {
        return saved;
    }

    /** No echo, no line editing, no signals from keys, no output processing: every byte goes to the VM as typed. */
    public synchronized void raw() throws IOException {
        Result r = stty("raw", "-echo");
        if (r.status != 0) {
            throw new IOException("stty raw -echo failed (exit " + r.status + "): " + r.err.strip());
        }
        raw = true;
    }

    /** Whether raw mode is on: lines written then need {@code \r\n}, the terminal no longer adds the {@code \r}. */
    public synchronized boolean isRaw() {
        return raw && !restored;
    }

    /** Puts the saved settings back (once); an error says how to do it by hand. */
    public synchronized void restore() throws IOException {
        if (restored || !raw) {
            restored = true;
            return;
        }
        restored = true;
        Result r = stty(saved);
        if (r.status != 0) {
            throw new IOException("could not restore the terminal (stty exit " + r.status + ": " + r.err.strip()
                    + "); type `stty sane` and Enter");
        }
    }

    /** The window's size now, or empty when the terminal does not know it. */
    public Optional<TerminalState.WindowSize> size() throws IOException {
        Result r = stty("size");
        if (r.status != 0) {
            return Optional.empty();
        }
        return TerminalState.size(r.out);
    }

    private record Result(int status, String out, String err) {
    }

    private static Result stty(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        try {
            if (!p.waitFor(STTY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("stty " + String.join(" ", args) + " did not finish in " + STTY_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running stty", e);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
