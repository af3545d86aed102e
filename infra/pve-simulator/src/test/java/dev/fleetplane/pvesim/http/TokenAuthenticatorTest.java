package dev.fleetplane.pvesim.http;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenAuthenticatorTest {

    private static final String SECRET = "0b7e1c2d-aaaa=bbbb";
    private final TokenAuthenticator current = new TokenAuthenticator(Map.of("terraform@pve!provider", SECRET), false);
    private final TokenAuthenticator legacy = new TokenAuthenticator(Map.of("terraform@pve!provider", SECRET), true);

    private static RawRequest request(String authorization) {
        Map<String, List<String>> headers = authorization == null ? Map.of() : Map.of("authorization", List.of(authorization));
        return new RawRequest("GET", "/api2/json/version", null, headers, new byte[0], null);
    }

    @Test
    void tokenId_isEverythingBeforeTheLastEquals() {
        // a secret containing '=' would be split wrongly by a first-'=' parser; Proxmox uses the last one
        assertThrows(ApiException.class, () -> current.authenticate(request("PVEAPIToken=terraform@pve!provider=" + SECRET)));
        TokenAuthenticator plain = new TokenAuthenticator(Map.of("terraform@pve!provider", "abc"), false);
        assertEquals("terraform@pve!provider", plain.authenticate(request("PVEAPIToken=terraform@pve!provider=abc")));
        assertEquals("terraform@pve!provider", plain.authenticate(request("PVEAPIToken terraform@pve!provider=abc")));
    }

    @Test
    void missingHeader_isNoTicket() {
        ApiException e = assertThrows(ApiException.class, () -> current.authenticate(request(null)));
        assertEquals(401, e.status());
        assertEquals("No ticket", e.getMessage());
        assertEquals("No ticket", assertThrows(ApiException.class,
                () -> current.authenticate(request("Bearer xyz"))).getMessage());
    }

    @Test
    void wrongSecret_neverShowsTheSecret() {
        ApiException e = assertThrows(ApiException.class,
                () -> legacy.authenticate(request("PVEAPIToken=terraform@pve!provider=guess-secret")));
        assertEquals("invalid token value!", e.getMessage());
        assertFalse(e.getMessage().contains("guess-secret"));
        assertEquals(TokenAuthenticator.AUTHENTICATION_FAILED, assertThrows(ApiException.class,
                () -> current.authenticate(request("PVEAPIToken=terraform@pve!provider=guess-secret"))).getMessage());
    }

    @Test
    void ticketCookie_winsOverToken_andIsInvalidHere() {
        Map<String, List<String>> headers = Map.of(
                "authorization", List.of("PVEAPIToken=terraform@pve!provider=abc"),
                "cookie", List.of("PVEAuthCookie=PVE:root@pam:64E10CBA::sig"));
        ApiException e = assertThrows(ApiException.class, () -> legacy.authenticate(
                new RawRequest("GET", "/", null, headers, new byte[0], null)));
        assertEquals("permission denied - invalid PVE ticket", e.getMessage());
    }

    @Test
    void configuredTokenIds_mustBeUserRealmBangName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TokenAuthenticator(Map.of("root@pam", "x"), false));
        assertEquals("API token id 'root@pam' is not of the form user@realm!tokenid", e.getMessage());
    }
}
