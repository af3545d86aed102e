package dev.fleetplane.templates.build;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a build command in its directory with a time limit: stdout and stderr merged, line by line to a consumer; past
 * the limit the whole process tree is killed (a Nix build forks builders).
 */
public final class BuildProcess {

    /** How the command ended: its exit code, or killed at the limit. */
    public record Result(int exitCode, boolean timedOut, Duration took) {
        public boolean ok() {
            return !timedOut && exitCode == 0;
        }
    }

    private BuildProcess() {
    }

    public static Result run(List<String> argv, Path dir, Duration limit, Consumer<String> lines) throws IOException {
        long start = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IOException("cannot start '" + argv.get(0) + "' in " + dir + ": " + e.getMessage(), e);
        }
        AtomicBoolean killed = new AtomicBoolean();
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    killed.set(true);
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }, "build-limit");
        watchdog.setDaemon(true);
        watchdog.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.accept(line);
            }
        }
        int code;
        try {
            code = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException("interrupted while the build ran", e);
        }
        watchdog.interrupt();
        return new Result(code, killed.get(), Duration.ofNanos(System.nanoTime() - start));
    }
}
