package dev.fleetplane.console.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PasswordRedactorTest {

    private final PasswordRedactor r = new PasswordRedactor();

    private String in(String typed) {
        return new String(r.input(typed.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private void out(String shown) {
        r.output(shown.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void inputAfterAPasswordPromptIsLeftOutUntilTheLineEnds_keystrokeByKeystroke() {
        out("web login: ");
        assertEquals("root\r", in("root\r"));
        out("\r\nPassword: ");
        assertEquals("", in("s"));
        assertEquals("", in("3cr"));
        assertEquals("[redacted]\r", in("et\r"));
        assertFalse(r.redacting());
        out("\r\n[root@web:~]# ");
        assertEquals("ls\r", in("ls\r"));
    }

    @Test
    void aPasteHoldingTheSecretAndMoreKeepsWhatFollowsTheLineEnd() {
        out("[sudo] password for alice: ");
        assertEquals("[redacted]\rid\r", in("hunter2\rid\r"));
    }

    @Test
    void promptsAreFoundWhenSplitAcrossOutputChunks_andForPassphrases() {
        out("Enter passphrase for key '/root/.ssh/id_ed25519");
        out("': ");
        assertTrue(r.redacting());
        assertEquals("[redacted]\n", in("x\n"));
        out("Pass");
        out("word:");
        assertTrue(r.redacting());
    }

    @Test
    void textThatMentionsPasswordsIsNotAPrompt() {
        out("password: changed\r\n$ ");
        assertFalse(r.redacting());
        assertEquals("echo hi\r", in("echo hi\r"));
    }
}
