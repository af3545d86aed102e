package dev.fleetplane.plancore.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runs the real nix-instantiate (Debian: nix-bin). */
class NixEvaluatorIT {

    final NixEvaluator nix = new NixEvaluator("nix-instantiate", Duration.ofSeconds(10));

    @Test
    void exampleFleet_evaluates_withMissingConfigurationFilesAsRelativeStrings() throws Exception {
        String source = Files.readString(Path.of("../examples/hosts.nix"));
        JsonNode json = nix.evaluate(source);
        assertEquals("./hosts/web/configuration.nix", json.at("/web/configurationFile").asText());
        assertEquals(9003, json.at("/_proxmox/templateVmid").asInt());
        assertFalse(json.at("/dev/proxmox/cloneFromTemplate").asBoolean(true));
        assertEquals(112, json.at("/db/proxmox/vmid").asInt());
        assertTrue(json.at("/laptop/proxmox").isMissingNode());
        SpecValidator.Result r = SpecValidator.validate(json);
        assertTrue(r.valid(), r.problems().toString());
        assertEquals(3, r.spec().orElseThrow().managedHosts().size());
    }

    @Test
    void pathsInListsAndNestedSets_andFunctions_becomeStrings() throws Exception {
        JsonNode json = nix.evaluate("""
                { a = { files = [ ./x.nix ./y/z.nix ]; f = x: x; abs = /etc/nixos/configuration.nix; }; }""");
        assertEquals("./x.nix", json.at("/a/files/0").asText());
        assertEquals("./y/z.nix", json.at("/a/files/1").asText());
        assertEquals("<function>", json.at("/a/f").asText());
        assertEquals("/etc/nixos/configuration.nix", json.at("/a/abs").asText());
    }

    @Test
    void fileThatIsAFunctionWithDefaults_isCalled() throws Exception {
        JsonNode json = nix.evaluate("{ admin ? \"root\" }: { web = { user = admin; }; }");
        assertEquals("root", json.at("/web/user").asText());
    }

    @Test
    void syntaxError_namesFileAndLine_notTheScratchDirectory() {
        NixEvaluationException e = assertThrows(NixEvaluationException.class,
                () -> nix.evaluate("{\n  web = {\n    user = ;\n  };\n}\n"));
        assertEquals(NixEvaluationException.Kind.INVALID_SOURCE, e.kind());
        assertTrue(e.getMessage().contains("hosts.nix:3:12"), e.getMessage());
        assertFalse(e.getMessage().contains("fleetplane-nix-"), e.getMessage());
    }

    @Test
    void readingFilesOutsideTheSpec_isForbidden() {
        NixEvaluationException e = assertThrows(NixEvaluationException.class,
                () -> nix.evaluate("{ secret = builtins.readFile /etc/passwd; }"));
        assertTrue(e.getMessage().contains("forbidden in restricted mode"), e.getMessage());
    }

    @Test
    void realExpressionThatNeverEnds_isStopped_atTheTimeLimit() {
        // Exponential recursion: about 10^12 calls, so it never finishes in practice (its memory grows too,
        // about 100 MB a second, which is why the limit is short).
        NixEvaluator quick = new NixEvaluator("nix-instantiate", Duration.ofSeconds(1));
        long start = System.nanoTime();
        NixEvaluationException e = assertThrows(NixEvaluationException.class, () -> quick.evaluate(
                "let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in { x = fib 60; }"));
        assertEquals(NixEvaluationException.Kind.TIMEOUT, e.kind(), e.getMessage());
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "stopped at the limit");
    }

    @Test
    void evaluationThatHangs_isStopped_atTheTimeLimit() throws Exception {
        // A binary that hangs without using memory: the limit holds whatever nix-instantiate does.
        Path hang = Files.createTempFile("fleetplane-hanging-nix-", ".sh");
        try {
            Files.writeString(hang, "#!/bin/sh\nexec sleep 30\n");
            hang.toFile().setExecutable(true);
            NixEvaluator quick = new NixEvaluator(hang.toString(), Duration.ofMillis(500));
            long start = System.nanoTime();
            NixEvaluationException e = assertThrows(NixEvaluationException.class, () -> quick.evaluate("{ }"));
            assertEquals(NixEvaluationException.Kind.TIMEOUT, e.kind(), e.getMessage());
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "stopped long before the hang ends");
        } finally {
            Files.deleteIfExists(hang);
        }
    }

    @Test
    void missingNix_saysToInstallNixBin() {
        NixEvaluator none = new NixEvaluator("/nonexistent/nix-instantiate", Duration.ofSeconds(1));
        NixEvaluationException e = assertThrows(NixEvaluationException.class, () -> none.evaluate("{ }"));
        assertEquals(NixEvaluationException.Kind.NIX_MISSING, e.kind());
        assertTrue(e.getMessage().contains("apt-get install -y nix-bin"), e.getMessage());
    }
}
