package dev.fleetplane.plancore.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NixWrapperTest {

    @Test
    void expression_importsTheHostsFileItIsGiven_andTurnsPathsIntoStrings() {
        String e = NixWrapper.expression();
        assertTrue(e.startsWith("{ hostsFile, hostsDir, root }:"), e);
        assertTrue(e.contains("import (/. + hostsFile)"), e);
        assertTrue(e.contains("builtins.isPath v then relative (toString v)"), e);
    }

    @Test
    void cleanError_hidesTheScratchDirectory_andTheTraceHint() {
        String raw = "error: undefined variable 'oops'\n\n       at /tmp/fleetplane-nix-123/hosts.nix:4:7:\n\n"
                + "(use '--show-trace' to show detailed location information)\n";
        assertEquals("error: undefined variable 'oops'\n\n       at hosts.nix:4:7:",
                NixWrapper.cleanError(raw, "/tmp/fleetplane-nix-123"));
    }

    @Test
    void cleanError_namesFilesRelativeToTheRoot_dropsGcWarnings_andCutsLongTraces() {
        String raw = "GC Warning: Failed to expand heap by 8000131072 bytes\n"
                + "error: getting status of '/home/ops/flake/vms.nix': No such file or directory\n"
                + "       at /home/ops/flake/hosts.nix:2:10:\n       HOME=/tmp/fleetplane-nix-9\n";
        assertEquals("error: getting status of 'vms.nix': No such file or directory\n"
                + "       at hosts.nix:2:10:\n       HOME=.",
                NixWrapper.cleanError(raw, "/home/ops/flake", "/tmp/fleetplane-nix-9", 40));
        assertEquals("a\nb\n       … (2 more lines of trace)", NixWrapper.cleanError("a\nb\nc\nd", null, null, 2));
        assertEquals("error: boom\n\n       at hosts.nix:1:3:", NixWrapper.cleanError("error: boom\n\n       at /r/hosts.nix:1:3:"
                + "\n\n       … while evaluating 'plain'\n\n       at «string»:17:11:\n", "/r", null, 40));
    }
}
