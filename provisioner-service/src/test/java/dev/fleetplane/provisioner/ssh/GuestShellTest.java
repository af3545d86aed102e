package dev.fleetplane.provisioner.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GuestShellTest {

    @Test
    void mergedOutput_runsTheCommandUnderShWithStderrIntoStdout() {
        assertEquals("sh -c 'nixos-rebuild switch && echo ok' 2>&1", GuestShell.mergedOutput("nixos-rebuild switch && echo ok"));
    }

    @Test
    void mergedOutput_keepsSingleQuotesOfTheCommandIntact() {
        assertEquals("sh -c 'echo '\\''it'\\''s'\\'' done' 2>&1", GuestShell.mergedOutput("echo 'it's' done"));
    }
}
