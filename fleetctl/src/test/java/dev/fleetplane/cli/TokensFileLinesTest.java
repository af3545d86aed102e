package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokensFileLinesTest {

    static final String A = "a".repeat(64);
    static final String B = "b".repeat(64);
    static final String FILE = """
            # written by hand
            alice operator %s

            ci-bot ci %s hosts=web*,db-? expires=2020-01-01
            """.formatted(A, B);

    @Test
    void aNewEntry_isAppended_keepingCommentsBlankLinesAndOtherEntries() {
        String line = TokensFileLines.line("bob", List.of("viewer"), List.of("web*"),
                Optional.of(Instant.parse("2027-01-31T00:00:00Z")), "c".repeat(64));
        assertEquals("bob viewer " + "c".repeat(64) + " hosts=web* expires=2027-01-31T00:00:00Z", line);
        assertEquals(FILE + line + "\n", TokensFileLines.withLine(FILE, "bob", line));
    }

    @Test
    void anEntryOfTheSameName_isReplacedWhereItStands() {
        String updated = TokensFileLines.withLine(FILE, "alice", "alice operator " + "d".repeat(64));
        assertEquals(FILE.replace("alice operator " + A, "alice operator " + "d".repeat(64)), updated);
    }

    @Test
    void anotherNameWithTheSameHash_isDropped_soTheServicesDoNotRefuseBoth() {
        String updated = TokensFileLines.withoutHash(FILE, "alice2", A);
        assertFalse(updated.contains("alice operator"), updated);
        assertTrue(updated.contains("ci-bot ci"), updated);
        assertEquals(FILE, TokensFileLines.withoutHash(FILE, "alice", A), "its own line stays");
    }

    @Test
    void removing_dropsOnlyThatEntry_andAnUnknownNameIsAnErrorNamingTheTokens() {
        assertEquals(FILE.replace("alice operator " + A + "\n", ""), TokensFileLines.without("f", FILE, "alice"));
        CliException e = assertThrows(CliException.class, () -> TokensFileLines.without("f", FILE, "carol"));
        assertEquals("f has no token carol (its tokens: alice, ci-bot)", e.getMessage());
    }

    @Test
    void entries_showNameRolesHostsAndExpiry() {
        List<TokensFileLines.Entry> entries = TokensFileLines.entries("f", FILE);
        assertEquals(2, entries.size());
        assertEquals(new TokensFileLines.Entry("ci-bot", List.of("ci"), List.of("web*", "db-?"),
                Optional.of(Instant.parse("2020-01-01T00:00:00Z"))), entries.get(1));
        assertTrue(entries.get(1).expiredAt(Instant.parse("2026-01-01T00:00:00Z")));
        assertFalse(entries.get(0).expiredAt(Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void badParts_areRefusedBeforeTheyAreWritten() {
        assertEquals("unknown role 'admin'; roles are ci, operator, viewer, console", assertThrows(CliException.class,
                () -> TokensFileLines.line("bob", List.of("admin"), List.of(), Optional.empty(), A)).getMessage());
        assertEquals("'web/1' is not a host glob (letters, digits, '.', '_', '-', '*' and '?', at most 63)",
                assertThrows(CliException.class, () -> TokensFileLines.line("bob", List.of("viewer"),
                        List.of("web/1"), Optional.empty(), A)).getMessage());
        assertEquals("token name 'bob smith' must be 1-64 letters, digits, '.', '_', '@' or '-'",
                assertThrows(CliException.class, () -> TokensFileLines.line("bob smith", List.of("viewer"),
                        List.of(), Optional.empty(), A)).getMessage());
        assertEquals("--expires must be a date (2027-01-31) or a time with offset (2027-01-31T12:00:00Z), got "
                + "'next week'", assertThrows(CliException.class, () -> TokensFileLines.expiry("next week")).getMessage());
    }
}
