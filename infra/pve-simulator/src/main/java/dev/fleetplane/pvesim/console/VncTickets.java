package dev.fleetplane.pvesim.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code PVEVNC:<8 HEX ts>::<sig>} tickets bound to (user, {@code /vms/<vmid>}, port), valid while their age is
 * between -20 s and 40 s ({@code verify_short_lived_ticket}). Signed with HMAC-SHA256 under a per-simulator key
 * instead of Proxmox's RSA: clients treat the ticket as opaque.
 */
public final class VncTickets {

    private static final long MIN_AGE = -20;
    private static final long MAX_AGE = 40;
    private final byte[] key = new byte[32];

    public VncTickets() {
        new SecureRandom().nextBytes(key);
    }

    public String issue(String user, String path, int port) {
        String ts = String.format(Locale.ROOT, "%08X", System.currentTimeMillis() / 1000);
        return "PVEVNC:" + ts + "::" + sign(ts, user, path, port);
    }

    /** Whether {@code ticket} was issued for exactly this user, path and port, and is young enough. */
    public boolean valid(String ticket, String user, String path, int port) {
        if (ticket == null || !ticket.startsWith("PVEVNC:") || ticket.length() < 17 || !ticket.startsWith("::", 15)) {
            return false;
        }
        String ts = ticket.substring(7, 15);
        long issued;
        try {
            issued = Long.parseLong(ts, 16);
        } catch (NumberFormatException e) {
            return false;
        }
        long age = System.currentTimeMillis() / 1000 - issued;
        if (age < MIN_AGE || age > MAX_AGE) {
            return false;
        }
        byte[] want = sign(ts, user, path, port).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(want, ticket.substring(17).getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(String ts, String user, String path, int port) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal(("PVEVNC:" + ts + ":" + user + ":" + path + ":" + port).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
