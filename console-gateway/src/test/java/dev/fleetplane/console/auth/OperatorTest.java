package dev.fleetplane.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.messaging.access.AccessToken;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorTest {

    private static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"; // "test"

    @Test
    void globsMatchHostNamesCaseInsensitively() {
        assertTrue(Operator.matches("*", "web1"));
        assertTrue(Operator.matches("web-*", "WEB-2"));
        assertTrue(Operator.matches("db?", "db1"));
        assertFalse(Operator.matches("db?", "db12"));
        assertFalse(Operator.matches("web-*", "webx"));
        assertTrue(Operator.matches("*.lab", "nas.lab"));
        Operator o = Operator.parse("test", "alice", "read", List.of("web-*", "db1"), HASH);
        assertTrue(o.mayOpen("web-3"));
        assertTrue(o.mayOpen("db1"));
        assertFalse(o.mayOpen("db2"));
        assertFalse(o.mayWrite());
    }

    @Test
    void badEntriesAreRefusedNamingWhereAndWhat_neverTheHash() {
        IllegalArgumentException access = assertThrows(IllegalArgumentException.class,
                () -> Operator.parse("ops.txt line 3", "alice", "admin", List.of("*"), HASH));
        assertEquals("ops.txt line 3: operator alice has access 'admin'; it must be 'write' or 'read'",
                access.getMessage());
        IllegalArgumentException hash = assertThrows(IllegalArgumentException.class,
                () -> Operator.parse("k", "alice", "write", List.of("*"), "secret-token"));
        assertTrue(hash.getMessage().startsWith("k: operator alice's token hash must be 64 hex digits"));
        assertFalse(hash.getMessage().contains("secret-token"));
        assertThrows(IllegalArgumentException.class, () -> Operator.parse("k", "al ice", "write", List.of("*"), HASH));
        assertThrows(IllegalArgumentException.class, () -> Operator.parse("k", "a", "write", List.of("web/1"), HASH));
        assertThrows(IllegalArgumentException.class, () -> Operator.parse("k", "a", "write", List.of(), HASH));
    }

    @Test
    void theFileHasOneOperatorPerLine_commentsAndBlanksSkipped() {
        List<Operator> ops = OperatorFile.parse("ops", """
                # name access hosts sha256
                alice write * %s

                rita  read  web-*,db1  %s
                """.formatted(HASH, HASH.replace('9', '8')));
        assertEquals(List.of("alice", "rita"), ops.stream().map(Operator::name).toList());
        assertEquals(List.of("web-*", "db1"), ops.get(1).hosts());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OperatorFile.parse("ops", "alice write *\n"));
        assertEquals("ops line 1: expected 4 fields '<name> <read|write> <hosts> <token sha256>', found 3",
                e.getMessage());
    }

    @Test
    void theTokenHashMatchesSha256OfTheToken() {
        assertEquals(HASH, java.util.HexFormat.of().formatHex(Operators.sha256("test")));
    }

    @Test
    void sharedTokens_operatorAndConsoleWrite_viewerReads_ciIsNoConsoleOperator() {
        var operator = Operators.fromShared(new AccessToken("ops", Set.of("operator"),
                new byte[32]), NOW).orElseThrow();
        assertTrue(operator.mayWrite());
        assertTrue(operator.mayOpen("any-host"));
        assertTrue(Operators.fromShared(new AccessToken("c", Set.of("console"),
                new byte[32]), NOW).orElseThrow().mayWrite());
        assertFalse(Operators.fromShared(new AccessToken("v", Set.of("viewer"),
                new byte[32]), NOW).orElseThrow().mayWrite());
        assertTrue(Operators.fromShared(new AccessToken("ci", Set.of("ci"),
                new byte[32]), NOW).isEmpty());
    }

    static final java.time.Instant NOW = java.time.Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void aSharedTokenLimitedToHosts_opensOnlyThose_andAnExpiredOneIsNoOperator() {
        var web = Operators.fromShared(new AccessToken("ops", Set.of("operator"), new byte[32])
                .limitedTo(List.of("web*"), null), NOW).orElseThrow();
        assertTrue(web.mayOpen("web-1"));
        assertFalse(web.mayOpen("db-1"));
        var expired = new AccessToken("old", Set.of("operator"), new byte[32])
                .limitedTo(List.of(), java.time.Instant.parse("2020-01-01T00:00:00Z"));
        assertTrue(Operators.fromShared(expired, NOW).isEmpty());
        assertTrue(Operators.fromShared(expired.limitedTo(List.of(), java.time.Instant.parse("2027-01-01T00:00:00Z")),
                NOW).isPresent(), "not yet expired");
    }
}
