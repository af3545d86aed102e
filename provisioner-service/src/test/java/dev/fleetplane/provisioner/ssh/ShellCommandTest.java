package dev.fleetplane.provisioner.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ShellCommandTest {

    @Test
    void quote_wrapsAWordInSingleQuotes() {
        assertEquals("'nixos-rebuild'", ShellCommand.quote("nixos-rebuild"));
        assertEquals("'two words'", ShellCommand.quote("two words"));
    }

    @Test
    void quote_ofTheEmptyString_isAnEmptyWordNotNoWord() {
        assertEquals("''", ShellCommand.quote(""));
    }

    @Test
    void quote_writesEachInnerSingleQuoteAsCloseEscapedQuoteReopen() {
        assertEquals("'it'\\''s'", ShellCommand.quote("it's"));
        assertEquals("''\\'''\\'''", ShellCommand.quote("''"));
    }

    @Test
    void quote_leavesDollarBackticksBackslashesAndNewlinesLiteral() {
        assertEquals("'$HOME $(reboot) `reboot` \\n'", ShellCommand.quote("$HOME $(reboot) `reboot` \\n"));
        assertEquals("'line one\nline two'", ShellCommand.quote("line one\nline two"));
    }

    @Test
    void quote_refusesNul() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShellCommand.quote("a\0b"));
        assertEquals("a shell word cannot hold a NUL character", e.getMessage());
    }

    @Test
    void underSh_runsTheCommandAsOneArgumentOfShC() {
        assertEquals("sh -c 'echo '\\''hi'\\'' > /tmp/x'", ShellCommand.underSh("echo 'hi' > /tmp/x"));
    }

    @Test
    void asRoot_leavesRootsCommandAlone() {
        assertEquals("nixos-rebuild switch", ShellCommand.asRoot("root", "nixos-rebuild switch"));
    }

    @Test
    void asRoot_runsAnyOtherUsersWholeCommandUnderSudoWithoutPrompt() {
        assertEquals("sudo -n sh -c 'systemctl stop a; systemctl start '\\''b c'\\'''",
                ShellCommand.asRoot("ops", "systemctl stop a; systemctl start 'b c'"));
    }
}
