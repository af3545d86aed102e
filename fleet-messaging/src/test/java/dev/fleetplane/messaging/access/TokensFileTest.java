package dev.fleetplane.messaging.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensFileTest {

    static final String HASH = Tokens.sha256Hex("s3cret-token");

    @Test
    void entries_areReadWithTheirRoles_commentsAndBlankLinesSkipped() {
        List<AccessToken> tokens = TokensFile.parse("tokens", """
                # who may do what
                ci-bot ci %s

                alice Operator,ci %s
                """.formatted(HASH, Tokens.sha256Hex("other")));
        assertEquals(2, tokens.size());
        assertEquals("ci-bot", tokens.get(0).name());
        assertEquals(Set.of("ci"), tokens.get(0).roles());
        assertArrayEquals(HexFormat.of().parseHex(HASH), tokens.get(0).sha256());
        assertEquals(Set.of("operator", "ci"), tokens.get(1).roles());
    }

    @Test
    void operator_impliesViewer_andNothingElseImpliesAnything() {
        assertEquals(Set.of("operator", "viewer"), Roles.granted(Set.of("operator")));
        assertEquals(Set.of("ci"), Roles.granted(Set.of("ci")));
        assertEquals(Set.of("console"), Roles.granted(Set.of("console")));
    }

    @Test
    void errors_nameFileAndLine_neverTheHash() {
        String badHash = "zz" + HASH.substring(2);
        var e = assertThrows(IllegalArgumentException.class,
                () -> TokensFile.parse("/etc/fleetplane/tokens", "\nbob viewer " + badHash + "\n"));
        assertTrue(e.getMessage().startsWith("/etc/fleetplane/tokens line 2: token bob's hash must be 64 hex digits"),
                e.getMessage());
        assertFalse(e.getMessage().contains(badHash.substring(2)), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> TokensFile.parse("t", "bob admin " + HASH));
        assertEquals("t line 1: unknown role 'admin'; roles are ci, operator, viewer, console", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> TokensFile.parse("t", "bob " + HASH));
        assertEquals("t line 1: expected 3 fields '<name> <roles,comma> <token sha256>' "
                + "and optionally hosts=<glob,...> expires=<date>, found 2", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> TokensFile.parse("t", "b/b viewer " + HASH));
        assertTrue(e.getMessage().startsWith("t line 1: token name 'b/b' must be"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> TokensFile.parse("t", "bob , " + HASH));
        assertTrue(e.getMessage().startsWith("t line 1: token bob has no role"), e.getMessage());
    }

    @Test
    void duplicates_areRefusedByName() {
        var twice = TokensFile.parse("t", "a viewer " + HASH + "\nb viewer " + HASH);
        var e = assertThrows(IllegalStateException.class, () -> Tokens.checked("t", twice));
        assertEquals("t: token b has the same hash as another", e.getMessage());
        var named = TokensFile.parse("t", "a viewer " + HASH + "\na ci " + Tokens.sha256Hex("x"));
        e = assertThrows(IllegalStateException.class, () -> Tokens.checked("t", named));
        assertEquals("t: token a is written twice", e.getMessage());
    }

    @Test
    void hostsAndExpiry_areOptionalFieldsAfterTheHash() {
        List<AccessToken> tokens = TokensFile.parse("tokens", """
                web-team viewer %s hosts=web*,db-? expires=2027-01-31
                robot ci %s expires=2027-01-31T12:00:00+01:00
                """.formatted(HASH, Tokens.sha256Hex("other")));
        AccessToken web = tokens.get(0);
        assertEquals(List.of("web*", "db-?"), web.hosts());
        assertEquals(java.time.Instant.parse("2027-01-31T00:00:00Z"), web.expires());
        assertFalse(web.expiredAt(java.time.Instant.parse("2027-01-30T23:59:59Z")));
        assertTrue(web.expiredAt(java.time.Instant.parse("2027-01-31T00:00:00Z")));
        assertEquals(List.of(), tokens.get(1).hosts());
        assertEquals(java.time.Instant.parse("2027-01-31T11:00:00Z"), tokens.get(1).expires());

        HostScope scope = HostScope.of("web-team", web.hosts());
        assertTrue(scope.allows("web"));
        assertTrue(scope.allows("web-2"));
        assertTrue(scope.allows("db-1"));
        assertFalse(scope.allows("db-10"));
        assertFalse(scope.allows("api"));
        assertFalse(scope.allows(null));
        assertEquals("token web-team may only see hosts web*,db-?, not 'api'", scope.refusal("api"));
        assertTrue(HostScope.every().allows("anything"));
        assertTrue(HostScope.every().allows(null));
    }

    @Test
    void badHostsOrExpiry_nameTheLineAndTheToken() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TokensFile.parse("t", "bob viewer " + HASH + " hosts=web;rm"));
        assertEquals("t line 1: token bob's hosts: 'web;rm' is not a host glob (letters, digits, '.', '_', '-', '*' "
                + "and '?', at most 63)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TokensFile.parse("t", "bob viewer " + HASH + " expires=tomorrow"));
        assertEquals("t line 1: token bob's expires must be a date (2027-01-31) or a time with offset "
                + "(2027-01-31T12:00:00Z), got 'tomorrow'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TokensFile.parse("t", "bob viewer " + HASH + " colour=blue"));
        assertTrue(e.getMessage().startsWith("t line 1: token bob: unknown field 'colour'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TokensFile.parse("t", "bob viewer " + HASH + " s3cret-token"));
        assertEquals("t line 1: token bob: unknown field #4 (not shown: it is not a name=value option); after the "
                + "hash come hosts=<glob,...> and expires=<date>", e.getMessage(), "a pasted token is not echoed");
        e = assertThrows(IllegalArgumentException.class,
                () -> TokensFile.parse("t", "bob viewer " + HASH + " hosts=a hosts=b"));
        assertEquals("t line 1: token bob has hosts= twice", e.getMessage());
    }
}
