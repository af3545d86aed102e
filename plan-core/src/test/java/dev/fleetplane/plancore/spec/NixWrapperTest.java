package dev.fleetplane.plancore.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NixWrapperTest {

    @Test
    void expression_importsTheSource_andTurnsPathsIntoStrings() {
        String e = NixWrapper.expression();
        assertTrue(e.contains("import ./hosts.nix"), e);
        assertTrue(e.contains("builtins.isPath v then relative (toString v)"), e);
    }

    @Test
    void cleanError_hidesTheScratchDirectory_andTheTraceHint() {
        String raw = "error: undefined variable 'oops'\n\n       at /tmp/fleetplane-nix-123/hosts.nix:4:7:\n\n"
                + "(use '--show-trace' to show detailed location information)\n";
        assertEquals("error: undefined variable 'oops'\n\n       at hosts.nix:4:7:",
                NixWrapper.cleanError(raw, "/tmp/fleetplane-nix-123"));
    }
}
