package dev.fleetplane.plancore.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real nix-instantiate (Debian: nix-bin) under prlimit (util-linux). */
class NixEvaluatorIT {

    /** The multi-file fleet other modules' tests read too. */
    static final Path SEED_FLEET = Path.of("src/test/resources/seed-fleet");

    final NixEvaluator nix = new NixEvaluator("nix-instantiate", Duration.ofSeconds(10));

    @TempDir
    Path tmp;

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
        NixEvaluationException e = assertThrows(NixEvaluationException.class, () -> quick.evaluate(
                "let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in { x = fib 60; }"));
        assertEquals(NixEvaluationException.Kind.TIMEOUT, e.kind(), e.getMessage());
    }

    @Test
    void evaluationThatHangs_isStopped_atTheTimeLimit() throws Exception {
        // A binary that hangs without using memory: the limit holds whatever nix-instantiate does.
        Path hang = Files.createTempFile("fleetplane-hanging-nix-", ".sh");
        try {
            Files.writeString(hang, "#!/bin/sh\nexec sleep 30\n");
            hang.toFile().setExecutable(true);
            NixEvaluator quick = new NixEvaluator(hang.toString(), Duration.ofMillis(500));
            NixEvaluationException e = assertThrows(NixEvaluationException.class, () -> quick.evaluate("{ }"));
            assertEquals(NixEvaluationException.Kind.TIMEOUT, e.kind(), e.getMessage());
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

    @Test
    void seedFleet_withImports_letBoundKeys_pathLiterals_andAHomeManagerHost_evaluatesAndValidates() throws Exception {
        JsonNode json = nix.evaluateFile(SEED_FLEET.resolve("hosts.nix"), SEED_FLEET);
        assertEquals("./hosts/web/configuration.nix", json.at("/web/configurationFile").asText());
        assertEquals("./hosts/db/configuration.nix", json.at("/db/configurationFile").asText(),
                "a path written in vms/definitions.nix is relative to the hosts file too");
        assertEquals("./hosts/laptop/home.nix", json.at("/laptop/homeFile").asText());
        assertEquals(json.at("/laptop/authorizedKeys"), json.at("/web/authorizedKeys"));
        assertEquals(2, json.at("/web/authorizedKeys").size());
        assertTrue(json.at("/laptop/publicKey").asText().endsWith("root@laptop"), json.toString());
        assertEquals(110, json.at("/dev/proxmox/vmid").asInt());
        assertEquals(8192, json.at("/dev/proxmox/memory").asInt());
        assertEquals("32G", json.at("/db/proxmox/disk").asText());
        SpecValidator.Result r = SpecValidator.validate(json);
        assertTrue(r.valid(), r.problems().toString());
        assertEquals(List.of("db", "dev", "web"), r.spec().orElseThrow().managedHosts().stream()
                .map(HostSpec::name).sorted().toList());
        assertTrue(r.spec().orElseThrow().hostNames().contains("laptop"));
    }

    @Test
    void seedFleet_sentAsSourceAlone_namesTheMissingImport_andSaysWhy() throws Exception {
        NixEvaluationException e = assertThrows(NixEvaluationException.class,
                () -> nix.evaluate(Files.readString(SEED_FLEET.resolve("hosts.nix"))));
        assertEquals(NixEvaluationException.Kind.INVALID_SOURCE, e.kind());
        assertTrue(e.getMessage().contains("getting status of 'vms.nix': No such file or directory"), e.getMessage());
        assertTrue(e.getMessage().contains("at hosts.nix:"), e.getMessage());
        assertTrue(e.getMessage().contains("fleetplane push FILE"), e.getMessage());
        assertNoScratchPath(e);
    }

    @Test
    void aRootAboveTheHostsFile_letsItReadSiblingDirectories_andPathsThereGetDotDot() throws Exception {
        Path root = tmp.resolve("flake");
        write(root.resolve("terranix/hosts.nix"), """
                { web = import ../shared/web.nix // { key = builtins.readFile ../keys/web.pub;
                    exists = builtins.pathExists ../keys/web.pub; absent = builtins.pathExists ./nope.nix; }; }""");
        write(root.resolve("shared/web.nix"), "{ configurationFile = ../hosts/web/configuration.nix; self = ./.; }");
        write(root.resolve("keys/web.pub"), "ssh-ed25519 AAAA web");
        JsonNode json = nix.evaluateFile(root.resolve("terranix/hosts.nix"), root);
        assertEquals("../hosts/web/configuration.nix", json.at("/web/configurationFile").asText());
        assertEquals("../shared", json.at("/web/self").asText());
        assertEquals("ssh-ed25519 AAAA web", json.at("/web/key").asText());
        assertTrue(json.at("/web/exists").asBoolean());
        assertFalse(json.at("/web/absent").asBoolean(true));

        NixEvaluationException e = assertThrows(NixEvaluationException.class,
                () -> nix.evaluateFile(root.resolve("terranix/hosts.nix"), root.resolve("terranix")));
        assertTrue(e.getMessage().contains("forbidden in restricted mode"), e.getMessage());
        assertTrue(e.getMessage().contains("only files under the root"), e.getMessage());
    }

    @Test
    void importOutsideTheRoot_isRefused_evenWhenTheFileExists() throws Exception {
        write(tmp.resolve("secret.nix"), "\"the secret\"");
        Path root = tmp.resolve("fleet");
        write(root.resolve("hosts.nix"), "{ web = { s = import ../secret.nix; }; }");
        NixEvaluationException e = assertThrows(NixEvaluationException.class,
                () -> nix.evaluateFile(root.resolve("hosts.nix"), root));
        assertEquals(NixEvaluationException.Kind.INVALID_SOURCE, e.kind());
        assertTrue(e.getMessage().contains("access to absolute path '" + tmp.toRealPath().resolve("secret.nix")
                + "' is forbidden in restricted mode"), e.getMessage());
        assertTrue(e.getMessage().contains("at hosts.nix:1:"), e.getMessage());
        assertFalse(e.getMessage().contains("the secret"), e.getMessage());
    }

    @Test
    void importOfAnAbsolutePath_andReadingEtcShadow_areRefused() throws Exception {
        Path root = tmp.resolve("fleet");
        write(root.resolve("hosts.nix"), "{ web = import /etc/passwd; }");
        NixEvaluationException passwd = assertThrows(NixEvaluationException.class,
                () -> nix.evaluateFile(root.resolve("hosts.nix"), root));
        assertTrue(passwd.getMessage().contains("access to absolute path '/etc/passwd' is forbidden"),
                passwd.getMessage());
        write(root.resolve("vms.nix"), "{ web.key = builtins.readFile /etc/shadow; }");
        write(root.resolve("hosts.nix"), "import ./vms.nix");
        NixEvaluationException shadow = assertThrows(NixEvaluationException.class,
                () -> nix.evaluateFile(root.resolve("hosts.nix"), root));
        assertTrue(shadow.getMessage().contains("access to absolute path '/etc/shadow' is forbidden"),
                shadow.getMessage());
        assertTrue(shadow.getMessage().contains("at vms.nix:1:"), shadow.getMessage());
        NixEvaluationException source = assertThrows(NixEvaluationException.class,
                () -> nix.evaluate("{ web.key = builtins.readFile /etc/shadow; }"));
        assertTrue(source.getMessage().contains("'/etc/shadow' is forbidden in restricted mode"), source.getMessage());
        assertNoScratchPath(source);
    }

    @Test
    void aSymlinkUnderTheRootPointingOutside_isRefused() throws Exception {
        Path root = tmp.resolve("fleet");
        write(root.resolve("hosts.nix"), "{ web.key = builtins.readFile ./key.pub; }");
        Files.createSymbolicLink(root.resolve("key.pub"), Path.of("/etc/passwd"));
        NixEvaluationException e = assertThrows(NixEvaluationException.class,
                () -> nix.evaluateFile(root.resolve("hosts.nix"), root));
        assertTrue(e.getMessage().contains("access to canonical path '/etc/passwd' is forbidden"), e.getMessage());
        assertFalse(e.getMessage().contains("root:"), "nothing of the file is shown: " + e.getMessage());
    }

    @Test
    void aMissingImportedFile_isNamedRelativeToTheRoot_withWhereItIsImported() throws Exception {
        Path root = tmp.resolve("fleet");
        write(root.resolve("hosts.nix"), "let\n  vms = import ./vms.nix { };\nin vms\n");
        NixEvaluationException e = assertThrows(NixEvaluationException.class,
                () -> nix.evaluateFile(root.resolve("hosts.nix"), root));
        assertEquals(NixEvaluationException.Kind.INVALID_SOURCE, e.kind());
        assertTrue(e.getMessage().contains("getting status of 'vms.nix': No such file or directory"), e.getMessage());
        assertTrue(e.getMessage().contains("at hosts.nix:2:9"), e.getMessage());
        assertFalse(e.getMessage().contains("«string»"), "the wrapper's own frames are cut: " + e.getMessage());
        assertFalse(e.getMessage().contains(tmp.toString()), e.getMessage());
        assertNoScratchPath(e);
    }

    @Test
    void aHostsFileOutsideItsRoot_orMissing_isRefusedBeforeNixRuns() throws Exception {
        Path root = tmp.resolve("fleet");
        write(tmp.resolve("hosts.nix"), "{ }");
        Files.createDirectories(root);
        NixEvaluationException outside = assertThrows(NixEvaluationException.class,
                () -> nix.evaluateFile(tmp.resolve("hosts.nix"), root));
        assertEquals("hosts file " + tmp.resolve("hosts.nix") + " is not under the root " + root, outside.getMessage());
        NixEvaluationException missing = assertThrows(NixEvaluationException.class,
                () -> nix.evaluateFile(root.resolve("hosts.nix"), root));
        assertEquals("hosts file " + root.resolve("hosts.nix") + " does not exist", missing.getMessage());
    }

    @Test
    void selfReferenceAndUnboundedRecursion_failFast_namingTheLine() throws Exception {
        Path root = tmp.resolve("fleet");
        write(root.resolve("hosts.nix"), "let x = x + 1; in { web.cores = x; }");
        NixEvaluationException self = assertThrows(NixEvaluationException.class,
                () -> nix.evaluateFile(root.resolve("hosts.nix"), root));
        assertTrue(self.getMessage().contains("infinite recursion encountered"), self.getMessage());
        assertTrue(self.getMessage().contains("hosts.nix:1:9"), self.getMessage());
        write(root.resolve("hosts.nix"), "let f = n: f (n + 1); in { web.cores = f 0; }");
        NixEvaluationException deep = assertThrows(NixEvaluationException.class,
                () -> nix.evaluateFile(root.resolve("hosts.nix"), root));
        assertTrue(deep.getMessage().contains("stack overflow"), deep.getMessage());
    }

    @Test
    void anImportedFileThatNeverEnds_isStopped_atTheTimeLimit_andTheNextEvaluationWorks() throws Exception {
        Path root = tmp.resolve("fleet");
        write(root.resolve("hosts.nix"), "{ web = import ./slow.nix; }");
        write(root.resolve("slow.nix"), "let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in { x = fib 60; }");
        NixEvaluator quick = new NixEvaluator("nix-instantiate", Duration.ofSeconds(1));
        NixEvaluationException e = assertThrows(NixEvaluationException.class,
                () -> quick.evaluateFile(root.resolve("hosts.nix"), root));
        assertEquals(NixEvaluationException.Kind.TIMEOUT, e.kind(), e.getMessage());
        assertEquals("evaluating hosts.nix took longer than 1 s; stopped", e.getMessage());
        assertEquals(3, quick.evaluate("{ web.cores = 3; }").at("/web/cores").asInt());
    }

    @Test
    void aSmallFileWithAHugeValue_isStopped_atTheOutputBound_andTheNextEvaluationWorks() throws Exception {
        // A line of source, 32 MiB of JSON (a string doubled 22 times): read unbounded, 100 MB once took the
        // planner's heap.
        String source = "let d = s: s + s; in { web.blob = builtins.foldl' (s: i: d s) \"xxxxxxxx\" "
                + "(builtins.genList (i: i) 22); }";
        NixEvaluator bounded = new NixEvaluator("nix-instantiate", Duration.ofSeconds(30),
                NixEvaluator.DEFAULT_MEMORY_LIMIT_BYTES, 1024 * 1024);
        NixEvaluationException e = assertThrows(NixEvaluationException.class, () -> bounded.evaluate(source));
        assertEquals(NixEvaluationException.Kind.INVALID_SOURCE, e.kind(), e.getMessage());
        assertEquals("evaluating hosts.nix gave more than 1 MiB of JSON; stopped (a spec is at most that large)",
                e.getMessage());
        assertEquals(3, bounded.evaluate("{ web.cores = 3; }").at("/web/cores").asInt());
    }

    @Test
    void anEvaluationThatEatsMemory_isStopped_atTheMemoryLimit() throws Exception {
        Path root = tmp.resolve("fleet");
        write(root.resolve("hosts.nix"), "{ web.list = builtins.genList (i: i) 100000000; }");
        NixEvaluationException e = assertThrows(NixEvaluationException.class,
                () -> nix.evaluateFile(root.resolve("hosts.nix"), root));
        assertEquals(NixEvaluationException.Kind.INVALID_SOURCE, e.kind());
        assertTrue(e.getMessage().startsWith("evaluating hosts.nix needed more than 1024 MiB of memory; stopped"),
                e.getMessage());
        assertFalse(e.getMessage().contains("GC Warning"), e.getMessage());
        NixEvaluationException source = assertThrows(NixEvaluationException.class,
                () -> nix.evaluate("{ web.list = builtins.genList (i: i) 100000000; }"));
        assertTrue(source.getMessage().contains("MiB of memory"), source.getMessage());
    }

    @Test
    void noNetwork_andNoExec() throws Exception {
        NixEvaluationException url = assertThrows(NixEvaluationException.class,
                () -> nix.evaluate("{ web.x = builtins.readFile (builtins.fetchurl \"http://127.0.0.1:9/x\"); }"));
        assertTrue(url.getMessage().contains("access to URI 'http://127.0.0.1:9/x' is forbidden in restricted mode"),
                url.getMessage());
        NixEvaluationException exec = assertThrows(NixEvaluationException.class,
                () -> nix.evaluate("{ web.x = builtins.exec [ \"id\" ]; }"));
        assertTrue(exec.getMessage().contains("attribute 'exec' missing"), exec.getMessage());
    }

    private static void assertNoScratchPath(Exception e) {
        assertFalse(e.getMessage().contains("fleetplane-nix-"), e.getMessage());
        assertFalse(e.getMessage().contains(System.getProperty("java.io.tmpdir") + "/"), e.getMessage());
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
