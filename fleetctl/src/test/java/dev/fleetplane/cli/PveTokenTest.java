package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PveTokenTest {

    private static final String SECRET = "9d8f7a6b-1111-2222-3333-444455556666";

    @Test
    void parse_splitsIdAndSecretAtTheFirstEquals() {
        PveToken t = PveToken.parse("fleetplane@pve!inventory=" + SECRET, "--token");
        assertEquals("fleetplane@pve!inventory", t.id());
        assertEquals(SECRET, t.secret());
    }

    @Test
    void toString_hidesTheSecret() {
        String s = PveToken.parse("root@pam!cli=" + SECRET, "--token").toString();
        assertTrue(s.contains("root@pam!cli"), s);
        assertFalse(s.contains(SECRET), s);
    }

    @Test
    void parse_withoutEquals_isRejectedWithoutEchoingTheValue() {
        CliException e = assertThrows(CliException.class, () -> PveToken.parse(SECRET, "--token"));
        assertTrue(e.getMessage().contains("user@realm!tokenid=secret"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void parse_ofIdWithoutRealmOrTokenName_namesTheIdButNotTheSecret() {
        CliException e = assertThrows(CliException.class, () -> PveToken.parse("root!cli=" + SECRET, "PVE_TOKEN"));
        assertTrue(e.getMessage().contains("PVE_TOKEN token id 'root!cli'"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertThrows(CliException.class, () -> PveToken.parse("root@pam=" + SECRET, "--token"));
    }

    @Test
    void parse_withEmptySecret_isRejected() {
        CliException e = assertThrows(CliException.class, () -> PveToken.parse("root@pam!cli=  ", "--token"));
        assertTrue(e.getMessage().contains("no secret after 'root@pam!cli='"), e.getMessage());
    }

    @Test
    void resolve_prefersTheOptionOverTheEnvironment() {
        PveToken t = PveToken.resolve("a@pve!opt=s1", Map.of("PVE_TOKEN", "b@pve!env=s2"));
        assertEquals("a@pve!opt", t.id());
    }

    @Test
    void resolve_withoutOption_readsPveToken() {
        PveToken t = PveToken.resolve(null, Map.of("PVE_TOKEN", "b@pve!env=" + SECRET));
        assertEquals("b@pve!env", t.id());
        assertEquals(SECRET, t.secret());
    }

    @Test
    void resolve_withNeitherOptionNorEnvironment_saysHowToPassOne() {
        CliException e = assertThrows(CliException.class, () -> PveToken.resolve(null, Map.of()));
        assertTrue(e.getMessage().contains("--token") && e.getMessage().contains("PVE_TOKEN"), e.getMessage());
    }
}
