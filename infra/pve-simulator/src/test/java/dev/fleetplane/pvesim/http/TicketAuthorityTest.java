package dev.fleetplane.pvesim.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TicketAuthorityTest {

    private final AtomicLong now = new AtomicLong(1_700_000_000L);
    private final TicketAuthority authority =
            new TicketAuthority(Map.of("root@pam", "pw"), TicketAuthority.LIFETIME, now::get);

    @Test
    void ticket_isValidForTwoHours_thenExpires() {
        TicketAuthority.Issued t = authority.login("root@pam", "pw", null);
        assertEquals("PVE:root@pam:" + String.format("%08X", now.get()), t.ticket().substring(0, t.ticket().indexOf("::")));
        now.addAndGet(7200);
        assertEquals("root@pam", authority.verifyOrNull(t.ticket()));
        assertTrue(authority.csrfValid("root@pam", t.csrfToken()));
        now.addAndGet(1);
        assertNull(authority.verifyOrNull(t.ticket()));
        assertFalse(authority.csrfValid("root@pam", t.csrfToken()));
    }

    @Test
    void csrfToken_belongsToItsUser() {
        TicketAuthority two = new TicketAuthority(Map.of("a@pve", "x", "b@pve", "y"), Duration.ofHours(2), now::get);
        TicketAuthority.Issued a = two.login("a@pve", "x", null);
        assertTrue(two.csrfValid("a@pve", a.csrfToken()));
        assertFalse(two.csrfValid("b@pve", a.csrfToken()));
    }

    @Test
    void tamperedTicket_isRejected_andRenewalNeedsAValidTicket() {
        TicketAuthority.Issued t = authority.login("root@pam", "pw", null);
        String tampered = t.ticket().replace("PVE:root@pam:", "PVE:root@pam:0");
        assertNull(authority.verifyOrNull(tampered));
        assertEquals("root@pam", authority.login("root@pam", t.ticket(), null).username());
        ApiException e = assertThrows(ApiException.class, () -> authority.login("root@pam", tampered, null));
        assertEquals(401, e.status());
        assertEquals("authentication failure", e.getMessage());
    }

    @Test
    void wrongPassword_isAuthenticationFailure_withoutThePassword() {
        ApiException e = assertThrows(ApiException.class, () -> authority.login("root@pam", "guess-pw", null));
        assertFalse(e.getMessage().contains("guess-pw"));
        assertFalse(e.emptyBody());
    }
}
