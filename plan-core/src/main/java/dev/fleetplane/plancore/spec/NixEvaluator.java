package dev.fleetplane.plancore.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Evaluates hosts.nix source with {@code nix-instantiate --eval --strict --json} in a scratch directory,
 * in restricted mode (the source may read nothing outside that directory) and with a time limit.
 */
public class NixEvaluator {

    private final String command;
    private final Duration timeout;

    public NixEvaluator(String command, Duration timeout) {
        this.command = command;
        this.timeout = timeout;
    }

    public JsonNode evaluate(String source) throws NixEvaluationException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("fleetplane-nix-");
            Files.writeString(dir.resolve(NixWrapper.SOURCE_FILE), source, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(NixWrapper.WRAPPER_FILE), NixWrapper.expression(), StandardCharsets.UTF_8);
            return run(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare Nix evaluation: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private JsonNode run(Path dir) throws NixEvaluationException, IOException {
        List<String> argv = new ArrayList<>(List.of(command, "--readonly-mode",
                "--option", "restrict-eval", "true", "-I", dir.toString(),
                "--eval", "--strict", "--json", NixWrapper.WRAPPER_FILE));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.put("NIX_PATH", "");
        env.put("HOME", dir.toString());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new NixEvaluationException(NixEvaluationException.Kind.NIX_MISSING,
                    "cannot run '" + command + "' (" + e.getMessage() + "): install Nix to submit hosts.nix source "
                            + "(Debian: apt-get install -y nix-bin) or submit the evaluated JSON instead");
        }
        p.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new NixEvaluationException(NixEvaluationException.Kind.TIMEOUT,
                        "evaluating hosts.nix took longer than " + timeout.toSeconds() + " s; stopped");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NixEvaluationException(NixEvaluationException.Kind.TIMEOUT, "evaluation interrupted");
        }
        String stderr = new String(err.join(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            String msg = NixWrapper.cleanError(stderr, dir.toString());
            throw new NixEvaluationException(NixEvaluationException.Kind.INVALID_SOURCE,
                    msg.isEmpty() ? "nix-instantiate exited " + p.exitValue() : msg);
        }
        try {
            return Json.MAPPER.readTree(out.join());
        } catch (JsonProcessingException e) {
            throw new NixEvaluationException(NixEvaluationException.Kind.INVALID_SOURCE,
                    "nix-instantiate printed no JSON: " + e.getOriginalMessage());
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover scratch directory is harmless; the next evaluation uses a new one
        }
    }
}
