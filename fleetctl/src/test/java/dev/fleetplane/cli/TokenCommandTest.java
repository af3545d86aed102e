package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fleetplane token add|list|remove} on a tokens file, as a person types them. */
class TokenCommandTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FleetctlMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void add_printsTheTokenOnce_andWritesOnlyItsHashToAPrivateFile() throws IOException {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "# mine\nalice operator " + "a".repeat(64) + "\n");
        Run added = run("token", "add", "bob", "--roles", "viewer", "--hosts", "web*,db-?", "--expires", "2099-01-31",
                "--tokens-file", tokens.toString());
        assertEquals(0, added.exit(), added.err());
        String token = added.out().strip();
        assertTrue(token.matches("[0-9a-f]{64}"), added.out());
        String text = Files.readString(tokens);
        assertEquals("# mine\nalice operator " + "a".repeat(64) + "\nbob viewer " + TokenCommand.sha256Hex(token)
                + " hosts=web*,db-? expires=2099-01-31T00:00:00Z\n", text);
        assertFalse(text.contains(token), "the token itself is not stored");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens)));

        Run again = run("token", "add", "bob", "--roles", "viewer", "--tokens-file", tokens.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains(tokens + " already has a token bob; remove it first"), again.err());
    }

    @Test
    void add_withOut_writesTheTokenToANewPrivateFile_notToStdout() throws IOException {
        Path tokens = dir.resolve("tokens");
        Path out = dir.resolve("bob.token");
        Run added = run("token", "add", "bob", "--roles", "operator", "--out", out.toString(),
                "--tokens-file", tokens.toString());
        assertEquals(0, added.exit(), added.err());
        assertEquals("", added.out());
        String token = Files.readString(out).strip();
        assertTrue(Files.readString(tokens).contains("bob operator " + TokenCommand.sha256Hex(token)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));

        Run exists = run("token", "add", "carol", "--roles", "viewer", "--out", out.toString(),
                "--tokens-file", tokens.toString());
        assertEquals(1, exists.exit());
        assertTrue(exists.err().contains("--out " + out + " exists"), exists.err());
    }

    @Test
    void list_showsNamesRolesHostsAndExpiry_neverHashes_andRemoveDropsOne() throws IOException {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "alice operator " + "a".repeat(64) + "\nold ci " + "b".repeat(64)
                + " hosts=web* expires=2020-01-01\n");
        Run list = run("token", "list", "--tokens-file", tokens.toString());
        assertEquals(0, list.exit(), list.err());
        assertEquals("""
                NAME   ROLES     HOSTS  EXPIRES               EXPIRED
                alice  operator  *      never                 no
                old    ci        web*   2020-01-01T00:00:00Z  yes
                """, list.out().replace(System.lineSeparator(), "\n"));
        assertFalse(list.out().contains("aaaa"));

        assertEquals(0, run("token", "remove", "old", "--tokens-file", tokens.toString()).exit());
        assertEquals("alice operator " + "a".repeat(64) + "\n", Files.readString(tokens));
        Run unknown = run("token", "remove", "old", "--tokens-file", tokens.toString());
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("has no token old (its tokens: alice)"), unknown.err());
    }

    @Test
    void add_refusesAPastExpiryAndAnUnknownRole() {
        Path tokens = dir.resolve("tokens");
        Run past = run("token", "add", "bob", "--roles", "viewer", "--expires", "2020-01-01",
                "--tokens-file", tokens.toString());
        assertEquals(1, past.exit());
        assertTrue(past.err().contains("--expires 2020-01-01 is already past"), past.err());
        Run role = run("token", "add", "bob", "--roles", "root", "--tokens-file", tokens.toString());
        assertEquals(1, role.exit());
        assertTrue(role.err().contains("unknown role 'root'"), role.err());
        assertFalse(Files.exists(tokens), "nothing written");
    }
}
